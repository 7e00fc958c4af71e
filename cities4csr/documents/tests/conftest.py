from cities4csr.instruments.tests.conftest import accepted_pledge  # noqa: F401 (the same fixture)

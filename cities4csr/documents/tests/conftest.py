from cities4csr.instruments.tests.conftest import accepted_pledge, without_pango  # noqa: F401 (the same fixtures)

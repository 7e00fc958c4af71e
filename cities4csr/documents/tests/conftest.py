from cities4csr.instruments.tests.conftest import without_pango  # noqa: F401 (the same fixture)

"""Who may read the ledger: for now the city's officers (the public ledger of a fund comes with
the funds)."""

import rules

from cities4csr.organisations.rules import is_city_officer

rules.add_perm("ledger.view_postinggroup", is_city_officer)

import rules

from cities4csr.organisations.rules import is_city_officer

rules.add_perm("needs.change_action", is_city_officer)

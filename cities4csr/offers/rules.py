import rules

from cities4csr.organisations.rules import is_city_officer, is_org_representative

# asked on the organisation
rules.add_perm("offers.change_profile", is_org_representative | is_city_officer)

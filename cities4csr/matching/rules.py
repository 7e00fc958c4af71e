import rules

from cities4csr.organisations.rules import is_city_officer, is_org_member, is_org_representative

# asked on the city
rules.add_perm("matching.view_allocation", is_city_officer)
# asked on the need
rules.add_perm("matching.view_helpers", is_city_officer)
rules.add_perm("matching.launch_collective_action", is_city_officer)
# asked on the organisation
rules.add_perm("matching.view_recommendations", is_org_member | is_city_officer)
# asked on the invitation
rules.add_perm("matching.respond_invitation", is_org_representative)

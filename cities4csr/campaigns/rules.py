"""Who may do what with campaigns: the city's officers run them; everyone sees an open or
finished campaign and may give to an open one; a draft is the officers' own."""

import rules

from cities4csr.organisations.rules import is_city_officer


@rules.predicate
def is_public_campaign(user, campaign):
    return campaign.state != "draft"


# asked on the city
rules.add_perm("campaigns.add_campaign", is_city_officer)
# asked on the campaign
rules.add_perm("campaigns.view_campaign", is_public_campaign | is_city_officer)
rules.add_perm("campaigns.change_campaign", is_city_officer)
rules.add_perm("campaigns.close_campaign", is_city_officer)

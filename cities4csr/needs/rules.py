import rules

from cities4csr.organisations.rules import city_roles, is_city_officer, is_org_member, is_org_representative


@rules.predicate
def is_owner_representative(user, need):
    return is_org_representative(user, need.owner)


@rules.predicate
def is_owner_member(user, need):
    return is_org_member(user, need.owner)


@rules.predicate
def is_public_need(user, need):
    return need.is_public


@rules.predicate
def represents_an_organisation(user, city):
    return "representative" in city_roles(user, city)


rules.add_perm("needs.change_action", is_city_officer)
# add_need is asked on the owning organisation: officers for anyone, a representative for their own
rules.add_perm("needs.add_need", is_city_officer | is_org_representative)
rules.add_perm("needs.change_need", is_city_officer | is_owner_representative)
rules.add_perm("needs.view_need", is_public_need | is_city_officer | is_owner_member)
rules.add_perm("needs.review_need", is_city_officer)

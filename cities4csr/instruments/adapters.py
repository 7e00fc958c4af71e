"""From the platform's records to the advisor's questionnaire (the advisor itself knows no Django)."""

from cities4csr.needs.models import ResourceKind
from cities4csr.organisations.models import Organisation
from cities4csr.pledges.selectors import partners_accepted

KIND = {
    ResourceKind.MONEY: "money",
    ResourceKind.GOODS: "goods",
    ResourceKind.VOLUNTEER_TIME: "volunteer_time",
    ResourceKind.EXPERTISE: "expertise",
    ResourceKind.SPACE: "space_use",
}
COUNTERPART = {
    Organisation.Kind.COMPANY: "company",
    Organisation.Kind.THIRD_SECTOR: "third_sector",
    Organisation.Kind.ASSOCIATION: "third_sector",
    Organisation.Kind.PUBLIC_BODY: "public_body",
    Organisation.Kind.INFORMAL_GROUP: "citizens",
}
RECIPIENT = {
    Organisation.Kind.PUBLIC_BODY: "city",
    Organisation.Kind.THIRD_SECTOR: "third_sector_body",
    Organisation.Kind.ASSOCIATION: "third_sector_body",
}


def answers_from_pledge(pledge) -> dict:
    """What the pledge already says. Anything it cannot say (what the giver gets in return,
    which asset is involved) is left out, for the officer to answer: never a default."""
    items = sorted(pledge.items.all(), key=lambda i: (-i.value_cents, i.line_id))
    answers: dict = {"value_eur": pledge.value_cents / 100}
    if items:
        answers["contribution_kind"] = KIND.get(items[0].line.kind)
    partners = partners_accepted(pledge)
    if partners:
        answers["counterpart"] = "mixed"
        answers["multi_party"] = True
    else:
        answers["counterpart"] = COUNTERPART.get(pledge.organisation.kind)
    owner = pledge.need.owner
    answers["recipient"] = RECIPIENT.get(owner.kind) if owner else None
    need = pledge.need
    if need.starts_on and need.ends_on and need.ends_on >= need.starts_on:
        days = (need.ends_on - need.starts_on).days
        answers["duration_months"] = max(round(days / 30.44), 0)
    return {k: v for k, v in answers.items() if v is not None}

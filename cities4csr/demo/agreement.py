"""Demo: a pledge agreed through the advisor, as a sponsorship with its checklist, returns
register, the terms its draft needs and the drafts. What the demo cannot know (signatories,
their acts, the determina) stays blank: the draft prints "[…]" for the legal office."""

from datetime import timedelta

from django.utils import timezone

from cities4csr.documents.services import draft_generate
from cities4csr.instruments.adapters import answers_from_pledge
from cities4csr.instruments.models import ReturnItem
from cities4csr.instruments.services import agreement_confirm, agreement_terms_update, return_add
from cities4csr.organisations.services import organisation_update

#: the Comune di Milano's seat and tax code, as its agreements write them
MILAN_CITY_HALL = {"registered_office": "Piazza della Scala 2, 20121 Milano", "tax_code": "01199250158"}


def agree_demo_pledge(pledge) -> None:
    answers = {
        **answers_from_pledge(pledge),
        "contribution_kind": "money",
        "return_expected": "visibility",
        "public_asset": "none",
        "counterpart": "company",
        "beneficiary": "municipality",
        "duration_months": 12,
    }
    agreement = agreement_confirm(actor=None, pledge=pledge, answers=answers, instrument="sponsorship")
    return_add(
        actor=None,
        agreement=agreement,
        kind=ReturnItem.Kind.LOGO,
        description="Logo sul pannello del cantiere e sulla pagina del progetto",
        value_cents=150_000,
    )
    return_add(
        actor=None,
        agreement=agreement,
        kind=ReturnItem.Kind.EVENT,
        description="Citazione all'inaugurazione",
    )
    owner = pledge.need.owner
    if owner.name == "Comune di Milano" and not owner.registered_office:
        organisation_update(actor=None, organisation=owner, **MILAN_CITY_HALL)
    starts = timezone.localdate()
    agreement_terms_update(
        actor=None, agreement=agreement, starts_on=starts, ends_on=starts + timedelta(days=364), payment_days=30
    )
    draft_generate(actor=None, agreement=agreement)

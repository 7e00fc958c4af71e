"""Demo: a pledge agreed through the advisor, as a sponsorship with its checklist, returns
register and drafts."""

from cities4csr.documents.services import draft_generate
from cities4csr.instruments.adapters import answers_from_pledge
from cities4csr.instruments.models import ReturnItem
from cities4csr.instruments.services import agreement_confirm, return_add


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
    draft_generate(actor=None, agreement=agreement)

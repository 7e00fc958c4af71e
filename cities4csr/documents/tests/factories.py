"""Agreement drafts, rendered by the service (DOCX, and PDF where WeasyPrint runs)."""

from cities4csr.documents.services import draft_generate
from cities4csr.instruments.tests.factories import AgreementFactory


def drafts_for(agreement=None, **agreement_fields):
    """The drafts of ``agreement`` (a new sponsorship by default), as ``{format: Draft}``."""
    agreement = agreement or AgreementFactory(**agreement_fields)
    drafts, _missing = draft_generate(actor=None, agreement=agreement)
    return {draft.format: draft for draft in drafts}

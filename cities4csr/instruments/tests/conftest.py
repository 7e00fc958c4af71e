import pytest

from cities4csr.needs.models import Need, ResourceKind
from cities4csr.needs.services import line_add, need_create, need_transition
from cities4csr.organisations.models import Organisation
from cities4csr.pledges.models import Pledge
from cities4csr.pledges.services import pledge_propose, pledge_transition

from .factories import SPONSORSHIP  # noqa: F401 (imported from here by older tests)


@pytest.fixture
def accepted_pledge(in_milano, users, company_rep):
    """Make an accepted pledge of ``euros`` (money) from the demo company to a fresh need (for
    the tests still on the demo; test_agreements.py has one on the factories)."""
    officer = users["milano", "officer"]
    rep, company = company_rep

    def make(euros: int) -> Pledge:
        need = need_create(
            actor=officer,
            city=in_milano,
            owner=Organisation.objects.get(name="Comune di Milano"),
            title=f"Piazza aperta da {euros} euro",
            description="Riqualificare la piazza davanti alla scuola.",
            lat=45.4403,
            lon=9.2235,
        )
        line = line_add(actor=officer, need=need, kind=ResourceKind.MONEY, label="Arredi", quantity=euros * 100)
        need_transition(actor=officer, need=need, to=Need.State.PUBLISHED)
        pledge = pledge_propose(actor=rep, need=need, organisation=company, items=[(line, euros * 100)])
        return pledge_transition(actor=officer, pledge=pledge, to=Pledge.State.ACCEPTED)

    return make


@pytest.fixture
def without_pango(monkeypatch):
    """Importing WeasyPrint fails as it does on a machine without the pango library."""
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)

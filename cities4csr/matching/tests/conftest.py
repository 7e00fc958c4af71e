import pytest

from cities4csr.needs.models import Theme
from cities4csr.offers.services import offer_create, profile_update


@pytest.fixture
def fitting_company(company_rep, corvetto_need, in_milano):
    """The demo representative's company, made to fit the Corvetto need: its themes, its
    neighbourhood among its preferred ones, €10,000 on offer."""
    rep, company = company_rep
    themes = list(Theme.objects.filter(key__in=["education", "public_space"]).order_by("key"))
    corvetto_need.themes.set(themes)  # test set-up: the fixture's need, given themes
    profile_update(
        actor=rep, organisation=company, themes=themes, sdgs=["4", "11"], preferred_areas=[corvetto_need.area]
    )
    offer_create(actor=rep, organisation=company, kind="money", label="Contributo", quantity=1_000_000)
    return rep, company

import pytest
from django.apps import apps
from django_scopes import scopes_disabled

from cities4csr.demo.seed import seed_demo

pytestmark = pytest.mark.usefixtures("demo")  # these tests read the demo cities


def counts():
    with scopes_disabled():
        return {
            m._meta.label: m._default_manager.count()
            for m in apps.get_models()
            if m._meta.app_label in ("cities", "organisations", "needs", "accounts", "core")
        }


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    before = counts()
    seed_demo()
    assert counts() == before
    assert before["organisations.Organisation"] >= 50
    assert before["needs.Action"] == 3

from pathlib import Path

from django.conf import settings

from cities4csr.core.lifecycle import REGISTRY
from cities4csr.core.management.commands.states_doc import render
from cities4csr.core.states import REASON, table


def test_table_expands_sources_and_marks_reasons():
    t = table((("a", "b"), "c", {"officer"}, "finish"), (("a",), "d", {"owner"}, "refuse", REASON))
    assert set(t) == {("a", "c"), ("b", "c"), ("a", "d")}
    assert t["a", "d"].needs_reason and not t["a", "c"].needs_reason


def test_every_stateful_model_is_registered():
    assert set(REGISTRY) == {
        "needs.need",
        "pledges.pledge",
        "pledges.pledgepartner",
        "instruments.agreement",
        "matching.invitation",
        "matching.collectiveaction",
        "campaigns.campaign",
        "funds.fund",
        "funds.contribution",
        "funds.award",
        "volunteering.activity",
        "volunteering.registration",
        "volunteering.hoursentry",
        "impact.indicatorupdate",
    }


def test_docs_states_md_is_up_to_date():
    assert (Path(settings.BASE_DIR) / "docs" / "states.md").read_text() == render(), "run manage.py states_doc"

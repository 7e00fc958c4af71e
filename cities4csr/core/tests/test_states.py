from pathlib import Path

import pytest
from django.conf import settings

from cities4csr.core.management.commands.states_doc import render
from cities4csr.core.states import TransitionError, table, targets_for, transition_check

T = table((("a",), "b", {"officer"}, "go"), (("a", "b"), "c", {"owner", "officer"}, "finish"))


def test_transition_check_refuses_what_the_table_does_not_allow():
    assert transition_check(T, "a", "b", {"officer"}).verb == "go"
    with pytest.raises(TransitionError):
        transition_check(T, "b", "a", {"officer"})
    with pytest.raises(PermissionError):
        transition_check(T, "a", "b", {"owner"})
    assert [t.target for t in targets_for(T, "a", {"owner"})] == ["c"]


def test_docs_states_md_is_up_to_date():
    assert (Path(settings.BASE_DIR) / "docs" / "states.md").read_text() == render(), "run manage.py states_doc"

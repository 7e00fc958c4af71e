"""The officer's lists: needs (drafts included), pledges, collective actions, agreements and their
checklist steps, each with counts per state, a state filter, a search and pages.

Each list is declared once (``LISTS``): its selector (scoped to the city, empty for anyone but an
officer), its states and how a state is found. The page is server-rendered; the search and the
state links swap only the results through htmx when it is there, and work without it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from cities4csr.core.mixins import CityPermissionMixin
from cities4csr.instruments.models import Agreement
from cities4csr.instruments.selectors import agreements_for_officer, steps_for_officer
from cities4csr.matching.models import CollectiveAction
from cities4csr.matching.selectors import collective_actions_for_officer
from cities4csr.needs.models import Need
from cities4csr.needs.selectors import needs_for_officer
from cities4csr.pledges.models import Pledge
from cities4csr.pledges.selectors import pledges_for_officer

#: rows per page of every list
PAGE_SIZE = 25


def _by_state(value: str) -> Q:
    return Q(state=value)


def _step_standing(on) -> Callable[[str], Q]:
    def standing(value: str) -> Q:
        if value == "done":
            return Q(done_on__isnull=False)
        if value == "overdue":
            return Q(done_on__isnull=True, due_on__lt=on)
        return Q(done_on__isnull=True) & (Q(due_on__isnull=True) | Q(due_on__gte=on))

    return standing


STEP_STANDINGS = [("overdue", _("Overdue")), ("open", _("To do")), ("done", _("Done"))]


@dataclass(frozen=True)
class OfficerList:
    key: str  # the URL's last part and the template of its rows: web/officer/rows_<key>.html
    title: object
    search_help: object
    rows: Callable  # (actor, city, q, on) -> QuerySet
    states: Callable  # (on) -> [(value, label)]
    state_q: Callable  # (on) -> (value -> Q)


LISTS = {
    item.key: item
    for item in (
        OfficerList(
            "needs",
            _("Needs"),
            _("Title, description, beneficiaries or neighbourhood"),
            lambda actor, city, q, on: needs_for_officer(actor=actor, city=city, q=q),
            lambda on: Need.State.choices,
            lambda on: _by_state,
        ),
        OfficerList(
            "pledges",
            _("Pledges"),
            _("Giver or need"),
            lambda actor, city, q, on: pledges_for_officer(actor=actor, city=city, q=q),
            lambda on: Pledge.State.choices,
            lambda on: _by_state,
        ),
        OfficerList(
            "collective",
            _("Collective actions"),
            _("Need"),
            lambda actor, city, q, on: collective_actions_for_officer(actor=actor, city=city, q=q),
            lambda on: CollectiveAction.State.choices,
            lambda on: _by_state,
        ),
        OfficerList(
            "agreements",
            _("Agreements"),
            _("Giver, need or instrument"),
            lambda actor, city, q, on: agreements_for_officer(actor=actor, city=city, on=on, q=q),
            lambda on: Agreement.State.choices,
            lambda on: _by_state,
        ),
        OfficerList(
            "steps",
            _("Checklist steps"),
            _("Giver or need"),
            lambda actor, city, q, on: steps_for_officer(actor=actor, city=city, on=on, q=q),
            lambda on: STEP_STANDINGS,
            _step_standing,
        ),
    )
}


class OfficerListView(CityPermissionMixin, TemplateView):
    permission_required = "needs.review_need"
    template_name = "web/officer_list.html"
    kind = "needs"

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["web/officer/results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        spec = LISTS[self.kind]
        on = timezone.localdate()
        q = self.request.GET.get("q", "").strip()[:100]
        rows = spec.rows(self.request.user, self.city, q, on)
        states = list(spec.states(on))
        state_q = spec.state_q(on)
        counted = rows.aggregate(
            _all=Count("pk"), **{f"s_{value}": Count("pk", filter=state_q(value)) for value, _label in states}
        )
        state = self.request.GET.get("state", "")
        if state not in {value for value, _label in states}:
            state = ""
        if state:
            rows = rows.filter(state_q(state))
        page = Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            spec=spec,
            lists=list(LISTS.values()),
            q=q,
            state=state,
            state_label=dict(states).get(state, ""),
            total=counted["_all"],
            counts=[(value, label, counted[f"s_{value}"]) for value, label in states],
            page_obj=page,
            rows=page.object_list,
            rows_template=f"web/officer/rows_{spec.key}.html",
            today=on,
            **kwargs,
        )

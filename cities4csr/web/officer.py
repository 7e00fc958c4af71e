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
from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from cities4csr.core.activity import activity_rows, object_kind_choices
from cities4csr.core.forms import ActivityFilterForm
from cities4csr.core.mixins import CityPermissionMixin
from cities4csr.core.selectors import audit_actors, audit_events
from cities4csr.core.tabular import csv_bytes
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
#: rows of one CSV export of the activity at most
CSV_MAX_ROWS = 50_000


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


class OfficerActivityView(CityPermissionMixin, TemplateView):
    """The city's activity: who did what to which object, in sentences, with the filters of the
    other officer lists (a person, a kind of object, words of its title, what was done, days), its
    pages, and the same trail as CSV (``?export=csv``)."""

    permission_required = "core.view_auditevent"
    template_name = "web/officer_activity.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["web/officer/activity_results.html"]
        return [self.template_name]

    def _form(self):
        form = ActivityFilterForm(self.request.GET or None, actors=audit_actors(city=self.city))
        if form.is_bound:
            form.is_valid()
        return form

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            return activity_csv_response(city=self.city, filters=self._form().filters())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        form = self._form()
        filters = form.filters() if form.is_bound else {}
        events = audit_events(city=self.city, **filters)
        page = Paginator(events, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        return super().get_context_data(
            lists=list(LISTS.values()),
            spec=None,
            form=form,
            filtered=any(filters.values()),
            page_obj=page,
            rows=activity_rows(page.object_list, city=self.city),
            query=query.urlencode(),
            **kwargs,
        )


def activity_csv_response(*, city, filters: dict) -> HttpResponse:
    """The filtered trail as CSV: dates and sentences in the reader's language, formulas quoted."""
    events = audit_events(city=city, **filters)[:CSV_MAX_ROWS]
    header = [
        _("Date and time"),
        _("Person"),
        _("Role"),
        _("What was done"),
        _("Kind of object"),
        _("Object"),
        _("Changes"),
    ]
    kinds = dict(object_kind_choices())

    def lines():
        chunk = []
        for event in events.iterator(chunk_size=500):
            chunk.append(event)
            if len(chunk) == 500:
                yield from _csv_lines(chunk, city, kinds)
                chunk = []
        yield from _csv_lines(chunk, city, kinds)

    response = HttpResponse(csv_bytes(header, lines()), content_type="text/csv; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{city.slug}-activity-{day}.csv"'
    return response


def _csv_lines(events, city, kinds):
    for row in activity_rows(events, city=city):
        yield [
            date_format(timezone.localtime(row.created_at), "SHORT_DATETIME_FORMAT"),
            row.actor_name,
            row.actor_role,
            row.text,
            kinds.get(row.event.object_type, ""),
            row.object_title,
            row.changes_text,
        ]

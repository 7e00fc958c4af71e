"""A company's sustainability statement for a period (ADR 0036): what it gave, read from the
ledger only, in the shapes a CSR report cites.

- **B4SI inputs** ("how"): cash (money), time (employee volunteering), in-kind (goods, pro-bono
  expertise, space), each valued as the ledger holds it — time and in-kind at cost to the company,
  never at market value — and management costs (running the programme: ``Source.MANAGEMENT_COST``)
  as an input of their own; by motivation ("why": charitable gift, community investment,
  commercial initiative, the movement's own), by theme ("what") and by area ("where": the NIL, or
  city-wide for what went through a fund or is not located).
- **Leverage**: what others added to the company's campaign gifts (their matches).
- **Outputs**: hours given (time and pro-bono expertise), the organisations and needs its
  contributions reached, the people reached (approved indicators counting people, of those needs).
- **Impacts**: the approved indicators of the needs it supported (baseline, target, latest value).
- **ESRS S3 evidence pack**: S3-2 engagement (agreements, collective actions joined, volunteering
  with its teams), S3-4 actions and their effectiveness (the needs supported, with resources and
  results), S3-5 targets (the indicators' targets); every row with the address of its evidence.
- **GRI 413-1**: the share of the company's sites whose neighbourhood received its contributions.

Every figure in cents comes from one call to ``ledger.selectors.flows`` on the company's giver
account (outgoing), summed by how, why, what, where, unit and source; the rows of each table sum
to the same total, to the cent. A movement with several themes is split evenly between them, the
cents left over going one each to the first themes by key (largest remainder), so that the table
by theme sums to the total too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from cities4csr.campaigns.selectors import matches_added_to_gifts_of
from cities4csr.impact.rollup import indicator_progress
from cities4csr.ledger.models import Account, Motivation, Source
from cities4csr.ledger.resources import ResourceKind
from cities4csr.ledger.selectors import RECEIVERS, flows

from . import selectors

#: the languages a statement is written in
LANGUAGES = ("it", "en", "fr")
#: B4SI's inputs, in their order
HOWS = ("cash", "time", "in_kind", "management_costs")
#: the facets of the one read of the ledger
FACETS = ("resource_kind", "motivation", "themes", "area_code", "unit", "source")
NO_THEME = ""
CITY_WIDE = ""


def how_of(resource_kind: str, source: str) -> str:
    """B4SI's "how" of a movement: management costs by their source; money is cash, volunteer
    time is time, goods, pro-bono expertise and space are in-kind."""
    if source == Source.MANAGEMENT_COST:
        return "management_costs"
    if resource_kind == ResourceKind.MONEY:
        return "cash"
    if resource_kind == ResourceKind.VOLUNTEER_TIME:
        return "time"
    return "in_kind"


def how_labels() -> dict[str, str]:
    return {
        "cash": pgettext("b4si", "Cash"),
        "time": pgettext("b4si", "Time"),
        "in_kind": pgettext("b4si", "In-kind"),
        "management_costs": pgettext("b4si", "Management costs"),
    }


def theme_keys(themes: str) -> list[str]:
    return sorted({key for key in (themes or "").split("|") if key})


def split_evenly(cents: int, keys: list[str]) -> dict[str, int]:
    """``cents`` shared between ``keys`` (sorted), to the cent: the remainder one cent each to
    the first keys (the sign kept for a net reversal)."""
    if not keys:
        return {NO_THEME: cents}
    sign = -1 if cents < 0 else 1
    share, rest = divmod(abs(cents), len(keys))
    return {key: sign * (share + (1 if i < rest else 0)) for i, key in enumerate(keys)}


@dataclass
class Row:
    """One line of a table: a code (a motivation, a theme key, an area code…), its label in the
    reader's language, its value in cents, and, where it applies, its minutes and a value per how."""

    code: str
    label: str
    value_cents: int = 0
    minutes: int = 0
    by_how: dict[str, int] = field(default_factory=dict)
    url: str = ""


@dataclass
class Indicator:
    need_id: int
    need: str
    name: str
    unit: str
    baseline: Decimal
    baseline_on: datetime.date
    target: Decimal
    target_on: datetime.date
    latest: Decimal | None
    latest_on: datetime.date | None
    progress: float
    counts_people: bool
    url: str
    evidence_url: str = ""


@dataclass
class Evidence:
    """A row of the ESRS S3 pack: what, when, with whom, and where its evidence is."""

    kind: str
    kind_label: str
    title: str
    on: datetime.date | None
    detail: str
    url: str


@dataclass
class SiteRow:
    label: str
    areas: str
    engaged: bool


@dataclass
class Statement:
    language: str
    city: str
    city_slug: str
    currency: str
    organisation_id: int
    organisation: str
    since: datetime.date
    until: datetime.date
    issued_on: datetime.date
    total_cents: int
    inputs: list[Row]
    by_resource: list[Row]
    by_motivation: list[Row]
    by_theme: list[Row]
    by_area: list[Row]
    leverage_cents: int
    hours_minutes: int
    expertise_minutes: int
    people_reached: Decimal
    organisations_supported: list[Row]
    needs_supported: list[Row]
    impacts: list[Indicator]
    s3_2: list[Evidence]
    s3_4: list[Row]
    s3_5: list[Indicator]
    sites: list[SiteRow]
    sites_engaged: int
    hows: dict[str, str]

    @property
    def sites_share(self) -> float | None:
        return self.sites_engaged / len(self.sites) if self.sites else None


def _url(name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(name, kwargs=kwargs)


def _title(obj, language: str, field_name: str = "title") -> str:
    texts = getattr(obj, "translations", None) or {}
    own = texts.get(language) if isinstance(texts, dict) else None
    return (own or {}).get(field_name) or getattr(obj, field_name)


def statement_build(*, city, organisation, since: datetime.date, until: datetime.date, language: str) -> Statement:
    """``organisation``'s statement in ``city`` from ``since`` to ``until`` (both included), in
    ``language``: a fixed number of queries whatever the number of movements."""
    language = language if language in LANGUAGES else "en"
    with translation.override(language):
        return _build(city, organisation, since, until, language)


def _build(city, organisation, since, until, language) -> Statement:
    slug = city.slug
    given = flows(
        city=city,
        kinds=(Account.Kind.GIVER,),
        ref_id=organisation.pk,
        since=since,
        until=until,
        by=FACETS,
        outgoing=True,
    )
    hows = how_labels()
    resource_labels = dict(ResourceKind.choices)
    motivation_labels = dict(Motivation.choices)
    inputs = {how: Row(how, hows[how]) for how in HOWS}
    resources: dict[str, Row] = {}
    motivations = {code: Row(code, str(label)) for code, label in Motivation.choices}
    themes: dict[str, Row] = {}
    areas: dict[str, Row] = {}
    total = 0
    for flow in given:
        how = how_of(flow.resource_kind, flow.source)
        minutes = flow.minutes
        total += flow.value_cents
        inputs[how].value_cents += flow.value_cents
        inputs[how].minutes += minutes
        kind = "management_costs" if how == "management_costs" else flow.resource_kind
        resource = resources.setdefault(
            kind, Row(kind, hows[how] if kind == "management_costs" else str(resource_labels.get(kind, kind)))
        )
        resource.value_cents += flow.value_cents
        resource.minutes += minutes
        motivation = motivations.setdefault(
            flow.motivation, Row(flow.motivation, str(motivation_labels.get(flow.motivation, flow.motivation)))
        )
        motivation.value_cents += flow.value_cents
        motivation.minutes += minutes
        motivation.by_how[how] = motivation.by_how.get(how, 0) + flow.value_cents
        for key, cents in split_evenly(flow.value_cents, theme_keys(flow.themes)).items():
            theme = themes.setdefault(key, Row(key, ""))
            theme.value_cents += cents
            theme.by_how[how] = theme.by_how.get(how, 0) + cents
        area = areas.setdefault(flow.area_code, Row(flow.area_code, ""))
        area.value_cents += flow.value_cents
        area.minutes += minutes
        area.by_how[how] = area.by_how.get(how, 0) + flow.value_cents

    names = selectors.theme_names(city=city)
    for key, row in themes.items():
        row.label = (names[key].names.get(language) or names[key].label) if key in names else (key or _("No theme"))
    area_names = selectors.areas_named(city=city, codes=[c for c in areas if c])
    for code, row in areas.items():
        if not code:
            row.label = _("City-wide, through a fund, or not located")
        elif code in area_names:
            row.label = f"{code} · {area_names[code].name}"
        else:
            row.label = code

    # what the contributions reached: the needs and organisations on the other side of its movements
    reached = flows(
        city=city,
        kinds=RECEIVERS,
        since=since,
        until=until,
        by=("account_kind", "account_ref", "unit"),
        filters={
            "group__postings__account__kind": Account.Kind.GIVER,
            "group__postings__account__ref_id": organisation.pk,
        },
    )
    need_value: dict[int, Row] = {}
    recipient_ids: set[int] = set()
    for flow in reached:
        if flow.value_cents == 0 and flow.quantity == 0:
            continue
        if flow.account_kind == Account.Kind.NEED:
            row = need_value.setdefault(flow.account_ref, Row(str(flow.account_ref), ""))
            row.value_cents += flow.value_cents
            row.minutes += flow.minutes
        else:
            recipient_ids.add(flow.account_ref)
    need_value = {k: v for k, v in need_value.items() if v.value_cents > 0 or v.minutes > 0}
    needs = selectors.needs_named(city=city, ids=need_value)
    needs_supported = []
    for pk, need in sorted(needs.items(), key=lambda item: (-need_value[item[0]].value_cents, item[0])):
        row = need_value[pk]
        row.label = _title(need, language)
        row.url = _url("need_detail", language, city_slug=slug, pk=pk)
        row.by_how = {"area": need.area.code if need.area_id else ""}
        needs_supported.append(row)
    owners = {need.owner_id for need in needs.values() if need.owner_id != organisation.pk}
    supported = selectors.organisations_named(city=city, ids=(owners | recipient_ids) - {organisation.pk})
    organisations_supported = [
        Row(
            str(o.pk), o.name, url=_url("organisation_detail", language, city_slug=slug, pk=o.pk) if o.is_public else ""
        )
        for o in sorted(supported.values(), key=lambda o: (o.name, o.pk))
    ]

    # results: the approved indicators of those needs
    impacts = []
    for indicator in selectors.results_of_needs(city=city, need_ids=list(needs), until=until):
        need_url = _url("need_detail", language, city_slug=slug, pk=indicator.need_id)
        impacts.append(
            Indicator(
                need_id=indicator.need_id,
                need=_title(indicator.need, language),
                name=(indicator.translations or {}).get(language, {}).get("name") or indicator.name,
                unit=indicator.unit,
                baseline=indicator.baseline,
                baseline_on=indicator.baseline_on,
                target=indicator.target,
                target_on=indicator.target_on,
                latest=indicator.latest_value,
                latest_on=indicator.latest_on,
                progress=indicator_progress(
                    baseline=indicator.baseline, target=indicator.target, value=indicator.latest_value
                ),
                counts_people=indicator.counts_people,
                url=need_url,
                evidence_url=indicator.latest_evidence_url or need_url,
            )
        )
    people = sum((i.latest for i in impacts if i.counts_people and i.latest is not None), Decimal(0))

    # ESRS S3-2: engagement with the communities
    s3_2: list[Evidence] = []
    for agreement in selectors.agreements_of(city=city, organisation=organisation, since=since, until=until):
        need = agreement.pledge.need
        s3_2.append(
            Evidence(
                "agreement",
                _("Agreement"),
                f"{agreement.instrument_name} · {_title(need, language)}",
                agreement.agreed_on or agreement.advised_on,
                str(agreement.get_state_display()),
                _url("pledge_detail", language, city_slug=slug, pk=agreement.pledge_id),
            )
        )
    for invitation in selectors.collective_actions_joined(
        city=city, organisation=organisation, since=since, until=until
    ):
        need = invitation.action.need
        s3_2.append(
            Evidence(
                "collective_action",
                _("Collective action joined"),
                _title(need, language),
                timezone.localdate(invitation.responded_at) if invitation.responded_at else None,
                "",
                _url("need_detail", language, city_slug=slug, pk=need.pk),
            )
        )
    activities: dict[int, Evidence] = {}
    for team in selectors.teams_of(city=city, organisation=organisation, since=since, until=until):
        activity = team.slot.activity
        on = timezone.localdate(team.slot.starts_at)
        if activity.pk in activities:
            activities[activity.pk].detail = str(int(activities[activity.pk].detail) + 1)
            continue
        activities[activity.pk] = Evidence(
            "volunteering",
            _("Volunteering with its teams"),
            _title(activity, language),
            on,
            "1",
            _url("volunteering_activity", language, city_slug=slug, slug=activity.slug),
        )
    for evidence in activities.values():
        count = int(evidence.detail)
        evidence.detail = ngettext("%(count)d team", "%(count)d teams", count) % {"count": count}
    s3_2.extend(activities.values())

    # GRI 413-1: its sites, engaged when their neighbourhood received its contributions
    reached_areas = {code for code, row in areas.items() if code and (row.value_cents > 0 or row.minutes > 0)}
    sites = []
    for site in selectors.sites_of(city=city, organisation=organisation):
        codes = [a.code for a in site.primary_areas]
        sites.append(
            SiteRow(
                site.label,
                ", ".join(f"{a.code} · {a.name}" for a in site.primary_areas),
                bool(set(codes) & reached_areas),
            )
        )
    hours = inputs["time"].minutes + inputs["in_kind"].minutes
    return Statement(
        language=language,
        city=city.name,
        city_slug=slug,
        currency=city.currency,
        organisation_id=organisation.pk,
        organisation=organisation.name,
        since=since,
        until=until,
        issued_on=timezone.localdate(),
        total_cents=total,
        inputs=[inputs[how] for how in HOWS],
        by_resource=sorted(resources.values(), key=lambda r: _resource_order(r.code)),
        by_motivation=list(motivations.values()),
        by_theme=sorted(themes.values(), key=lambda r: (r.code == NO_THEME, -r.value_cents, r.code)),
        by_area=sorted(areas.values(), key=lambda r: (r.code == CITY_WIDE, r.code)),
        leverage_cents=matches_added_to_gifts_of(city=city, organisation_id=organisation.pk, since=since, until=until),
        hours_minutes=hours,
        expertise_minutes=inputs["in_kind"].minutes,
        people_reached=people,
        organisations_supported=organisations_supported,
        needs_supported=needs_supported,
        impacts=impacts,
        s3_2=s3_2,
        s3_4=needs_supported,
        s3_5=impacts,
        sites=sites,
        sites_engaged=sum(1 for s in sites if s.engaged),
        hows=hows,
    )


def _resource_order(code: str) -> int:
    order = [*ResourceKind.values, "management_costs"]
    return order.index(code) if code in order else len(order)

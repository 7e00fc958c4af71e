"""Reads behind the city's open data (ADR 0037): the 360Giving grants, the figures per area,
the results, and the list of datasets the catalogue describes. Only what is public: public
organisations (``is_public``), public needs, approved fund awards, approved indicator updates;
no person, no private organisation, no donor who did not publish their name (citizens' gifts sit
on the ledger's "public" account and are never a grant here).

The ledger is read through ``ledger.selectors.flows`` only.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cities4csr.campaigns.models import Campaign
from cities4csr.cities.models import Area
from cities4csr.cities.policy import DEFAULT_OPEN_LICENCE, OPEN_LICENCES
from cities4csr.funds.models import Award, Fund
from cities4csr.impact.models import IndicatorUpdate, ResultIndicator
from cities4csr.impact.rollup import indicator_progress
from cities4csr.impact.selectors import public_indicators
from cities4csr.ledger.models import Account, PostingGroup
from cities4csr.ledger.resources import ResourceKind, as_minutes
from cities4csr.ledger.selectors import flows
from cities4csr.needs.filters import PUBLIC_STATES
from cities4csr.needs.models import Need
from cities4csr.organisations.models import Organisation

from .identifiers import city_org_id, org_id

#: the 360Giving version the export follows (the vendored schema's)
GIVING_VERSION = "1.4"
#: what a company's contribution may go to, and who receives it in the 360Giving file
GRANT_RECEIVERS = (Account.Kind.NEED, Account.Kind.FUND, Account.Kind.CAMPAIGN, Account.Kind.RECIPIENT)
PUBLIC_CAMPAIGN_STATES = (
    Campaign.State.OPEN,
    Campaign.State.SUCCEEDED,
    Campaign.State.MISSED,
    Campaign.State.CLOSED,
)


@dataclass(frozen=True)
class OpenDataSettings:
    """The city's open-data policy with its defaults filled in."""

    prefix: str
    licence: str  # a code of OPEN_LICENCES
    licence_uri: str  # the EU licence vocabulary's
    licence_url: str  # the licence's own page
    attribution: str
    publisher_id: str


def opendata_settings(*, city) -> OpenDataSettings:
    data = city.settings.opendata
    licence = data.get("licence") or DEFAULT_OPEN_LICENCE
    uri, url = OPEN_LICENCES[licence]
    return OpenDataSettings(
        prefix=data.get("prefix") or f"360G-cities4csr-{city.slug}",
        licence=licence,
        licence_uri=uri,
        licence_url=url,
        attribution=data.get("attribution") or city.name,
        publisher_id=data.get("publisher_id") or city.settings.tax_code,
    )


def _iso(day: datetime.date) -> str:
    # a full date-time: the schema's awardDate is oneOf(date-time, date), and a plain date is
    # both when the format is not checked, so a validator would count two matches
    return f"{day.isoformat()}T00:00:00+00:00"


def _organisation(org: Organisation, prefix: str) -> dict:
    row = {
        "id": org_id(prefix=prefix, pk=org.pk, tax_code=org.tax_code, vat_number=org.vat_number, siren=org.siren),
        "name": org.name,
    }
    if org.website:
        row["url"] = org.website
    if org.siren or org.tax_code:
        row["companyNumber"] = org.siren or org.tax_code
    row["organisationType"] = org.kind
    return row


def _city_organisation(city, settings: OpenDataSettings) -> dict:
    return {
        "id": city_org_id(prefix=settings.prefix, country=city.country, tax_code=city.settings.tax_code),
        "name": city.name,
        "organisationType": "public_body",
    }


def _areas_by_code(city) -> dict[str, Area]:
    kind = city.settings.primary_area_kind
    areas = Area.objects.filter(city=city, kind=kind).defer("geometry").order_by("code")
    return {area.code: area for area in areas}


def _location(area: Area, city) -> dict:
    return {
        "geoCode": area.code,
        "geoCodeType": area.kind.upper(),  # "NIL": Milan's Nuclei di Identità Locale
        "name": area.name,
        "countryCode": city.country,
    }


def _public_organisations(city, pks) -> dict[int, Organisation]:
    orgs = Organisation.objects.filter(city=city, pk__in=set(pks), is_public=True).order_by("pk")
    return {org.pk: org for org in orgs}


def _award_grants(city, settings: OpenDataSettings, areas: dict[str, Area]) -> list[dict]:
    """The fund awards the city approved (or paid) to a public organisation."""
    awards = (
        Award.objects.filter(city=city, state__in=(Award.State.APPROVED, Award.State.PAID))
        .select_related("fund", "purpose", "organisation", "need__owner", "need__area")
        .defer("need__area__geometry")
        .order_by("act_on", "pk")
    )
    funder = _city_organisation(city, settings)
    grants = []
    for award in awards:
        need = award.need
        if need is not None and need.state not in PUBLIC_STATES:
            continue
        recipient = award.organisation or (need.owner if need is not None else None)
        if recipient is None or not recipient.is_public:
            continue
        grant = {
            "id": f"{settings.prefix}-award-{award.pk}",
            "title": need.title if need is not None else award.fund.title,
            "description": award.description,
            "currency": city.currency,
            "amountAwarded": award.amount_cents / 100,
            "amountDisbursed": award.disbursed_cents / 100,
            "awardDate": _iso(award.act_on),
            "recipientOrganization": [_organisation(recipient, settings.prefix)],
            "fundingOrganization": [funder],
            "grantProgramme": [{"code": award.fund.slug, "title": award.fund.title}],
            "classifications": [
                {"vocabulary": "cities4csr-resource-kind", "code": "money", "title": str(ResourceKind.MONEY.label)},
                {"vocabulary": "cities4csr-purpose", "code": award.purpose.code, "title": award.purpose.name},
            ],
        }
        if need is not None and need.area is not None:
            grant["beneficiaryLocation"] = [_location(need.area, city)]
        grants.append(grant)
    return grants


@dataclass
class _Given:
    value_cents: int = 0
    minutes: int = 0
    first: datetime.date | None = None
    areas: set = field(default_factory=set)


def _contribution_grants(city, settings: OpenDataSettings, areas: dict[str, Area]) -> list[dict]:
    """What each public organisation gave, from the ledger: one grant per giver, receiver and
    kind of resource (money, goods, time…), its value the net of its movements (corrections
    and refunds included), dated by the month of its first movement."""
    giver_ids = list(
        Account.objects.filter(city=city, kind=Account.Kind.GIVER).order_by("ref_id").values_list("ref_id", flat=True)
    )
    givers = _public_organisations(city, giver_ids)
    if not givers:
        return []
    given: dict[tuple, _Given] = defaultdict(_Given)
    # one read of the ledger: what reached each receiver, by the giver on the other side
    for flow in flows(
        city=city,
        kinds=GRANT_RECEIVERS,
        by=("counterpart_ref", "account_kind", "account_ref", "resource_kind", "unit", "area_code", "month"),
        filters={"group__postings__account__kind": Account.Kind.GIVER},
    ):
        if flow.counterpart_ref not in givers:
            continue  # a private organisation: not published
        row = given[(flow.counterpart_ref, flow.account_kind, flow.account_ref, flow.resource_kind)]
        row.value_cents += flow.value_cents
        row.minutes += flow.minutes
        month = flow.month.date() if isinstance(flow.month, datetime.datetime) else flow.month
        row.first = min(row.first or month, month)
        if flow.area_code:
            row.areas.add(flow.area_code)
    receivers = _receivers(city, given)
    funder_city = _city_organisation(city, settings)
    grants = []
    for (giver_id, kind, ref, resource), row in sorted(given.items()):
        receiver = receivers.get((kind, ref))
        if receiver is None or (row.value_cents <= 0 and row.minutes <= 0):
            continue
        title, recipient, programme, need_area = receiver
        recipient_row = funder_city if recipient == "city" else _organisation(recipient, settings.prefix)
        description = str(ResourceKind(resource).label)
        if row.minutes:
            description += f" ({Decimal(row.minutes) / 60:.1f} h)"
        grant = {
            "id": f"{settings.prefix}-gift-{giver_id}-{kind}-{ref}-{resource}",
            "title": title,
            "description": description,
            "currency": city.currency,
            "amountAwarded": row.value_cents / 100,
            "awardDate": _iso(row.first),
            "recipientOrganization": [recipient_row],
            "fundingOrganization": [_organisation(givers[giver_id], settings.prefix)],
            "classifications": [
                {"vocabulary": "cities4csr-resource-kind", "code": resource, "title": str(ResourceKind(resource).label)}
            ],
        }
        if programme:
            grant["grantProgramme"] = [programme]
        # where the movements say; else where the need is (a movement posted without its area)
        codes = sorted(row.areas) or ([need_area] if need_area else [])
        located = [_location(areas[code], city) for code in codes if code in areas]
        if located:
            grant["beneficiaryLocation"] = located
        grants.append(grant)
    return grants


def _receivers(city, given) -> dict[tuple, tuple]:
    """(account kind, ref) -> (title, recipient organisation or "city", grant programme, the need's
    area code), for the public receivers only: a public need of a public organisation, a fund, a
    public campaign, a public organisation."""
    refs = defaultdict(set)
    for _giver, kind, ref, _resource in given:
        refs[kind].add(ref)
    out: dict[tuple, tuple] = {}
    needs = Need.objects.filter(city=city, pk__in=refs[Account.Kind.NEED], state__in=PUBLIC_STATES)
    for need in needs.select_related("owner", "area").defer("area__geometry").order_by("pk"):
        if need.owner.is_public:
            out[(Account.Kind.NEED, need.pk)] = (need.title, need.owner, None, need.area.code if need.area else "")
    for fund in Fund.objects.filter(city=city, pk__in=refs[Account.Kind.FUND]).order_by("pk"):
        out[(Account.Kind.FUND, fund.pk)] = (fund.title, "city", {"code": fund.slug, "title": fund.title}, "")
    campaigns = Campaign.objects.filter(
        city=city, pk__in=refs[Account.Kind.CAMPAIGN], state__in=PUBLIC_CAMPAIGN_STATES
    ).select_related("recipient", "need__owner")
    for campaign in campaigns.order_by("pk"):
        recipient = campaign.recipient or (campaign.need.owner if campaign.need_id else "city")
        if recipient != "city" and not recipient.is_public:
            continue
        out[(Account.Kind.CAMPAIGN, campaign.pk)] = (
            campaign.title,
            recipient,
            {"code": campaign.slug, "title": campaign.title},
            "",
        )
    for org in _public_organisations(city, refs[Account.Kind.RECIPIENT]).values():
        out[(Account.Kind.RECIPIENT, org.pk)] = (org.name, org, None, "")
    return out


def grants_of_city(*, city) -> list[dict]:
    """The city's grants in the 360Giving Data Standard: fund awards, then companies' gifts."""
    settings = opendata_settings(city=city)
    areas = _areas_by_code(city)
    with translation.override(city.default_language):  # the file's words in the city's language
        return _award_grants(city, settings, areas) + _contribution_grants(city, settings, areas)


def giving_package(*, city, download_url: str = "", access_url: str = "", now=None) -> dict:
    """A 360Giving data package of the city's grants, with its licence and publisher."""
    settings = opendata_settings(city=city)
    now = (now or timezone.now()).replace(microsecond=0)
    with translation.override(city.default_language):
        title = _("%(city)s: grants and contributions (360Giving)") % {"city": city.name}
        description = _("Fund awards and the contributions of public organisations in %(city)s.") % {"city": city.name}
    package = {
        "version": GIVING_VERSION,
        "title": title,
        "description": description,
        "issued": now.isoformat(),
        "modified": now.isoformat(),
        "identifier": f"{settings.prefix}-grants",
        "publisher": {"identifier": _city_organisation(city, settings)["id"], "name": city.name},
        "license": settings.licence_url,
        "grants": grants_of_city(city=city),
    }
    if download_url:
        package["downloadURL"] = download_url
    if access_url:
        package["accessURL"] = access_url
        package["publisher"]["website"] = access_url
    return package


# --- results, read here for the open data (approved updates only) -----------------------------


@dataclass(frozen=True)
class PublicResult:
    indicator: ResultIndicator  # with its latest approved value (impact.selectors.public_indicators)
    progress: float

    @property
    def area_code(self) -> str:
        need = self.indicator.need
        return need.area.code if need is not None and need.area is not None else ""


def public_results(*, city) -> list[PublicResult]:
    """Every indicator of an action or of a public need, with its latest APPROVED value and its
    progress (impact.rollup): drafts, submitted and returned updates never show. One query."""
    return [
        PublicResult(
            indicator,
            indicator_progress(baseline=indicator.baseline, target=indicator.target, value=indicator.latest_value),
        )
        for indicator in public_indicators(city=city)
    ]


def results_rows(*, city) -> list[dict]:
    """The public results as rows for the open-data file."""
    rows = []
    for result in public_results(city=city):
        indicator = result.indicator
        rows.append(
            {
                "indicator": indicator.pk,
                "name": indicator.name,
                "unit": indicator.unit,
                "action": indicator.action.number if indicator.action_id else None,
                "need": indicator.need_id,
                "area_code": result.area_code,
                "baseline": str(indicator.baseline),
                "baseline_on": indicator.baseline_on.isoformat(),
                "target": str(indicator.target),
                "target_on": indicator.target_on.isoformat(),
                # as the column holds it (SQLite reads a subquery's 20.0000 back as 20)
                "latest_value": None if indicator.latest_value is None else f"{indicator.latest_value:.4f}",
                "measured_on": indicator.latest_on.isoformat() if indicator.latest_on else None,
                "progress": round(result.progress, 4),
            }
        )
    return rows


# --- figures per area -------------------------------------------------------------------------


def areas_feature_collection(*, city) -> dict:
    """One GeoJSON feature per neighbourhood (the city's primary area kind, NIL in Milan): its
    public needs, what reached it through the ledger (money in euros, hours, the value of every
    kind) and the mean progress of the results of its needs (approved updates only)."""
    kind = city.settings.primary_area_kind
    areas = list(Area.objects.filter(city=city, kind=kind).order_by("code"))
    needs = defaultdict(int)
    for code in Need.objects.filter(city=city, state__in=PUBLIC_STATES, area__isnull=False).values_list(
        "area__code", flat=True
    ):
        needs[code] += 1
    money = defaultdict(int)
    value = defaultdict(int)
    minutes = defaultdict(int)
    for flow in flows(city=city, by=("area_code", "resource_kind", "unit")):
        value[flow.area_code] += flow.value_cents
        if flow.resource_kind == ResourceKind.MONEY:
            money[flow.area_code] += flow.value_cents
        minutes[flow.area_code] += as_minutes(flow.quantity, flow.unit)
    progress = defaultdict(list)
    for result in public_results(city=city):
        if result.area_code:
            progress[result.area_code].append(result.progress)
    features = []
    for area in areas:
        shares = progress.get(area.code, [])
        features.append(
            {
                "type": "Feature",
                "geometry": area.geometry,
                "properties": {
                    "code": area.code,
                    "name": area.name,
                    "kind": area.kind,
                    "needs": needs.get(area.code, 0),
                    "money_eur": money.get(area.code, 0) / 100,
                    "value_eur": value.get(area.code, 0) / 100,
                    "hours": round(minutes.get(area.code, 0) / 60, 2),
                    "indicators": len(shares),
                    "progress": round(sum(shares) / len(shares), 4) if shares else None,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def funds_of_city(*, city):
    """The city's funds, each a dataset of its own public ledger."""
    return Fund.objects.filter(city=city).order_by("opens_on", "pk")


def _latest(queryset, field_name: str) -> datetime.date | None:
    value = queryset.aggregate(latest=Max(field_name))["latest"]
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


def modified_dates(*, city) -> dict[str, datetime.date]:
    """When each dataset last changed (today when it has nothing yet): four small queries."""
    today = timezone.localdate()
    ledger = _latest(PostingGroup.objects.filter(city=city), "created_at") or today
    needs = _latest(Need.objects.filter(city=city, state__in=PUBLIC_STATES), "updated_at") or today
    results = _latest(IndicatorUpdate.objects.filter(city=city, state=IndicatorUpdate.State.APPROVED), "decided_at")
    areas = _latest(Area.objects.filter(city=city), "updated_at") or today
    return {
        "needs": needs,
        "grants": max(ledger, _latest(Award.objects.filter(city=city), "updated_at") or ledger),
        "funds": ledger,
        "results": results or needs,
        "areas": max(areas, ledger, needs),
        "boundaries": areas,
    }

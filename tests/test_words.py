"""Words, not internals: every page and e-mail of the demo, in Italian, English and French, as each
kind of person sees it, read the way a person reads it.

A page fails on an English unit or label from a fixed list (hours, units, days, Goal, Site, cents)
when it is not English, on a date written as ISO (2026-12-01) or month-first (12/01/2026, the US
order: English pages write day-first too), and in any language on a database constraint's name or a
class name leaking into a message. The URL patterns are enumerated, so a page added later is checked
as soon as it is listed here, and ``test_every_page_is_covered`` fails until it is listed or
excluded with a reason.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from django_scopes import scopes_disabled

LANGUAGES = ("it", "en", "fr")

# ---------------------------------------------------------------------------------------------------
# The checker
# ---------------------------------------------------------------------------------------------------

#: English words that must not appear on an Italian or French page. "Site" is a French word too.
ENGLISH = {
    "it": ("hour", "hours", "unit", "units", "day", "days", "Goal", "Site", "cents"),
    "fr": ("hour", "hours", "unit", "units", "day", "days", "Goal", "cents"),
}
#: what a class or an exception leaks when it reaches a person
LEAKS = ("object (", "Error:", "IntegrityError", "ValidationError", "cents", "[None]")
ISO_DATE = re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])")
SLASH_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?![\d/])")
US_LONG_DATE = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, \d{4}\b")
VISIBLE_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "aria-description")


class _Visible(HTMLParser):
    """The text a person sees or hears: text outside scripts and styles, and the attributes
    screen readers and tooltips read out."""

    SKIP = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value:
                self.parts.append(value)
        if tag == "input":
            attributes = dict(attrs)
            if attributes.get("type") in ("submit", "button") and attributes.get("value"):
                self.parts.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return "\n".join(" ".join(p.split()) for p in parser.parts)


def constraint_names() -> set[str]:
    return {c.name for model in apps.get_models() for c in model._meta.constraints if c.name}


def problems(text: str, language: str, *, html: bool = True) -> list[str]:
    """What a person should not read in ``text`` (HTML unless ``html`` is false) in ``language``."""
    visible = visible_text(text) if html else text
    found = []
    for word in ENGLISH.get(language, ()):
        flags = 0 if word[0].isupper() else re.IGNORECASE
        for match in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", visible, flags):
            found.append(f"English word {match.group(0)!r}: …{_around(visible, match)}…")
    if language != "en":
        found += [f"ISO date: …{_around(visible, m)}…" for m in ISO_DATE.finditer(visible)]
    for match in SLASH_DATE.finditer(visible):
        first, second = int(match.group(1)), int(match.group(2))
        if second > 12 or first == 0 or first > 31:  # day-first everywhere: the middle one is the month
            found.append(f"month-first date: …{_around(visible, match)}…")
    found += [f"US date: …{_around(visible, m)}…" for m in US_LONG_DATE.finditer(visible)]
    for name in constraint_names():
        if re.search(rf"\b{re.escape(name)}\b", visible):
            found.append(f"constraint name {name!r}")
    for leak in LEAKS:
        pattern = rf"\b{re.escape(leak)}\b" if leak.isalpha() else re.escape(leak)
        for match in re.finditer(pattern, visible):
            found.append(f"leak {leak!r}: …{_around(visible, match)}…")
    if html and re.search(r"&amp;(#x?[0-9a-fA-F]+|[a-z]+);", text):
        found.append("double-escaped entity")
    return found


def _around(text: str, match) -> str:
    return text[max(match.start() - 50, 0) : match.end() + 50].replace("\n", " ")


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("<p>Mancano 30 hours</p>", "it", "English word 'hours'"),
        ("<p>1 day left</p>", "fr", "English word 'day'"),
        ("<span title='5 units'>5</span>", "it", "English word 'units'"),
        ("<h2>Goal 4</h2>", "fr", "English word 'Goal'"),
        ("<td>Site 1</td>", "it", "English word 'Site'"),
        ("<p>Scade il 2026-12-01</p>", "it", "ISO date"),
        ("<p>Due 12/31/2026</p>", "en", "month-first date"),
        ("<p>Due Dec. 1, 2026</p>", "en", "US date"),
        ('<p>Il vincolo "need_dates_ordered" è stato violato</p>', "it", "constraint name 'need_dates_ordered'"),
        ("<p>Need object (12)</p>", "en", "leak 'object ('"),
        ("<p>IntegrityError: UNIQUE</p>", "en", "leak 'IntegrityError'"),
        ("<p>mancano ancora solo 1500000 cents</p>", "it", "leak 'cents'"),
        ("<p>L&amp;#x27;orto</p>", "it", "double-escaped entity"),
    ],
)
def test_the_checker_finds_what_a_person_should_not_read(text, language, expected):
    assert any(p.startswith(expected) for p in problems(text, language)), problems(text, language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("<p>1 ora, 30 ore, 180 giorni, 01/12/2026, 1 dicembre 2026</p>", "it"),
        ("<p>1 heure, 30 heures, Site web, 31/12/2026</p>", "fr"),
        ("<p>30 hours, 1 December 2026, 31/12/2026</p>", "en"),
        ("<script>var day = '2026-12-01';</script><p data-date='2026-12-01'>1 dicembre</p>", "it"),
        ('<time datetime="2026-12-01">1 dicembre 2026</time>', "it"),
    ],
)
def test_the_checker_lets_correct_text_through(text, language):
    assert problems(text, language) == []


# ---------------------------------------------------------------------------------------------------
# The pages
# ---------------------------------------------------------------------------------------------------

ROLES = ("anonymous", "representative", "officer", "admin", "third_sector")

#: URL names not rendered here, and why. Everything else that answers GET is in PAGES.
EXCLUDED = {
    "place_search": "JSON for the map picker's script (its words are checked in cities4csr/cities/tests/test_places.py)",
    "place_geocode": "JSON for the map picker's script, from the city's geocoder (off in the demo)",
    "healthz": "a probe for the load balancer: JSON, not for people",
    "security_txt": "RFC 9116 text for security researchers, in English by the standard",
    "city_ping": "an empty 204 keeping the session alive",
    "account_export": "the person's data as JSON: dates in ISO 8601 by contract",
    "contribution_receipt": "a PDF: its words are checked in cities4csr/funds/tests/test_receipts.py",
    "officer_contribution_receipt": "a PDF: its words are checked in cities4csr/funds/tests/test_receipts.py",
    "gift_statement_pdf": "a PDF: its words are checked in cities4csr/funds/tests/test_receipts.py",
    "company_statement_pdf": "a PDF: its words are checked in cities4csr/reporting/tests/test_demo_statement.py",
    "company_statement_xlsx": "a spreadsheet: numbers as numbers; its words are the PDF's (test_demo_statement.py)",
    "company_statement_json": "JSON for programs: ISO dates and cents by contract",
    "need_export_csv": "a data file: ISO dates and plain numbers, for spreadsheets and programs",
    "need_export_xlsx": "a data file: ISO dates and plain numbers, for spreadsheets and programs",
    "need_export_geojson": "a data file: ISO dates and plain numbers, for spreadsheets and programs",
    "need_photo": "an image",
    "volunteering_points": "GeoJSON for the map's script: titles as typed, ISO dates by contract",
    "dashboard_csv": "a data file: ISO dates and plain numbers, for spreadsheets and programs",
    "dashboard_xlsx": "a data file: ISO dates and plain numbers, for spreadsheets and programs",
    "results_points": "GeoJSON for the results map's script: titles as typed, progress as a number",
    "results_evidence": "an evidence file as uploaded (its permission is checked in cities4csr/impact/tests)",
    "fund_ledger_csv": "a data file: ISO dates and plain numbers, for spreadsheets and programs",
    "fund_ledger_json": "a data file: ISO dates and plain numbers, for spreadsheets and programs",
    "opendata_giving_json": "a 360Giving data file: the standard's English field names, ISO dates, plain numbers",
    "opendata_giving_csv": "a 360Giving data file (CSV in a ZIP): the standard's column titles, checked in cities4csr/opendata/tests",
    "opendata_giving_xlsx": "a 360Giving data file (XLSX): the standard's column titles, checked in cities4csr/opendata/tests",
    "opendata_areas": "a GeoJSON data file: property names by contract, plain numbers",
    "opendata_results": "a JSON data file: ISO dates and plain numbers, for programs",
    "opendata_catalogue": "the DCAT-AP catalogue in RDF for harvesters; its titles are checked in cities4csr/opendata/tests",
    "evidence_file": "the uploaded file itself",
    "officer_contribution_evidence": "the uploaded file itself",
    "officer_disbursement_receipt": "the uploaded file itself",
    "agreement_draft_download": "a DOCX/PDF: its text is checked in test_agreement_drafts_in_the_drafts_language",
    "mfa_download_recovery_codes": "a text file of codes",
    "account_confirm_email": "needs a key sent by e-mail; allauth's page, translated by allauth",
    "account_reset_password_from_key": "needs a key sent by e-mail; allauth's page, translated by allauth",
    "account_logout": "the same form as the login page's footer; checked with the login page",
    "notification_open": "a redirect to the notification's page",
    "statement_detail": "a statement an officer uploaded (none in the demo): its words are checked in cities4csr/funds/tests/test_banking_pages.py",
    "statement_progress": "a statement's progress bar (none in the demo): checked with its page in cities4csr/funds/tests/test_banking_pages.py",
    "mfa_authenticate": "only during a login with a second factor (a redirect otherwise)",
    "mfa_reauthenticate": "only during a login with a second factor (a redirect otherwise)",
    "mfa_deactivate_totp": "only with a second factor activated (a redirect otherwise)",
    "mfa_view_recovery_codes": "only with a second factor activated (a redirect otherwise)",
    "mfa_generate_recovery_codes": "only with a second factor activated (a redirect otherwise)",
    "account_confirm_login_code": "only during a login by code (a redirect otherwise)",
    "volunteering_registration_ics": "an iCalendar file: checked in cities4csr/volunteering/tests/test_calendars.py",
    "volunteering_person_feed": "an iCalendar feed: checked in cities4csr/volunteering/tests/test_calendars.py",
    "volunteering_company_feed": "an iCalendar feed: checked in cities4csr/volunteering/tests/test_calendars.py",
    "volunteering_certificate": "a PDF: its words are checked in cities4csr/volunteering/tests/test_certificate.py",
    "volunteering_checkin": "a registration's check-in page (no registration in the demo yet): its words are checked "
    "in cities4csr/volunteering/tests/test_attendance.py",
}
#: namespaces not rendered here
EXCLUDED_NAMESPACES = {
    "admin": "Django's admin, for the platform's operators: Django's own translations",
    "api": "JSON for programs (ISO dates by contract); its errors are checked in tests/test_api_errors_documented.py",
}


def _demo_objects() -> dict:
    """The demo's objects each page is shown with (Milan: the city with every feature)."""
    from cities4csr.cities.models import City
    from cities4csr.documents.models import Draft
    from cities4csr.instruments.models import Agreement
    from cities4csr.needs.models import Need, Theme
    from cities4csr.offers.models import Offer
    from cities4csr.organisations.models import Organisation, Site
    from cities4csr.pledges.models import Pledge

    city = City.objects.get(slug="milano")
    agreement = Agreement.objects.filter(city=city).order_by("pk").first()
    need = (
        Need.objects.filter(city=city, state=Need.State.PUBLISHED, lines__kind="volunteer_time").order_by("pk").first()
    ) or Need.objects.filter(city=city).order_by("pk").first()
    representative_company = Organisation.objects.get(memberships__user__email="representative@milano.example")
    fund, contribution, award = _demo_funds(city)
    from cities4csr.campaigns.models import Campaign, Matcher
    from cities4csr.funds.models import Contribution

    campaign = Campaign.objects.filter(city=city).order_by("pk").first()
    activity, slot, team = _demo_volunteering(city, representative_company)
    from cities4csr.impact.models import IndicatorUpdate

    returned_update = IndicatorUpdate.objects.filter(city=city, state="returned").order_by("pk").first()
    return {
        "result_indicator": returned_update.indicator,
        "returned_update": returned_update,
        "activity": activity,
        "slot": slot,
        "team": team,
        "campaign": campaign,
        "matcher": Matcher.objects.filter(campaign=campaign).order_by("pk").first(),
        "campaign_gift": Contribution.objects.filter(city=city, target=campaign.account, state="pending").first(),
        "city": city,
        "fund": fund,
        "contribution": contribution,
        "award": award,
        "need": need,
        "line": need.lines.order_by("pk").first(),
        "pledge": agreement.pledge if agreement else Pledge.objects.filter(city=city).order_by("pk").first(),
        "agreement": agreement,
        "draft": Draft.objects.filter(city=city).order_by("pk").first(),
        "organisation": representative_company,
        "site": Site.objects.filter(organisation=representative_company).order_by("pk").first(),
        "offer": Offer.objects.filter(city=city, organisation=representative_company).order_by("pk").first(),
        "theme": Theme.objects.filter(city=city).order_by("pk").first(),
    }


def _demo_volunteering(city, company):
    """The demo's first activity, its next slot and a team; made here when the demo has none: a
    company day hosted by the third-sector body the "third_sector" reader belongs to, with a
    slot to come (an employee signed up, a team) and a past one (hours approved and proposed)."""
    import datetime

    from django.utils import timezone

    from cities4csr.accounts.models import User
    from cities4csr.organisations.models import Organisation
    from cities4csr.volunteering.models import Activity, HoursEntry, Registration, Slot, Team

    activity = Activity.objects.filter(city=city, state="open").order_by("pk").first()
    if activity is None:
        host = Organisation.objects.filter(city=city, kind__in=["third_sector", "association"]).order_by("pk").first()
        activity = Activity.objects.create(
            city=city,
            slug="ridipingiamo-la-scuola",
            title="Ridipingiamo la scuola",
            description="Una giornata per ridipingere le aule.",
            host=host,
            company=company,
            state="open",
            minimum_age=16,
            place="Via Polesine 12",
            lat=45.4403,
            lon=9.2235,
            published_at=timezone.now(),
        )
        start = (timezone.now() + datetime.timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0)
        Slot.objects.create(
            city=city, activity=activity, starts_at=start, ends_at=start + datetime.timedelta(hours=4), capacity=10
        )
        past = Slot.objects.create(
            city=city,
            activity=activity,
            starts_at=start - datetime.timedelta(days=21),
            ends_at=start - datetime.timedelta(days=21, hours=-4),
            capacity=10,
            taken=1,
        )
        representative = User.objects.get(email="representative@milano.example")
        attended = Registration.objects.create(
            city=city, slot=past, user=representative, company=company, state=Registration.State.ATTENDED
        )
        HoursEntry.objects.create(city=city, registration=attended, minutes=270, state=HoursEntry.State.APPROVED)
        HoursEntry.objects.create(city=city, registration=attended, minutes=30, state=HoursEntry.State.PROPOSED)
    slot = Slot.objects.filter(activity=activity, starts_at__gt=timezone.now()).order_by("starts_at").first()
    if not Registration.objects.filter(slot=slot).exists():
        representative = User.objects.get(email="representative@milano.example")
        Registration.objects.create(
            city=city, slot=slot, user=representative, company=company, state=Registration.State.REGISTERED
        )
        Slot.objects.filter(pk=slot.pk).update(taken=slot.taken + 1)
    team = Team.objects.filter(slot=slot).order_by("pk").first() or Team.objects.create(
        city=city, slot=slot, company=company, name="Squadra blu"
    )
    return activity, slot, team


def _demo_funds(city):
    """The demo's fund with a pending gift and a proposed award, made here when the demo has none."""
    import datetime

    from cities4csr.accounts.models import User
    from cities4csr.funds.models import Award, Contribution, Fund, PurposeCategory
    from cities4csr.funds.services import award_propose, contribution_create, fund_create, purpose_create

    officer = User.objects.get(email="officer@milano.example")
    fund = Fund.objects.filter(city=city).order_by("pk").first() or fund_create(
        actor=officer,
        city=city,
        slug="milano-aiuta",
        title="Milano Aiuta",
        purpose="Fondo di mutuo soccorso",
        governance_act="Delibera di Giunta n. 90",
        governance_act_on=datetime.date(2026, 3, 1),
        opens_on=datetime.date(2026, 3, 1),
        iban="IT60X0542811101000000123456",
        beneficiary="Comune di Milano",
        target_cents=100_000_000,
    )
    contribution = Contribution.objects.filter(city=city, target=fund.account).order_by("pk").first() or (
        contribution_create(actor=None, target=fund, amount_cents=2000, donor_kind="citizen", donor_name="Maria Rossi")
    )
    purpose = PurposeCategory.objects.filter(city=city).order_by("pk").first() or purpose_create(
        actor=officer, city=city, code="famiglie", name="Famiglie fragili"
    )
    award = Award.objects.filter(city=city).order_by("pk").first() or award_propose(
        actor=officer,
        fund=fund,
        purpose=purpose,
        description="Buoni spesa",
        act_number="DG 412",
        act_on=datetime.date(2026, 4, 2),
        amount_cents=50_000,
        need=_first_need(city),
    )
    return fund, contribution, award


def _first_need(city):
    from cities4csr.needs.models import Need

    return Need.objects.filter(city=city).order_by("pk").first()


def _city(d):
    return {"city_slug": d["city"].slug}


def _fund(d):
    from cities4csr.funds.models import Fund

    return {"city_slug": d["city"].slug, "fund_pk": Fund.objects.filter(city=d["city"]).order_by("pk").first().pk}


#: URL name -> (kwargs from the demo objects, query string)
PAGES = {
    # bank statements and reconciliation (funds.banking)
    "fund_statements": (_fund, ""),
    "bank_line_queue": (_city, ""),
    "account_data": (None, ""),
    "account_erase": (None, ""),
    "account_erased": (None, ""),
    "account_login": (None, ""),
    "account_inactive": (None, ""),
    "account_signup": (None, ""),
    "account_reauthenticate": (None, ""),
    "account_email": (None, ""),
    "account_email_verification_sent": (None, ""),
    "account_change_password": (None, ""),
    "account_set_password": (None, ""),
    "account_reset_password": (None, ""),
    "account_reset_password_done": (None, ""),
    "account_reset_password_from_key_done": (None, ""),
    "mfa_index": (None, ""),
    "mfa_activate_totp": (None, ""),
    "network_home": (None, ""),
    "email_preferences": (None, ""),
    "network_cookie_notice": (None, ""),
    "city_home": (_city, ""),
    "area_detail": (lambda d: {**_city(d), "kind": "nil", "code": "35"}, ""),
    "data_sources": (_city, ""),
    "opendata_index": (_city, ""),
    "gift_statements": (_city, "start=01/01/2026&end=31/12/2026&donor=me"),
    "company_statement": (_city, "start=01/01/2020&end=31/12/2026"),
    "accessibility_statement": (_city, ""),
    "privacy_notice": (_city, ""),
    "cookie_notice": (_city, ""),
    "audit_trail": (_city, ""),
    "inbox": (_city, ""),
    "organisation_list": (_city, ""),
    "organisation_create": (_city, ""),
    "organisation_import": (_city, ""),
    "organisation_detail": (lambda d: {**_city(d), "pk": d["organisation"].pk}, ""),
    "organisation_edit": (lambda d: {**_city(d), "pk": d["organisation"].pk}, ""),
    "site_edit": (lambda d: {**_city(d), "pk": d["organisation"].pk, "site_pk": d["site"].pk}, ""),
    "organisation_members": (lambda d: {**_city(d), "pk": d["organisation"].pk}, ""),
    "city_people": (_city, ""),
    "city_settings": (_city, ""),
    "funds_pagopa_import": (_city, ""),
    "city_themes": (_city, ""),
    "city_theme_create": (_city, ""),
    "city_theme_edit": (lambda d: {**_city(d), "pk": d["theme"].pk}, ""),
    "city_invitation_accept": (lambda d: {**_city(d), "token": "not-a-token"}, ""),
    "need_catalogue": (_city, ""),
    "need_create": (_city, ""),
    "need_import": (_city, ""),
    "need_detail": (lambda d: {**_city(d), "pk": d["need"].pk}, ""),
    "need_edit": (lambda d: {**_city(d), "pk": d["need"].pk}, ""),
    "need_line_edit": (lambda d: {**_city(d), "pk": d["need"].pk, "line_pk": d["line"].pk}, ""),
    "pledge_detail": (lambda d: {**_city(d), "pk": d["pledge"].pk}, ""),
    "advisor": (_city, ""),
    "advisor_result": (
        _city,
        "contribution_kind=money&return_expected=visibility&public_asset=municipal_asset_used"
        "&counterpart=company&recipient=city&value_eur=60000&duration_months=12",
    ),
    "instrument_list": (_city, ""),
    "instrument_detail": (lambda d: {**_city(d), "code": "sponsorship"}, ""),
    "pledge_advisor": (lambda d: {**_city(d), "pk": d["pledge"].pk}, ""),
    "api_keys": (_city, ""),
    "officer_workspace": (_city, ""),
    "officer_needs": (_city, ""),
    "officer_pledges": (_city, ""),
    "officer_collective": (_city, ""),
    "officer_agreements": (_city, ""),
    "officer_steps": (_city, ""),
    "company_workspace": (_city, ""),
    "officer_activity": (_city, ""),
    "manage_home": (_city, ""),
    "partner_home": (_city, ""),
    "volunteer_home": (_city, ""),
    "my_homes": (None, ""),
    "offer_edit": (lambda d: {**_city(d), "pk": d["offer"].pk}, ""),
    "fund_list": (_city, ""),
    "fund_detail": (lambda d: {**_city(d), "slug": d["fund"].slug}, ""),
    "fund_ledger": (lambda d: {**_city(d), "slug": d["fund"].slug}, ""),
    "fund_give": (lambda d: {**_city(d), "slug": d["fund"].slug}, ""),
    "contribution_detail": (lambda d: {**_city(d), "access_token": d["contribution"].access_token}, ""),
    "officer_funds": (_city, ""),
    "officer_fund_create": (_city, ""),
    "officer_fund_edit": (lambda d: {**_city(d), "pk": d["fund"].pk}, ""),
    "officer_fund_purposes": (_city, ""),
    "officer_contributions": (_city, ""),
    "officer_contribution_record": (_city, ""),
    "officer_contribution": (lambda d: {**_city(d), "pk": d["contribution"].pk}, ""),
    "officer_awards": (_city, ""),
    "officer_award_create": (_city, "recipient_q=sc"),
    "officer_award": (lambda d: {**_city(d), "pk": d["award"].pk}, ""),
    "campaign_list": (_city, ""),
    "campaign_detail": (lambda d: {**_city(d), "slug": d["campaign"].slug}, ""),
    "campaign_preview": (lambda d: {**_city(d), "slug": d["campaign"].slug}, "amount=50"),
    "campaign_gift": (lambda d: {**_city(d), "token": d["campaign_gift"].access_token}, ""),
    "campaign_manage": (_city, ""),
    "campaign_create": (_city, ""),
    "campaign_edit": (lambda d: {**_city(d), "slug": d["campaign"].slug}, ""),
    "matcher_edit": (lambda d: {**_city(d), "slug": d["campaign"].slug, "pk": d["matcher"].pk}, ""),
    "volunteering_list": (_city, ""),
    "dashboard": (_city, "?step=quarter"),
    "volunteering_map": (_city, ""),
    "equity": (_city, ""),
    "volunteering_activity": (lambda d: {**_city(d), "slug": d["activity"].slug}, ""),
    "volunteering_team": (lambda d: {**_city(d), "code": d["team"].invite_code}, ""),
    "volunteering_me": (_city, ""),
    "volunteering_manage": (_city, ""),
    "volunteering_create": (_city, ""),
    "volunteering_edit": (lambda d: {**_city(d), "slug": d["activity"].slug}, ""),
    "volunteering_console": (lambda d: {**_city(d), "pk": d["slot"].pk}, ""),
    "volunteering_hours": (_city, ""),
    "volunteering_company": (_city, ""),
    # results (impact): the demo's indicator of the school need in NIL 35 and its returned value
    "results": (_city, ""),
    "results_action": (lambda d: {**_city(d), "number": 1}, ""),
    "results_need": (lambda d: {**_city(d), "pk": d["result_indicator"].need_id}, ""),
    "results_workspace": (_city, ""),
    "results_review": (_city, ""),
    "results_indicator_create": (_city, ""),
    "results_indicator_edit": (lambda d: {**_city(d), "pk": d["result_indicator"].pk}, ""),
    "results_update_create": (lambda d: {**_city(d), "pk": d["result_indicator"].pk}, ""),
    "results_update_edit": (lambda d: {**_city(d), "update_pk": d["returned_update"].pk}, ""),
}


def _patterns(resolver=None, namespace=""):
    """(full name, namespace, pattern) of every URL pattern."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace or (pattern.namespace or "")
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield pattern.name, namespace, pattern


def _answers_get(pattern: URLPattern) -> bool:
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is None:
        return True  # a function view: it may answer anything
    return hasattr(view_class, "get") and "get" in view_class.http_method_names


def test_every_page_is_covered():
    missing = sorted(
        name or str(pattern.pattern)
        for name, namespace, pattern in _patterns()
        if namespace not in EXCLUDED_NAMESPACES
        and _answers_get(pattern)
        and (name or str(pattern.pattern)) not in PAGES
        and (name or str(pattern.pattern)) not in EXCLUDED
        and str(pattern.pattern) != ""  # "/" redirects to the visitor's language
    )
    assert not missing, f"pages neither checked nor excluded with a reason: {missing}"
    stale = sorted(set(PAGES) - {name for name, _, _ in _patterns()})
    assert not stale, f"listed pages that no longer exist: {stale}"


def _person(role: str):
    from cities4csr.accounts.models import User
    from cities4csr.organisations.models import Membership, Organisation
    from cities4csr.organisations.services import membership_add

    if role == "anonymous":
        return None
    if role == "third_sector":
        from allauth.account.models import EmailAddress

        user, _ = User.objects.get_or_create(email="third-sector@milano.example")
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        body = (
            Organisation.objects.filter(city__slug="milano", kind__in=["third_sector", "association"])
            .order_by("pk")
            .first()
        )
        if not Membership.objects.filter(user=user).exists():
            membership_add(actor=None, organisation=body, user=user, role=Membership.Role.REPRESENTATIVE)
        return user
    return User.objects.get(email=f"{role}@milano.example")


def _client(role: str) -> Client:
    client = Client()
    with scopes_disabled():
        person = _person(role)
    if person is not None:
        client.force_login(person)
    return client


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_in_the_readers_words(lang, role):
    client = _client(role)
    with scopes_disabled():
        objects = _demo_objects()
    failures = {}
    for name, (kwargs_of, query) in PAGES.items():
        if name in EXCLUDED:
            continue
        with scopes_disabled():
            kwargs = kwargs_of(objects) if kwargs_of else {}
        with translation.override(lang):
            url = reverse(name, kwargs=kwargs)
        response = client.get(url + (f"?{query}" if query else ""))
        if response.status_code in (301, 302, 204) or "html" not in response.get("Content-Type", ""):
            continue
        found = problems(response.content.decode(), lang)
        if found:
            failures[f"{url} ({response.status_code})"] = found[:8]
    assert not failures, "\n".join(f"{url}:\n  " + "\n  ".join(found) for url, found in failures.items())


# ---------------------------------------------------------------------------------------------------
# The e-mails
# ---------------------------------------------------------------------------------------------------

TITLE = "L'orto dell'Ortica & la scuola"


def _email_contexts(objects) -> dict:
    from cities4csr.needs.models import Need
    from cities4csr.pledges.models import Pledge, PledgePartner

    url = reverse("need_detail", kwargs={"city_slug": "milano", "pk": objects["need"].pk})
    return {
        "need_transition": [
            {"model": "needs.need", "state": Need.State.PUBLISHED, "title": TITLE, "reason": "", "url": url},
            {"model": "needs.need", "state": Need.State.WITHDRAWN, "title": TITLE, "reason": "Doppione", "url": url},
        ],
        "pledge_transition": [
            {
                "model": "pledges.pledge",
                "state": Pledge.State.ACCEPTED,
                "title": TITLE,
                "organisation": "Navigli Logistica S.r.l.",
                "reason": "",
                "url": url,
            }
        ],
        "pledge_partner": [
            {
                "model": "pledges.pledgepartner",
                "state": PledgePartner.State.INVITED,
                "invited": True,
                "title": TITLE,
                "lead": "Brera Digitale S.p.A.",
                "partner": "L'Ortica Onlus",
                "url": url,
            },
            {
                "model": "pledges.pledgepartner",
                "state": PledgePartner.State.ACCEPTED,
                "invited": False,
                "title": TITLE,
                "lead": "Brera Digitale S.p.A.",
                "partner": "L'Ortica Onlus",
                "url": url,
            },
        ],
        "need_matches_you": [{"title": TITLE, "url": url}],
        "collective_invitation": [
            {"title": TITLE, "companies": 1, "url": url},
            {"title": TITLE, "companies": 3, "url": url},
        ],
        "checklist_reminder": [
            {
                "step": "Pubblicare l'avviso",
                "title": TITLE,
                "organisation": "Navigli Logistica S.r.l.",
                "due_on": "2026-12-01",
                "overdue": overdue,
                "url": url,
            }
            for overdue in (False, True)
        ],
        "volunteering_registration": [
            {
                "event": event,
                "title": TITLE,
                "starts_on": "2026-12-12",
                "starts_time": "09:00",
                "reason": reason,
                "url": url,
            }
            for event, reason in (
                ("promoted", ""),
                ("cancelled", "Pioggia"),
                ("accepted", ""),
                ("accepted_to_waitlist", ""),
                ("declined", "Posti riservati"),
            )
        ],
        "volunteering_reminder": [
            {"title": TITLE, "starts_on": "2026-12-01", "time": "09:00", "place": "Via Polesine 12", "url": url},
            {"title": TITLE, "starts_on": "2026-12-01", "time": "09:00", "place": "", "url": url},
        ],
    }


def test_every_notification_kind_has_an_email_here():
    from cities4csr.core.notifications import KINDS

    assert set(KINDS) == set(_email_contexts({"need": type("N", (), {"pk": 1})()}))


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_email_in_the_readers_words(lang):
    from cities4csr.core.tasks import send_notification

    with scopes_disabled():
        objects = _demo_objects()
        reader = _person("officer")
        reader.preferred_language = lang
        reader.save(update_fields=["preferred_language"])
        reader.email_opt_outs.all().delete()
    failures = []
    for kind, contexts in _email_contexts(objects).items():
        for context in contexts:
            mail.outbox.clear()
            send_notification.call(user_ids=[reader.pk], city_id=objects["city"].pk, template=kind, context=context)
            (email,) = mail.outbox
            html = email.alternatives[0][0]
            for part, text, is_html in (
                ("subject", email.subject, False),
                ("text", email.body, False),
                ("html", html, True),
            ):
                found = problems(text, lang, html=is_html)
                if not is_html and re.search(r"&(#x?[0-9a-fA-F]+|[a-z]+);", text):
                    found.append(f"HTML entity in plain text: {text[:120]!r}")
                if found:
                    failures.append(f"{kind} {part}: {found}")
            assert "L'orto dell'Ortica & la scuola" in email.subject
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_invitation_email_in_the_readers_words(lang, django_capture_on_commit_callbacks):
    from cities4csr.organisations.services import city_invitation_create

    with scopes_disabled():
        objects = _demo_objects()
        admin = _person("admin")
        with django_capture_on_commit_callbacks(execute=True):
            city_invitation_create(
                actor=admin, city=objects["city"], email=f"new-{lang}@example.org", role="officer", language=lang
            )
    (email,) = mail.outbox
    assert problems(email.subject, lang, html=False) == []
    assert problems(email.body, lang, html=False) == []


# ---------------------------------------------------------------------------------------------------
# The agreement drafts
# ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("lang", ["it", "fr"])
def test_agreement_drafts_in_the_drafts_language(lang):
    from cities4csr.documents.clauses import draft_document
    from cities4csr.documents.services import draft_inputs

    with scopes_disabled():
        agreement = _demo_objects()["agreement"]
        assert agreement is not None, "the demo agrees a pledge through the advisor"
        if lang == "fr":  # the same pledge under a French city's law: a mécénat, drafted in French
            agreement.jurisdiction, agreement.instrument = "FR", "mecenat"
        inputs = draft_inputs(agreement)
    assert inputs["language"] == lang
    document = draft_document(inputs)
    text = "\n".join(
        [document.title]
        + [line for clause in document.clauses for line in (clause.heading, *clause.paragraphs, *clause.items)]
    )
    assert problems(text, lang, html=False) == []


# ---------------------------------------------------------------------------------------------------
# Constraints: their own words, under the field, in the reader's language
# ---------------------------------------------------------------------------------------------------


def _project_constraints():
    return [
        (model, c)
        for model in apps.get_models()
        if model.__module__.startswith("cities4csr.")
        for c in model._meta.constraints
    ]


@pytest.mark.parametrize("lang", ["it", "fr"])
def test_every_constraint_says_what_is_wrong_in_the_readers_language(lang):
    bare = []
    for model, constraint in _project_constraints():
        message = constraint.violation_error_message
        if message is None or message == constraint.default_violation_error_message:
            bare.append(f"{model.__name__}.{constraint.name}: no message of its own")
            continue
        with translation.override(lang):
            translated = str(message)
        with translation.override("en"):
            english = str(message)
        if translated == english or constraint.name in translated:
            bare.append(f"{model.__name__}.{constraint.name}: {translated!r} in {lang}")
    assert not bare, "\n".join(bare)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_a_need_ending_before_it_starts_is_told_under_the_end_date_in_italian(users):
    """On the page (the form's own check) and wherever the model is checked (API, import)."""
    import datetime

    from django.core.exceptions import ValidationError

    client = Client()
    client.force_login(users["milano", "officer"])
    with scopes_disabled():
        need = _demo_objects()["need"]
    with translation.override("it"):
        url = reverse("need_edit", kwargs={"city_slug": "milano", "pk": need.pk})
    page = client.get(url)
    form = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page.content.decode()))
    form.update({"owner": need.owner_id, "title": need.title, "description": need.description})
    form.update({"starts_on": "2026-12-20", "ends_on": "2026-12-01"})
    body = client.post(url, form).content.decode()
    assert "La data di fine è precedente alla data di inizio." in body
    assert problems(body, "it") == []

    with scopes_disabled(), translation.override("it"):
        need.starts_on, need.ends_on = datetime.date(2026, 12, 20), datetime.date(2026, 12, 1)
        with pytest.raises(ValidationError) as refused:
            need.validate_constraints()
    assert refused.value.message_dict == {"ends_on": ["La data di fine non può precedere la data di inizio."]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        (
            "CHECK constraint failed: need_dates_ordered",
            "ends_on",
            "La data di fine non può precedere la data di inizio.",
        ),
        (
            'duplicate key value violates unique constraint "organisation_unique_name"',
            "name",
            "Un'altra organizzazione della città ha già questo nome.",
        ),
        (
            "UNIQUE constraint failed: organisations_organisation.city_id, organisations_organisation.name",
            "name",
            "Un'altra organizzazione della città ha già questo nome.",
        ),
    ],
)
def test_a_refusal_of_the_database_becomes_a_field_error_in_the_readers_words(text, field, expected):
    from django.db import IntegrityError

    from cities4csr.core.constraints import from_integrity_error

    with translation.override("it"):
        error = from_integrity_error(IntegrityError(text))
        assert [str(m) for m in error.error_dict[field][0].messages] == [expected]
        unknown = from_integrity_error(IntegrityError("UNIQUE constraint failed: elsewhere.x"))
        assert "UNIQUE" not in " ".join(unknown.messages)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_the_api_answers_a_refusal_of_the_database_in_the_readers_words(users, monkeypatch):
    from django.db import IntegrityError

    from cities4csr.organisations import services

    def refused(**kwargs):
        raise IntegrityError(
            "UNIQUE constraint failed: organisations_organisation.city_id, organisations_organisation.name"
        )

    monkeypatch.setattr(services, "organisation_create", refused)
    client = Client()
    client.force_login(users["milano", "officer"])
    response = client.post(
        "/api/v1/cities/milano/organisations/",
        {"kind": "company", "name": "Doppione S.r.l."},
        content_type="application/json",
        headers={"accept-language": "fr"},
    )
    assert response.status_code == 400, response.content
    assert response.json()["name"] == ["Une autre organisation de la ville porte déjà ce nom."]


# ---------------------------------------------------------------------------------------------------
# The city's own content: in the reader's language, or visibly the original
# ---------------------------------------------------------------------------------------------------


def test_translated_content_falls_back_to_the_original_and_says_so():
    from cities4csr.core.i18n import original_marker, translated

    texts = {"en": "School yard"}
    assert translated(texts, original_language="it", original="Cortile", language="en").text == "School yard"
    fallback = translated(texts, original_language="it", original="Cortile", language="fr")
    assert (fallback.text, fallback.language, fallback.fallback) == ("Cortile", "it", True)
    themes = translated({"it": "Istruzione"}, original_language="it", language="en")
    assert (themes.text, themes.fallback) == ("Istruzione", True)
    with translation.override("fr"):
        assert original_marker("it") == "original en italien"
    with translation.override("en"):
        assert original_marker("it") == "original in Italian"


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_a_need_is_translated_in_its_form_shown_in_the_readers_language_and_in_the_api(users):
    officer = users["milano", "officer"]
    client = Client()
    client.force_login(officer)
    with scopes_disabled():
        need = _demo_objects()["need"]
    edit = f"/it/milano/needs/{need.pk}/edit/"
    page = client.get(edit).content.decode()
    assert 'name="title_en"' in page and 'name="description_fr"' in page  # one input per language of the city
    assert 'name="title_it"' not in page  # the original is the title itself
    form = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    form.update({"owner": need.owner_id, "title": need.title, "description": need.description})
    form.update(
        {"title_en": "The school yard", "description_en": "Renew the yard.", "title_fr": "", "description_fr": ""}
    )
    response = client.post(edit, form)
    assert response.status_code == 302, re.findall(r"invalid-feedback[^>]*>([^<]*)", response.content.decode())

    english = client.get(f"/en/milano/needs/{need.pk}/").content.decode()
    assert "<h1>The school yard</h1>" in english and "Renew the yard." in english
    assert "original in" not in english
    french = client.get(f"/fr/milano/needs/{need.pk}/").content.decode()
    assert f'<h1><span lang="it">{need.title}</span>' in french.replace("&#x27;", "'")
    assert "(original en italien)" in french
    with scopes_disabled():
        area = need.area.code if need.area else ""
    catalogue = client.get(f"/en/milano/needs/?nil={area}" if area else "/en/milano/needs/").content.decode()
    assert ">The school yard</a>" in catalogue

    api = client.get(f"/api/v1/cities/milano/needs/{need.pk}/").json()
    assert api["translations"] == {"en": {"title": "The school yard", "description": "Renew the yard."}}
    patched = client.patch(
        f"/api/v1/cities/milano/needs/{need.pk}/",
        {"translations": {"fr": {"title": "La cour de l'école", "description": ""}}},
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["translations"] == {"fr": {"title": "La cour de l'école", "description": ""}}
    refused = client.patch(
        f"/api/v1/cities/milano/needs/{need.pk}/",
        {"translations": {"de": {"title": "Schulhof"}}},
        content_type="application/json",
        headers={"accept-language": "it"},
    )
    assert refused.status_code == 400 and "translations" in refused.json()

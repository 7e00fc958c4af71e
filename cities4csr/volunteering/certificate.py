"""A certificate of a person's approved volunteering hours in a city, as PDF, in their language.

Laid out by WeasyPrint from ``volunteering/certificate_pdf.html`` (as the funds' receipts are);
fonts are the machine's: nothing is fetched. It lists every approved entry (the activity, its
host, the day, the hours) and their total; hours corrected later appear with their corrected
value only (a corrected entry is no longer "approved")."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from .selectors import approved_hours_of

LANGUAGES = ("it", "en", "fr")


def certificate_language(language: str | None, city) -> str:
    language = (language or "").split("-")[0]
    if language in LANGUAGES:
        return language
    return city.default_language if city.default_language in LANGUAGES else "en"


def hours_text(minutes: int) -> str:
    """Minutes as hours and minutes: "4:30"."""
    return f"{minutes // 60}:{minutes % 60:02d}"


@dataclass
class CertificateRow:
    activity: str
    host: str
    day: str
    hours: str
    company: str = ""


@dataclass
class Certificate:
    person: str
    city: str
    issued_on: str
    total: str
    total_minutes: int
    rows: list[CertificateRow] = field(default_factory=list)


def certificate_build(*, user, city, language: str) -> Certificate:
    entries = list(approved_hours_of(user=user, city=city))
    zone = ZoneInfo(city.timezone)
    with translation.override(language):
        rows = [
            CertificateRow(
                activity=e.registration.slot.activity.title,
                host=e.registration.slot.activity.host.name,
                day=date_format(e.registration.slot.starts_at.astimezone(zone).date(), "DATE_FORMAT"),
                hours=hours_text(e.minutes),
                company=e.registration.company.name if e.registration.company_id else "",
            )
            for e in entries
        ]
        total = sum(e.minutes for e in entries)
        return Certificate(
            person=user.get_full_name() or user.email,
            city=city.name,
            issued_on=date_format(timezone.now().astimezone(zone).date(), "DATE_FORMAT"),
            total=hours_text(total),
            total_minutes=total,
            rows=rows,
        )


def certificate_pdf(*, user, city, language: str) -> bytes:
    import weasyprint

    certificate = certificate_build(user=user, city=city, language=language)
    with translation.override(language):
        html = render_to_string("volunteering/certificate_pdf.html", {"certificate": certificate, "language": language})
    return weasyprint.HTML(string=html).write_pdf()

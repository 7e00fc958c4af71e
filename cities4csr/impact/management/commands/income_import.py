import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from cities4csr.cities.models import City
from cities4csr.impact.equity_load import income_indicators_load


class Command(BaseCommand):
    help = (
        "Load income per neighbourhood for the equity lens: the MEF's per-postcode summary (CSV with CAP, "
        "reddito_imponibile_medio_eur, quota_contribuenti_reddito_complessivo_fino_15000_pct) mapped to areas "
        "through a schools GeoJSON (each school's CAPSCUOLA and ID_NIL), as the indicators income_mean and "
        "low_income_share. An approximation: see docs/adr/0035-equity-lens.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True, help="the city's slug")
        parser.add_argument("--income", required=True, type=Path, help="the per-postcode CSV")
        parser.add_argument("--schools", required=True, type=Path, help="the schools GeoJSON")
        parser.add_argument("--date", required=True, help="the figures' date, YYYY-MM-DD (end of the tax year)")
        parser.add_argument("--source", required=True, help="what the city's data page says the figures come from")
        parser.add_argument("--licence", default="CC BY 4.0")
        parser.add_argument("--attribution", default="MEF – Dipartimento delle Finanze")

    def handle(self, *args, **options):
        city = City.objects.filter(slug=options["city"]).first()
        if city is None:
            raise CommandError(f"no city {options['city']!r}")
        try:
            date = dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError("date: YYYY-MM-DD") from None
        try:
            income_csv = options["income"].read_text(encoding="utf-8")
            schools_geojson = options["schools"].read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {getattr(error, 'filename', None) or 'a file'}: {error}") from None
        with scope(city=city.pk):
            try:
                counts = income_indicators_load(
                    actor=None,
                    city=city,
                    income_csv=income_csv,
                    schools_geojson=schools_geojson,
                    area_kind=city.settings.primary_area_kind,
                    date=date,
                    source=options["source"],
                    licence=options["licence"],
                    attribution=options["attribution"],
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
        for key, n in counts.items():
            self.stdout.write(f"{city.slug} {key}: {n} areas")

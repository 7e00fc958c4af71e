from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cities4csr.cities.models import City
from cities4csr.cities.services import city_create


def validation_message(exc: ValidationError) -> str:
    """A refusal as lines an operator reads: "field: message"."""
    if hasattr(exc, "error_dict"):
        return "\n".join(f"{field}: {' '.join(messages)}" for field, messages in sorted(exc.message_dict.items()))
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = (
        "Create a city (the tenant). Everything is checked first; on any bad value nothing is written. "
        "Then load its areas (load_areas) and invite its first administrator (invite)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True, help="in its URLs, e.g. torino")
        parser.add_argument("--name", required=True, help='e.g. "Torino"')
        parser.add_argument("--country", required=True, help="ISO 3166 two-letter code, e.g. IT")
        parser.add_argument("--languages", required=True, help="comma-separated, the first is the default: it,en")
        parser.add_argument("--currency", default="EUR", help="ISO 4217 code (default EUR)")
        parser.add_argument("--timezone", default="Europe/Rome", help="IANA time zone (default Europe/Rome)")
        parser.add_argument(
            "--theme",
            choices=City.Theme.values,
            help="look of the pages (default: bootstrap-italia for Italian cities, bootstrap otherwise)",
        )

    def handle(self, *args, **options):
        languages = [code.strip() for code in options["languages"].split(",") if code.strip()]
        if not languages:
            raise CommandError("languages: give at least one, e.g. --languages it,en")
        country = options["country"].strip()
        theme = options["theme"] or (City.Theme.BOOTSTRAP_ITALIA if country == "IT" else City.Theme.BOOTSTRAP)
        try:
            city = city_create(
                actor=None,
                slug=options["slug"].strip(),
                name=options["name"].strip(),
                country=country,
                default_language=languages[0],
                languages=languages,
                currency=options["currency"].strip(),
                timezone=options["timezone"].strip(),
                theme=theme,
            )
        except ValidationError as exc:
            raise CommandError("the city was not created:\n" + validation_message(exc)) from None
        self.stdout.write(
            f"Created {city.name} ({city.slug}): {city.country}, {', '.join(city.languages)}, "
            f"{city.currency}, {city.timezone}. Next: manage.py invite --city {city.slug} --email … --role admin"
        )

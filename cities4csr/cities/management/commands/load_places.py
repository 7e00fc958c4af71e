from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cities4csr.cities.geo import AreaFileError, parse_place_file
from cities4csr.cities.models import City, Place
from cities4csr.cities.services import places_import


class Command(BaseCommand):
    help = (
        "Load a city's known places of one kind (schools, sports facilities…) from a GeoJSON "
        "FeatureCollection in WGS84. Idempotent: a place whose reference is already loaded is updated. "
        "The whole file is checked first; on any bad feature nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("city", help="city slug, e.g. milano")
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", required=True, choices=Place.Kind.values)
        parser.add_argument("--name-field", default="name", help="feature property holding the place's name")
        parser.add_argument("--name-format", help='build the name from properties, e.g. "{TYPE} {NAME}"')
        parser.add_argument(
            "--ref-field",
            help="feature property identifying the place in its source (e.g. a school code); "
            "without it, the name and the point identify it",
        )
        parser.add_argument("--address-format", help='build the address from properties, e.g. "{street} {number}"')
        parser.add_argument("--title-case", action="store_true", help="write names given in capitals in title case")
        parser.add_argument("--source", default="", help="the dataset, e.g. 'Comune di Milano, ds1305'")
        parser.add_argument("--licence", default="", help="e.g. CC BY 4.0")
        parser.add_argument("--attribution", default="", help="e.g. Comune di Milano")

    def handle(self, *args, **options):
        try:
            city = City.objects.get(slug=options["city"])
        except City.DoesNotExist:
            raise CommandError(f"no city with slug {options['city']!r}") from None
        try:
            data = options["file"].read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror}") from None
        try:
            features = parse_place_file(
                data,
                name_field=options["name_field"],
                name_format=options["name_format"],
                ref_field=options["ref_field"],
                address_format=options["address_format"],
                title_case=options["title_case"],
            )
            counts = places_import(
                actor=None,
                city=city,
                kind=options["kind"],
                features=features,
                source=options["source"],
                licence=options["licence"],
                attribution=options["attribution"],
            )
        except AreaFileError as exc:
            for error in exc.errors:
                self.stderr.write(f"{options['file']}: {error}")
            raise CommandError(f"{len(exc.errors)} problem(s) in {options['file']}; nothing was loaded") from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(
            f"{city.slug} {counts['kind']}: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['outside']} outside the city's areas (skipped)"
        )

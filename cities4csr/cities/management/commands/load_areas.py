from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cities4csr.cities.geo import AreaFileError, parse_area_file
from cities4csr.cities.models import City
from cities4csr.cities.services import area_layer_import


class Command(BaseCommand):
    help = (
        "Import a city's areas of one kind from a GeoJSON FeatureCollection in WGS84. "
        "The whole file is checked first; on any bad feature nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--city", required=True, help="city slug, e.g. milano")
        parser.add_argument("--kind", required=True, help="area kind, e.g. nil, municipio, quartier")
        parser.add_argument("--code-field", default="code", help="feature property holding the area code")
        parser.add_argument("--name-field", default="name", help="feature property holding the area name")
        parser.add_argument("--name-format", help='build the name from properties, e.g. "Municipio {MUNICIPIO}"')
        parser.add_argument("--parent-kind", default="", help="set each area's parent to the containing area")
        parser.add_argument("--level", type=int, default=1, help="0 for the widest layer")
        parser.add_argument(
            "--label",
            action="append",
            default=[],
            metavar="LANG=TEXT",
            help="the layer's name in a language, e.g. it=Municipi (repeatable)",
        )
        parser.add_argument("--source", default="")
        parser.add_argument("--licence", default="")
        parser.add_argument("--attribution", default="")

    def handle(self, *args, **options):
        try:
            city = City.objects.get(slug=options["city"])
        except City.DoesNotExist:
            raise CommandError(f"no city with slug {options['city']!r}") from None
        names = {}
        for label in options["label"]:
            lang, sep, text = label.partition("=")
            if not sep or not text:
                raise CommandError(f"--label must look like LANG=TEXT, got {label!r}")
            names[lang] = text
        try:
            data = options["file"].read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror}") from None
        try:
            features = parse_area_file(
                data,
                code_field=options["code_field"],
                name_field=options["name_field"],
                name_format=options["name_format"],
            )
            counts = area_layer_import(
                actor=None,
                city=city,
                kind=options["kind"],
                features=features,
                names=names,
                level=options["level"],
                parent_kind=options["parent_kind"],
                source=options["source"],
                licence=options["licence"],
                attribution=options["attribution"],
            )
        except AreaFileError as exc:
            for error in exc.errors:
                self.stderr.write(f"{options['file']}: {error}")
            raise CommandError(f"{len(exc.errors)} problem(s) in {options['file']}; nothing was imported") from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"{city.slug} {counts['kind']}: {counts['created']} created, {counts['updated']} updated")

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from cities4csr.cities.management.commands.city_create import validation_message
from cities4csr.cities.models import City
from cities4csr.organisations.models import CityRole
from cities4csr.organisations.services import INVITATION_VALID_FOR, city_invitation_create


class Command(BaseCommand):
    help = (
        "Invite someone by e-mail to take a role in a city: its first administrator, or officers. "
        "The e-mail's link (under SITE_URL) works once; opening it confirms the address."
    )

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True, help="city slug")
        parser.add_argument("--email", required=True)
        parser.add_argument("--role", required=True, choices=CityRole.Role.values)
        parser.add_argument("--language", default="", help="of the e-mail (default: the city's)")

    def handle(self, *args, **options):
        try:
            city = City.objects.get(slug=options["city"])
        except City.DoesNotExist:
            raise CommandError(f"no city with slug {options['city']!r}") from None
        try:
            with scope(city=city.pk):
                invitation = city_invitation_create(
                    actor=None, city=city, email=options["email"], role=options["role"], language=options["language"]
                )
        except ValidationError as exc:
            raise CommandError("nobody was invited:\n" + validation_message(exc)) from None
        self.stdout.write(
            f"Invited {invitation.email} as {invitation.role} of {city.name}; the e-mailed link works for "
            f"{INVITATION_VALID_FOR.days} days."
        )

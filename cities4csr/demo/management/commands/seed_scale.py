from django.core.management.base import BaseCommand, CommandError

from cities4csr.demo.scale import seed_scale


class Command(BaseCommand):
    help = (
        "Create a large, deterministic city for benchmarks on Milan's geography: organisations with "
        "sites, needs with resource lines. Steps the city already has data for are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--city", default="metropoli", help="slug of the city to create (default: metropoli)")
        parser.add_argument("--needs", type=int, default=20_000)
        parser.add_argument("--organisations", type=int, default=300_000)
        parser.add_argument("--activities", type=int, default=0, help="volunteering activities (with 1-3 slots each)")
        parser.add_argument("--registrations", type=int, default=0, help="registrations spread over their slots")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, city, needs, organisations, activities, registrations, seed, **options):
        if needs < 0 or organisations < 1 or activities < 0 or registrations < 0:
            raise CommandError(
                "--needs, --activities and --registrations must be 0 or more and --organisations 1 or more"
            )
        seed_scale(
            slug=city,
            needs=needs,
            organisations=organisations,
            activities=activities,
            registrations=registrations,
            seed=seed,
            say=self.stdout.write,
        )
        self.stdout.write(f"{city}: ready")

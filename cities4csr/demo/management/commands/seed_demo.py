from django.core.management.base import BaseCommand

from cities4csr.demo.seed import CITIES, DEMO_PASSWORD, PARTNERS, ROLES, demo_email, seed_demo
from cities4csr.volunteering.demo import EMPLOYEES, HOST_LOGIN


class Command(BaseCommand):
    help = (
        "Load the demo: Milan and Nantes with real areas, organisations and one login per role; the "
        "network's other eight cities without data yet. Idempotent."
    )

    def handle(self, *args, **options):
        seed_demo(stdout=self.stdout)
        self.stdout.write(f"\nDemo logins (password: {DEMO_PASSWORD})")
        for slug in CITIES:
            for role in ROLES:
                self.stdout.write(f"  {slug:8} {role:15} {demo_email(slug, role)}")
            if slug in PARTNERS:
                self.stdout.write(f"  {slug:8} {'partner':15} {demo_email(slug, 'partner')}")
            if slug == "milano":  # the corporate-volunteering pact: its host and the company's employees
                self.stdout.write(f"  {slug:8} {'host':15} {demo_email(slug, HOST_LOGIN)}")
                self.stdout.write(
                    f"  {slug:8} {'employee':15} {demo_email(slug, EMPLOYEES[0][0])} … {EMPLOYEES[-1][0]}"
                )

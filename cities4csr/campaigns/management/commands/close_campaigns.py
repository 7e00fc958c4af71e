"""Apply the deadline of campaigns: every open campaign past its deadline (queued for the worker;
the daily housekeeping runs it, in case a deadline's own task was lost), or one campaign at once
with ``--now`` (a demo, a test, an officer's request from the terminal)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cities4csr.campaigns.models import Campaign
from cities4csr.campaigns.services import campaign_close
from cities4csr.campaigns.tasks import campaign_deadline


class Command(BaseCommand):
    help = "Queue the deadline of open campaigns past it, or close one campaign now."

    def add_arguments(self, parser):
        parser.add_argument("--city", help="slug of one city (default: every city)")
        parser.add_argument("--now", metavar="SLUG", help="close this campaign of --city now, whatever its deadline")

    def handle(self, *args, city=None, now=None, **options):
        with scopes_disabled():
            campaigns = Campaign.objects.filter(state=Campaign.State.OPEN).select_related("city").order_by("pk")
            if city:
                campaigns = campaigns.filter(city__slug=city)
            if now:
                if not city:
                    raise CommandError("--now needs --city.")
                campaign = campaigns.filter(slug=now).first()
                if campaign is None:
                    raise CommandError(f"No open campaign {now!r} in {city!r}.")
                with scope(city=campaign.city_id):
                    campaign = campaign_close(actor=None, campaign=campaign)
                self.stdout.write(f"{city}/{now}: {campaign.state}")
                return
            for campaign in campaigns.filter(deadline__lte=timezone.now()):
                campaign_deadline.enqueue(campaign_id=campaign.pk)
                self.stdout.write(f"{campaign.city.slug}/{campaign.slug}: deadline queued")

"""Close the attendance of volunteering slots that are over: who is still "registered" did not
come, who never checked out gets the slot's hours. Each slot's own job is queued for its end
when it is made; the daily housekeeping runs this in case one was lost (it queues the job for
every slot over in the last ``--days`` days that still has someone "registered" or checked in
without hours)."""

import datetime

from django.core.management.base import BaseCommand
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_scopes import scopes_disabled

from cities4csr.volunteering.models import HoursEntry, Registration, Slot
from cities4csr.volunteering.tasks import slot_attendance_close

R = Registration.State


class Command(BaseCommand):
    help = "Queue the closing of the attendance of volunteering slots that are over."

    def add_arguments(self, parser):
        parser.add_argument("--city", help="slug of one city (default: every city)")
        parser.add_argument("--days", type=int, default=7, help="look at slots over in these last days (default 7)")

    def handle(self, *args, city=None, days=7, **options):
        now = timezone.now()
        with scopes_disabled():
            open_attendance = Registration.objects.filter(slot=OuterRef("pk")).filter(
                Q(state=R.REGISTERED)
                | Q(state=R.ATTENDED, checked_out_at__isnull=True)
                & ~Exists(HoursEntry.objects.filter(registration=OuterRef("pk")))
            )
            slots = Slot.objects.filter(
                state=Slot.State.SCHEDULED, ends_at__lte=now, ends_at__gte=now - datetime.timedelta(days=days)
            ).filter(Exists(open_attendance))
            if city:
                slots = slots.filter(city__slug=city)
            queued = 0
            for slot in slots.select_related("city").order_by("ends_at", "pk"):
                slot_attendance_close.enqueue(slot_id=slot.pk)
                queued += 1
        self.stdout.write(f"{queued} slot(s) queued")

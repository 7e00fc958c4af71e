"""Volunteering: activities a host runs (dated slots, recurring series or a task done by a
deadline), the people and company teams who sign up, their attendance and their hours (ADR 0033).

An activity may serve a need's volunteer-time or expertise line; its approved hours become time
contributions in the city's ledger (``cities4csr.ledger``), valued at cost, and fill that line.
A registration belongs to a person while they have an account: when they delete it, the row
stays without them (the counts and the hours remain, anonymous).
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cities4csr.core.models import CityScopedModel


def _token() -> str:
    return secrets.token_urlsafe(24)


def _code() -> str:
    """A short code people type: eight letters and digits without the ones that look alike."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Activity(CityScopedModel):
    """What volunteers do: with dated slots (one-off or a recurring series) or as a flexible task
    done by a deadline. A host (a city department or a third-sector body) runs it; on a company
    day, the company's employees take part as a team."""

    class Kind(models.TextChoices):
        SLOTS = "slots", _("On set dates")
        FLEXIBLE = "flexible", _("Flexible, by a deadline")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for sign-up")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    slug = models.SlugField(_("short name in addresses"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    translations = models.JSONField(
        _("translations"), default=dict, blank=True, help_text='{"en": {"title": …, "description": …}}'
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SLOTS)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    need = models.ForeignKey(
        "needs.Need",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("need"),
    )
    line = models.ForeignKey(
        "needs.ResourceLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("line of the need it fills"),
        help_text=_("A volunteer-time or expertise line of the need: approved hours fill it"),
    )
    host = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="hosted_activities",
        verbose_name=_("host"),
        help_text=_("The city department or third-sector body that runs the activity"),
    )
    company = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteering_days",
        verbose_name=_("company"),
        help_text=_("For a company volunteering day: the company whose employees take part"),
    )
    themes = models.ManyToManyField("needs.Theme", blank=True, related_name="activities", verbose_name=_("themes"))
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    area = models.ForeignKey(
        "cities.Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name=_("neighbourhood"),
        help_text=_("Found from the place"),
    )
    family_friendly = models.BooleanField(_("families with children welcome"), default=False)
    accessibility = models.TextField(_("accessibility"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    safety_briefing = models.TextField(_("safety briefing"), blank=True)
    insurance_note = models.TextField(_("insurance"), blank=True)
    reviewed = models.BooleanField(
        _("the host reviews each registration"),
        default=False,
        help_text=_("Otherwise anyone may sign up while places are left"),
    )
    waitlist = models.BooleanField(
        _("keep a waiting list when places run out"),
        default=True,
        help_text=_("Otherwise a full slot refuses new sign-ups"),
    )
    preparation_minutes = models.PositiveIntegerField(
        _("preparation time (minutes)"), default=0, help_text=_("Added to each participant's hours")
    )
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True, help_text=_("For a flexible task"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["city", "title", "pk"]
        verbose_name = _("volunteering activity")
        verbose_name_plural = _("volunteering activities")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "slug"],
                name="volunteering_activity_slug_unique",
                violation_error_message=_("This city already has an activity with this short name."),
            ),
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True) | models.Q(minimum_age__lte=120),
                name="volunteering_activity_minimum_age",
                violation_error_message=_("Give a minimum age between 0 and 120."),
            ),
        ]

    def __str__(self):
        return self.title


class Series(CityScopedModel):
    """A recurrence that made an activity's slots: every week or every month from a first slot,
    a number of times or until a date. Its slots are ordinary slots; the series says where they
    came from and lets the host cancel the rest of them at once."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        MONTHLY = "monthly", _("Every month")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="series")
    frequency = models.CharField(_("repeats"), max_length=10, choices=Frequency.choices)
    count = models.PositiveSmallIntegerField(_("number of times"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["city", "activity", "pk"]
        verbose_name = _("series")
        verbose_name_plural = _("series")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(count__isnull=False) | models.Q(until__isnull=False),
                name="volunteering_series_ends",
                violation_error_message=_("Say how many times the slot repeats, or until when."),
            ),
        ]


class Slot(CityScopedModel):
    """A time when volunteers come, with its places. A flexible task has one slot running from
    its opening to its deadline."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="slots")
    series = models.ForeignKey(Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"))
    registration_deadline = models.DateTimeField(
        _("sign-up closes"), null=True, blank=True, help_text=_("When empty, at the start")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SCHEDULED)
    checkin_code = models.CharField(
        _("check-in code"), max_length=8, default=_code, editable=False, help_text=_("For self check-in on the day")
    )
    #: places taken (registered or checked in), kept by the sign-up services under the slot's lock
    taken = models.PositiveIntegerField(default=0, editable=False)
    #: people waiting, kept with ``taken``
    waiting = models.PositiveIntegerField(default=0, editable=False)
    cancelled_reason = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["city", "starts_at", "pk"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        indexes = [models.Index(fields=["city", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="volunteering_slot_ends_after_start",
                violation_error_message=_("A slot ends after it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gt=0),
                name="volunteering_slot_capacity",
                violation_error_message=_("A slot has at least one place."),
            ),
            models.CheckConstraint(
                condition=models.Q(taken__lte=models.F("capacity")),
                name="volunteering_slot_not_overbooked",
                violation_error_message=_("This slot has no places left."),
            ),
        ]

    def __str__(self):
        # in the reader's language and the active time zone (the city's on its pages)
        return f"{self.activity} – {date_format(timezone.localtime(self.starts_at), 'SHORT_DATETIME_FORMAT')}"


class Team(CityScopedModel):
    """A company's team for a slot: a representative opens it with a captain; employees join it
    through its link or its code, each taking a place (or waiting for one) on the slot."""

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="teams")
    company = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
        verbose_name=_("company"),
    )
    name = models.CharField(_("team name"), max_length=120)
    captain = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("captain"),
    )
    invite_code = models.CharField(_("invitation code"), max_length=8, default=_code, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["city", "slot", "name", "pk"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "invite_code"],
                name="volunteering_team_code_unique",
                violation_error_message=_("This invitation code is already used."),
            ),
        ]

    def __str__(self):
        return self.name


class Registration(CityScopedModel):
    """A person's place on a slot (or their place in its queue). Waiting registrations are
    promoted in the order they arrived (``pk``), under the slot's lock."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Awaiting the host's review")
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DECLINED = "declined", _("Declined by the host")
        CANCELLED = "cancelled", _("Cancelled by the host")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("Did not come")

    #: the states that hold a place on the slot
    HOLDING = (State.REGISTERED, State.ATTENDED)
    #: the states in which a person counts as signed up (a second sign-up is refused)
    ACTIVE = (State.REQUESTED, State.REGISTERED, State.WAITLISTED, State.ATTENDED)

    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer_registrations",
        help_text="Empty once the person deleted their account: the row stays, anonymous",
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="registrations")
    company = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteer_registrations",
        verbose_name=_("company"),
        help_text=_("The company the person volunteers for, whose hours these are"),
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, db_index=True)
    token = models.CharField(max_length=40, default=_token, editable=False, help_text="In the QR code and iCal file")
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    note = models.CharField(_("note to the host"), max_length=500, blank=True)

    class Meta:
        ordering = ["city", "slot", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [models.Index(fields=["slot", "state", "id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "user"],
                condition=models.Q(state__in=["requested", "registered", "waitlisted", "attended"]),
                name="volunteering_one_registration_per_person",
                violation_error_message=_("You are already signed up for this slot."),
            ),
            models.UniqueConstraint(
                fields=["city", "token"],
                name="volunteering_registration_token_unique",
                violation_error_message=_("This registration code is already used."),
            ),
            models.CheckConstraint(
                condition=models.Q(checked_out_at__isnull=True)
                | models.Q(checked_in_at__isnull=False, checked_out_at__gt=models.F("checked_in_at")),
                name="volunteering_checkout_after_checkin",
                violation_error_message=_("Check-out comes after check-in."),
            ),
        ]

    def __str__(self):
        return str(self.slot)


class HoursEntry(CityScopedModel):
    """Hours a participant gave, proposed from their attendance (or declared, for a flexible
    task) and confirmed by the host and by the company: both, because that is verified delivery.
    Approved, they are a time contribution in the ledger. Append-only: a correction is a new
    entry that ``corrects`` the one it replaces (its movement reverses the old one's)."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        CORRECTED = "corrected", _("Corrected")

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="hours")
    minutes = models.PositiveIntegerField(_("minutes"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PROPOSED)
    corrects = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrected_by",
        verbose_name=_("corrects"),
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    host_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    host_approved_at = models.DateTimeField(null=True, blank=True)
    company_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    company_approved_at = models.DateTimeField(null=True, blank=True)
    #: the hourly value used (cents), and where it came from ("company" or "city")
    rate_cents = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    rate_source = models.CharField(max_length=20, blank=True, editable=False)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["city", "registration", "pk"]
        verbose_name = _("hours")
        verbose_name_plural = _("hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__lte=24 * 60 * 366),
                name="volunteering_hours_bounded",
                violation_error_message=_("That is more hours than a year holds."),
            ),
        ]


class CalendarFeed(CityScopedModel):
    """The secret address of a calendar feed (iCal) that a calendar application polls: a
    person's own volunteering, or a company's employees' (for its representatives). Whoever holds
    the address reads the feed, so it can be replaced by a new one; only one per person or
    company and city."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="volunteering_feeds",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="volunteering_feeds",
    )
    token = models.CharField(max_length=40, default=_token, editable=False)

    class Meta:
        ordering = ["city", "pk"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "token"],
                name="volunteering_feed_token_unique",
                violation_error_message=_("This calendar address is already used."),
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=True, organisation__isnull=False)
                | models.Q(user__isnull=False, organisation__isnull=True),
                name="volunteering_feed_of_one",
                violation_error_message=_("A calendar feed is a person's or a company's."),
            ),
            models.UniqueConstraint(
                fields=["city", "user"],
                condition=models.Q(user__isnull=False),
                name="volunteering_feed_one_per_person",
                violation_error_message=_("This person already has a calendar feed."),
            ),
            models.UniqueConstraint(
                fields=["city", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="volunteering_feed_one_per_company",
                violation_error_message=_("This company already has a calendar feed."),
            ),
        ]

    def __str__(self):
        return str(_("calendar feed"))

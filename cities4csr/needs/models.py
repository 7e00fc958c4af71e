from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from cities4csr.core.i18n import pick
from cities4csr.core.models import CityScopedModel
from cities4csr.ledger.resources import KIND_UNITS, ResourceKind  # noqa: F401 - re-exported: the vocabulary lives in the ledger


class Action(CityScopedModel):
    """A line of the city's CSR action plan, e.g. "Make schools in deprived areas more attractive".

    Needs (published by the city or a partner) belong to an action; the action names the
    neighbourhoods it targets.
    """

    number = models.PositiveSmallIntegerField(_("number"))
    titles = models.JSONField(_("title"), default=dict, help_text="{language: title}")
    descriptions = models.JSONField(_("description"), default=dict, blank=True, help_text="{language: text}")
    target_areas = models.ManyToManyField(
        "cities.Area", blank=True, related_name="actions", verbose_name=_("target areas")
    )

    class Meta:
        ordering = ["city", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "number"],
                name="action_unique_number",
                violation_error_message=_("The action plan already has a line with this number."),
            )
        ]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def title(self):
        return pick(self.titles)

    @property
    def description(self):
        return pick(self.descriptions)


class Theme(CityScopedModel):
    """An urban challenge a need addresses (social inclusion, education, greening…). A city may add its own."""

    key = models.SlugField(_("key"), max_length=40)
    names = models.JSONField(_("names"), default=dict, help_text="{language: label}")

    class Meta:
        ordering = ["city", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "key"],
                name="theme_unique_key",
                violation_error_message=_("The city already has a theme with this key."),
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return pick(self.names) or self.key


#: what a need still misses, in EUR cents (negative never, in practice): the catalogue's "gap"
OPEN_GAP = F("value_requested_cents") - F("value_committed_cents")


class Need(CityScopedModel):
    """What a neighbourhood needs, published by the city or a partner, in resource lines."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        UNDER_REVIEW = "under_review", _("Under review")
        PUBLISHED = "published", _("Published")
        IN_PROGRESS = "in_progress", _("In progress")
        FULFILLED = "fulfilled", _("Fulfilled")
        DELIVERED = "delivered", _("Delivered")
        VERIFIED = "verified", _("Verified")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    #: the title and description in the city's other languages; ``title`` and ``description`` are
    #: the original, in the city's language (docs/adr/0021-translated-city-content.md)
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text='{language: {"title": ..., "description": ...}} in the city\'s other languages',
    )
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="needs", verbose_name=_("action")
    )
    owner = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="needs", verbose_name=_("owner")
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="needs", verbose_name=_("themes"))
    sdgs = models.JSONField(_("SDGs"), default=list, blank=True, help_text="UN SDG goal or target codes")
    sdg_goals = models.CharField(max_length=80, editable=False, default="", help_text="'|4|11|', for filtering")
    # The catalogue's "has one such" filters, one short column each (kept by the services, as
    # sdg_goals): counting thousands of matches then reads one row per need, no join.
    theme_keys = models.TextField(editable=False, default="", help_text="'|culture|education|', for filtering")
    kinds = models.CharField(max_length=80, editable=False, default="", help_text="'|goods|money|', for filtering")
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    area = models.ForeignKey(
        "cities.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs",
        verbose_name=_("neighbourhood"),
    )
    district = models.ForeignKey(
        "cities.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="district_needs",
        verbose_name=_("district"),
    )
    beneficiary_group = models.CharField(_("beneficiaries"), max_length=200, blank=True)
    beneficiaries_expected = models.PositiveIntegerField(_("expected number of beneficiaries"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    photo = models.ImageField(_("photo"), upload_to="needs/", blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # the need's id in the spreadsheet or system it was imported from: importing the same reference
    # again updates this need instead of adding another (needs.importing)
    external_ref = models.CharField(
        _("external reference"),
        max_length=100,
        blank=True,
        default="",
        help_text=_("The need's code in the file it was imported from; importing it again updates this need."),
    )
    search_text = models.TextField(editable=False, default="")
    # Denormalised totals, kept by the services under row locks (EUR cents)
    value_requested_cents = models.BigIntegerField(default=0, editable=False)
    value_committed_cents = models.BigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        indexes = [
            # The catalogue's default order: its first page is read off the index, not sorted.
            # Partial, over the public states (filters.PUBLIC_STATES): drafts, whose published_at
            # is empty, would otherwise come first in a descending scan and be skipped one by one.
            models.Index(
                fields=["city", "-published_at", "-id"],
                condition=models.Q(
                    state__in=["published", "in_progress", "fulfilled", "delivered", "verified", "closed"]
                ),
                name="need_catalogue_newest",
            ),
            # The catalogue sorted by gap; and the statistics of the gap, for "still open" filters.
            models.Index(F("city"), OPEN_GAP.desc(), F("id").desc(), name="need_catalogue_gap"),
            # the choropleth's open gap per area (and state / area filters): an index-only scan
            models.Index(
                fields=["city", "state", "area", "value_requested_cents", "value_committed_cents"],
                name="need_state_area_totals",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="need_dates_ordered",
                violation_error_message=_("The end date must not be before the start date."),
            ),
            models.UniqueConstraint(
                fields=["city", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="need_external_ref_unique",
                violation_error_message=_("Another need of the city already has this external reference."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def titles(self) -> dict:
        """{language: title} of the translations (the original is ``title``)."""
        return {lang: t.get("title", "") for lang, t in (self.translations or {}).items() if isinstance(t, dict)}

    @property
    def descriptions(self) -> dict:
        return {lang: t.get("description", "") for lang, t in (self.translations or {}).items() if isinstance(t, dict)}

    @property
    def value_open_cents(self) -> int:
        return max(self.value_requested_cents - self.value_committed_cents, 0)

    @property
    def state_label(self) -> str:
        """``get_state_display()`` without rebuilding the choices' dict on each call (catalogue cards)."""
        return self.State(self.state).label

    @property
    def is_public(self) -> bool:
        return self.state not in (self.State.DRAFT, self.State.UNDER_REVIEW, self.State.WITHDRAWN)


class ResourceLine(CityScopedModel):
    """One thing a need asks for: an amount of money, goods, hours, expertise or space.

    ``quantity`` is counted in the kind's unit (cents for money); ``value_cents`` is the EUR
    value of the whole requested quantity. ``committed`` is what pledges have taken.
    """

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    label = models.CharField(_("what"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20)
    quantity = models.PositiveBigIntegerField(_("quantity requested"))
    value_cents = models.PositiveBigIntegerField(_("value (EUR cents)"))
    committed = models.PositiveBigIntegerField(_("quantity committed"), default=0)
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    available_from = models.DateField(_("from"), null=True, blank=True)
    available_until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["need", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0),
                name="line_quantity_positive",
                violation_error_message=_("Give a quantity of at least 1."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.label}"

    @property
    def kind_label(self) -> str:
        """``get_kind_display()`` without rebuilding the choices' dict on each call (catalogue cards)."""
        return ResourceKind(self.kind).label

    @property
    def remaining(self) -> int:
        return max(self.quantity - self.committed, 0)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.committed / self.quantity)) if self.quantity else 0

    def value_of(self, quantity: int) -> int:
        """EUR cents of ``quantity`` units at the line's valuation."""
        return round(self.value_cents * quantity / self.quantity) if self.quantity else 0

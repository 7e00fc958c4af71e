from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cities4csr.core.i18n import pick
from cities4csr.core.models import CityScopedModel, TimeStampedModel

from .policy import CityPolicy

RESERVED_SLUGS = {"accounts", "admin", "api", "static", "media", "healthz", "i18n", "cookies"}


def validate_city_slug(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(_("%(slug)s is reserved."), params={"slug": value})


def validate_currency(value):
    """An ISO 4217 code that babel (CLDR) knows: amounts are read, stored and shown in it."""
    from babel.numbers import list_currencies

    if value not in list_currencies():
        raise ValidationError(_("%(code)s is not an ISO 4217 currency code, e.g. EUR."), params={"code": value})


def validate_timezone(value):
    """An IANA time zone such as Europe/Rome: dates of the city's deadlines and slots are its own."""
    import zoneinfo

    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(zone)s is not a time zone, e.g. Europe/Rome."), params={"zone": value})


class City(TimeStampedModel):
    """The tenant. Global model: every city-owned row points to one."""

    class Theme(models.TextChoices):
        BOOTSTRAP_ITALIA = "bootstrap-italia", "Bootstrap Italia"
        BOOTSTRAP = "bootstrap", "Bootstrap 5"

    slug = models.SlugField(unique=True, validators=[validate_city_slug])
    name = models.CharField(_("name"), max_length=120)
    country = models.CharField(
        _("country"), max_length=2, validators=[RegexValidator(r"^[A-Z]{2}$", _("Use an ISO 3166 two-letter code."))]
    )
    default_language = models.CharField(_("default language"), max_length=8)
    languages = models.JSONField(_("available languages"), default=list)
    #: ISO 4217; every amount of the city is integer cents (hundredths) of it (docs/adr/0009-money-input.md)
    currency = models.CharField(_("currency"), max_length=3, default="EUR", validators=[validate_currency])
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Rome", validators=[validate_timezone])
    theme = models.CharField(_("theme"), max_length=24, choices=Theme.choices, default=Theme.BOOTSTRAP)
    policy = models.JSONField(_("policy"), default=dict, blank=True)
    is_listed = models.BooleanField(_("listed publicly"), default=True)

    # --- Privacy (GDPR): the city is the controller of the personal data of its site. Shown in
    # its privacy notice; the retention periods drive the purge (cities4csr.privacy.retention).
    privacy_controller = models.CharField(
        _("data controller"), max_length=200, blank=True, help_text=_("e.g. Comune di Milano; empty = the city's name")
    )
    privacy_controller_address = models.CharField(_("controller's address"), max_length=255, blank=True)
    privacy_controller_email = models.EmailField(_("controller's e-mail (or certified e-mail)"), blank=True)
    dpo_name = models.CharField(_("data protection officer"), max_length=200, blank=True)
    dpo_email = models.EmailField(_("data protection officer's e-mail"), blank=True)
    dpo_phone = models.CharField(_("data protection officer's telephone"), max_length=40, blank=True)
    privacy_notice_date = models.DateField(_("date of the privacy notice"), null=True, blank=True)
    retention_audit_personal_days = models.PositiveIntegerField(
        _("days the audit trail keeps e-mail addresses"),
        default=365,
        validators=[MinValueValidator(30)],
        help_text=_("After this, e-mail addresses in the audit trail's details are replaced by the person's number."),
    )
    retention_inactive_account_days = models.PositiveIntegerField(
        _("days before an inactive account is erased"),
        default=730,
        validators=[MinValueValidator(90)],
        help_text=_("Counted from the last login (or the sign-up, for an account never used)."),
    )
    retention_unverified_signup_days = models.PositiveIntegerField(
        _("days before an unconfirmed sign-up is erased"),
        default=30,
        validators=[MinValueValidator(7)],
        help_text=_("A sign-up whose e-mail address was never confirmed."),
    )

    #: the fields a city's administrator edits about privacy (the admin's "Privacy" section)
    PRIVACY_FIELDS = (
        "privacy_controller",
        "privacy_controller_address",
        "privacy_controller_email",
        "dpo_name",
        "dpo_email",
        "dpo_phone",
        "privacy_notice_date",
        "retention_audit_personal_days",
        "retention_inactive_account_days",
        "retention_unverified_signup_days",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self):
        return self.name

    @property
    def controller(self) -> str:
        """Who is the controller of the personal data, as the privacy notice names it."""
        return self.privacy_controller or self.name

    @property
    def settings(self) -> CityPolicy:
        return CityPolicy.from_data(self.policy)

    def clean(self):
        from django.conf import settings

        supported = {code for code, _label in settings.LANGUAGES}
        if not self.languages or not set(self.languages) <= supported:
            raise ValidationError({"languages": _("Choose among the supported languages.")})
        if self.default_language not in self.languages:
            raise ValidationError({"default_language": _("The default language must be one of the city's languages.")})
        try:
            CityPolicy.from_data(self.policy)
        except ValueError as exc:
            raise ValidationError({"policy": str(exc)}) from None


class AreaLayer(CityScopedModel):
    """One kind of area in a city (e.g. Milan's NIL), with the source it was loaded from."""

    kind = models.SlugField(_("kind"), max_length=40)
    names = models.JSONField(_("names"), default=dict, help_text="{language: label}")
    level = models.PositiveSmallIntegerField(_("level"), default=1, help_text="0 = widest (e.g. Municipio)")
    parent_kind = models.SlugField(_("parent kind"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    licence = models.CharField(_("licence"), max_length=120, blank=True)
    attribution = models.CharField(_("attribution"), max_length=255, blank=True)

    class Meta:
        ordering = ["city", "level", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "kind"],
                name="arealayer_unique_kind",
                violation_error_message=_("The city already has a layer of areas of this kind."),
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return pick(self.names) or self.kind


class Area(CityScopedModel):
    """A neighbourhood or district: NIL, Municipio, commune, quartier, IRIS…"""

    kind = models.SlugField(_("kind"), max_length=40)
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children", verbose_name=_("parent")
    )
    geometry = models.JSONField(_("geometry"), help_text="GeoJSON (Multi)Polygon in WGS84")
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()

    class Meta:
        ordering = ["city", "kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "kind", "code"],
                name="area_unique_code",
                violation_error_message=_("The city already has an area of this kind with this code."),
            )
        ]
        indexes = [models.Index(fields=["city", "kind", "min_lon", "max_lon"])]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def sort_key(self):
        return (len(self.code), self.code) if self.code.isdigit() else (0, self.code)


class Indicator(CityScopedModel):
    """Something measured per area: population, share of foreign residents, heat risk…"""

    key = models.SlugField(_("key"), max_length=60)
    names = models.JSONField(_("names"), default=dict, help_text="{language: label}")
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    area_kind = models.SlugField(_("area kind"), max_length=40)
    higher_is_worse = models.BooleanField(
        _("higher means more deprived"), default=False, help_text="Used by the equity weighting of matching."
    )
    source = models.CharField(_("source"), max_length=255, blank=True)
    licence = models.CharField(_("licence"), max_length=120, blank=True)
    attribution = models.CharField(_("attribution"), max_length=255, blank=True)

    class Meta:
        ordering = ["city", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "key"],
                name="indicator_unique_key",
                violation_error_message=_("The city already has an indicator with this key."),
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return pick(self.names) or self.key


class IndicatorValue(CityScopedModel):
    """A dated value of an indicator for one area."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="indicator_values")
    date = models.DateField(_("date"))
    value = models.FloatField(_("value"))

    class Meta:
        ordering = ["indicator", "area", "-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "date"],
                name="indicatorvalue_unique_date",
                violation_error_message=_("This indicator already has a value for this area on this date."),
            )
        ]

    def __str__(self):
        return f"{self.indicator} · {self.area}"


class Place(CityScopedModel):
    """A known place of the city (a school, a sports facility, a farmstead, a public building),
    loaded from an open-data file: found by name when a need or a site is placed on the map.

    ``external_ref`` is the place's identifier in its source (e.g. the school's MIUR code), so
    loading the same file again updates the places instead of adding them twice."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("school")
        SPORTS = "sports", _("sports facility")
        FARMSTEAD = "farmstead", _("farmstead (cascina)")
        PUBLIC_BUILDING = "public_building", _("public building")
        OTHER = "other", _("other place")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=255)
    address = models.CharField(_("address"), max_length=255, blank=True)
    lat = models.FloatField(_("latitude"), validators=[MinValueValidator(-90)])
    lon = models.FloatField(_("longitude"), validators=[MinValueValidator(-180)])
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="places", verbose_name=_("neighbourhood")
    )
    external_ref = models.CharField(_("reference in the source"), max_length=120)
    source = models.CharField(_("source"), max_length=255, blank=True)
    licence = models.CharField(_("licence"), max_length=120, blank=True)
    attribution = models.CharField(_("attribution"), max_length=255, blank=True)

    class Meta:
        ordering = ["city", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "kind", "external_ref"],
                name="place_unique_external_ref",
                violation_error_message=_("This city already has a place of this kind with this reference."),
            )
        ]
        indexes = [models.Index(fields=["city", "name"])]
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self):
        return self.name

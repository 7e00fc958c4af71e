from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cities4csr.core.models import CityScopedModel

from . import identifiers

# NACE Rev. 2 sections (Regulation (EC) No 1893/2006).
NACE_SECTIONS = [
    ("A", _("Agriculture, forestry and fishing")),
    ("B", _("Mining and quarrying")),
    ("C", _("Manufacturing")),
    ("D", _("Electricity, gas, steam and air conditioning supply")),
    ("E", _("Water supply; sewerage, waste management and remediation")),
    ("F", _("Construction")),
    ("G", _("Wholesale and retail trade; repair of motor vehicles")),
    ("H", _("Transportation and storage")),
    ("I", _("Accommodation and food service activities")),
    ("J", _("Information and communication")),
    ("K", _("Financial and insurance activities")),
    ("L", _("Real estate activities")),
    ("M", _("Professional, scientific and technical activities")),
    ("N", _("Administrative and support service activities")),
    ("O", _("Public administration and defence; compulsory social security")),
    ("P", _("Education")),
    ("Q", _("Human health and social work activities")),
    ("R", _("Arts, entertainment and recreation")),
    ("S", _("Other service activities")),
    ("T", _("Activities of households as employers")),
    ("U", _("Activities of extraterritorial organisations and bodies")),
]


class Organisation(CityScopedModel):
    """A company, non-profit, public body or group taking part in a city."""

    #: what people may edit, in forms, the API and organisation_update()
    EDITABLE_FIELDS = (
        "kind",
        "name",
        "description",
        "registered_office",
        "vat_number",
        "tax_code",
        "siren",
        "nace_section",
        "size_band",
        "website",
        "is_public",
    )

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        THIRD_SECTOR = "third_sector", _("Third-sector body")
        FOUNDATION = "foundation", _("Foundation")
        PUBLIC_BODY = "public_body", _("Public body or city department")
        ASSOCIATION = "association", _("Association")
        UNIVERSITY = "university", _("University")
        INFORMAL_GROUP = "informal_group", _("Informal group")

    class SizeBand(models.TextChoices):
        # EU Recommendation 2003/361/EC, by headcount
        MICRO = "micro", _("Micro (fewer than 10 people)")
        SMALL = "small", _("Small (10–49 people)")
        MEDIUM = "medium", _("Medium (50–249 people)")
        LARGE = "large", _("Large (250 people or more)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    registered_office = models.CharField(
        _("registered office"), max_length=255, blank=True, help_text=_("The address written in agreements.")
    )
    vat_number = models.CharField(_("VAT number"), max_length=16, blank=True)
    tax_code = models.CharField(_("Italian tax code (codice fiscale)"), max_length=16, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    nace_section = models.CharField(_("NACE sector"), max_length=1, choices=NACE_SECTIONS, blank=True)
    size_band = models.CharField(_("size"), max_length=10, choices=SizeBand.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_public = models.BooleanField(_("shown in the public directory"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "name"],
                name="organisation_unique_name",
                violation_error_message=_("Another organisation of the city already has this name."),
            ),
            models.UniqueConstraint(
                fields=["city", "vat_number"],
                condition=~models.Q(vat_number=""),
                name="organisation_unique_vat",
                violation_error_message=_("Another organisation of the city already has this VAT number."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.vat_number and not identifiers.vat_ok(self.vat_number):
            errors["vat_number"] = _("This is not a valid VAT number (check the digits and the country prefix).")
        if self.tax_code and not identifiers.italian_tax_code_ok(self.tax_code):
            errors["tax_code"] = _("This is not a valid Italian tax code.")
        if self.siren and not identifiers.siren_ok(self.siren):
            errors["siren"] = _("This is not a valid SIREN (9 digits with a check digit).")
        if errors:
            raise ValidationError(errors)


class Site(CityScopedModel):
    """A place where an organisation is: office, plant, shop. Resolved to the city's areas."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sites")
    label = models.CharField(_("label"), max_length=120)
    address = models.CharField(_("address"), max_length=255, blank=True)
    lat = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.FloatField(_("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    areas = models.ManyToManyField("cities.Area", blank=True, related_name="sites", verbose_name=_("areas"))

    class Meta:
        ordering = ["organisation", "label"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self):
        return f"{self.organisation} – {self.label}"


class Membership(CityScopedModel):
    """A person belongs to an organisation; a representative acts for it."""

    class Role(models.TextChoices):
        REPRESENTATIVE = "representative", _("Representative")
        MEMBER = "member", _("Member")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        ordering = ["organisation", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                name="membership_unique",
                violation_error_message=_("This person is already a member of the organisation."),
            )
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.role})"


class CityRole(CityScopedModel):
    """What a person may do in one city, beyond what the public may.

    "Organisation representative" is not stored here: it follows from a representative
    Membership of one of the city's organisations (see rules.py).
    """

    class Role(models.TextChoices):
        ADMIN = "admin", _("City administrator")
        OFFICER = "officer", _("City officer")
        VOLUNTEER = "volunteer", _("Volunteer")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="city_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    #: a deactivated role is kept (who held it, for the audit trail) but grants nothing
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["city", "user", "role"]
        verbose_name = _("city role")
        verbose_name_plural = _("city roles")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "user", "role"],
                name="cityrole_unique",
                violation_error_message=_("This person already has this role in the city."),
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} ({self.city})"


class CityInvitation(CityScopedModel):
    """An e-mailed invitation to take a role in a city (the first admin, officers, volunteers).

    Only the SHA-256 of the token is stored; the token itself is in the e-mailed link. Opening
    the link proves the address, so accepting confirms it; an invitation is accepted once, and
    not after ``expires_at``. A new invitation to the same address replaces an open one.
    """

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=CityRole.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    language = models.CharField(_("language of the e-mail"), max_length=8, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["city", "-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} – {self.get_role_display()}"

    def is_open(self, now) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now

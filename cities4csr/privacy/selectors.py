"""A person's data, as they may take it away (GDPR art. 15 and 20): one JSON document.

Only what is about them or what they wrote: their account, e-mail addresses, memberships and
roles, consents, their gifts and volunteering registrations (with their hours), the pledges,
partner answers, evidence, agreements, drafts and collective actions they made, the audit
events they authored and the notifications sent to them. Other people's e-mail addresses and
names in those records are masked."""

import re

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from cities4csr.accounts.selectors import consents_of
from cities4csr.core.models import AuditEvent
from cities4csr.documents.models import Draft
from cities4csr.funds.models import Contribution
from cities4csr.instruments.models import Agreement
from cities4csr.matching.models import CollectiveAction
from cities4csr.organisations.models import CityRole, Membership
from cities4csr.pledges.models import Evidence, Pledge, PledgePartner
from cities4csr.volunteering.models import Registration

EXPORT_FORMAT = "cities4csr-personal-data/1"
EMAIL = re.compile(r"[^@\s\"',;<>()]+@[^@\s\"',;<>()]+\.[A-Za-z]{2,}")
ANOTHER_PERSON = "[another person]"
#: audit events about these objects name a person in their description: masked unless it is the exporter
PERSONAL_OBJECTS = {"organisations.membership", "organisations.cityrole", "accounts.user", "accounts.consent"}


def _when(value):
    return value.isoformat() if value else None


class _Masker:
    """Masks, in text the person wrote or that their records hold, every e-mail address but their
    own and the names of the other people of their cities (members and role holders)."""

    def __init__(self, user, city_ids):
        self.own = user.email.lower()
        User = get_user_model()
        people = (
            User.objects.filter(
                models.Q(memberships__city_id__in=city_ids) | models.Q(city_roles__city_id__in=city_ids)
            )
            .exclude(pk=user.pk)
            .values_list("first_name", "last_name")
            .distinct()
        )
        names = sorted(
            {f"{first.strip()} {last.strip()}" for first, last in people if first.strip() and last.strip()},
            key=len,
            reverse=True,
        )
        self.names = re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE) if names else None

    def __call__(self, value):
        if isinstance(value, str):
            value = EMAIL.sub(lambda m: m.group(0) if m.group(0).lower() == self.own else ANOTHER_PERSON, value)
            return self.names.sub(ANOTHER_PERSON, value) if self.names else value
        if isinstance(value, list):
            return [self(v) for v in value]
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items()}
        return value


def account_export(*, user) -> dict:
    """Everything the platform holds about ``user`` (the person asking: views and the API pass
    ``request.user``, never an id)."""
    memberships = (
        Membership.objects.with_scopes_disabled()
        .filter(user=user)
        .select_related("organisation", "city")
        .order_by("city__slug", "organisation__name")
    )
    roles = CityRole.objects.with_scopes_disabled().filter(user=user).select_related("city").order_by("city__slug")
    own_membership_ids = {str(m.pk) for m in memberships}
    city_ids = {m.city_id for m in memberships} | {r.city_id for r in roles}
    city_ids |= set(AuditEvent.objects.with_scopes_disabled().filter(actor=user).values_list("city_id", flat=True))
    _mask = _Masker(user, city_ids)
    own_role_ids = {str(r.pk) for r in roles}

    def audit_repr(event):
        own_object = (
            (event.object_type == "accounts.user" and event.object_id == str(user.pk))
            or (event.object_type == "organisations.membership" and event.object_id in own_membership_ids)
            or (event.object_type == "organisations.cityrole" and event.object_id in own_role_ids)
            or event.object_type == "accounts.consent"  # only the person gives or withdraws their consent
        )
        if event.object_type in PERSONAL_OBJECTS and not own_object:
            return ANOTHER_PERSON
        return _mask(event.object_repr)

    pledges = (
        Pledge.objects.with_scopes_disabled()
        .filter(created_by=user)
        .select_related("city", "need", "organisation")
        .order_by("created_at", "pk")
    )
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _when(timezone.now()),
        "account": {
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "preferred_language": user.preferred_language,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "is_active": user.is_active,
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in EmailAddress.objects.filter(user=user).order_by("email")
            ],
        },
        "memberships": [
            {
                "city": m.city.slug,
                "organisation": m.organisation.name,
                "organisation_id": m.organisation_id,
                "role": m.role,
                "since": _when(m.created_at),
            }
            for m in memberships
        ],
        "city_roles": [{"city": r.city.slug, "role": r.role, "since": _when(r.created_at)} for r in roles],
        "consents": [
            {
                "city": c.city.slug,
                "purpose": c.purpose,
                "wording": c.wording,
                "language": c.language,
                "given_at": _when(c.created_at),
                "withdrawn_at": _when(c.withdrawn_at),
            }
            for c in consents_of(user=user)
        ],
        "pledges": [
            {
                "id": p.pk,
                "city": p.city.slug,
                "need": p.need.title,
                "organisation": p.organisation.name,
                "state": p.state,
                "message": _mask(p.message),
                "reason": _mask(p.reason),
                "value_cents": p.value_cents,
                "created_at": _when(p.created_at),
            }
            for p in pledges
        ],
        "contributions": [
            {
                "id": c.pk,
                "city": c.city.slug,
                "to": c.target.label,
                "reference": c.reference,
                "state": c.state,
                "channel": c.channel,
                "amount_cents": c.amount_cents,
                "received_cents": c.received_cents,
                "refunded_cents": c.refunded_cents,
                "donor_name": c.donor_name,
                "donor_email": c.donor_email,
                "donor_tax_id": c.donor_tax_id,
                "donor_address": c.donor_address,
                "name_public": c.name_public,
                "created_at": _when(c.created_at),
            }
            for c in Contribution.objects.with_scopes_disabled()
            .filter(user=user)
            .select_related("city", "target")
            .order_by("created_at", "pk")
        ],
        "volunteering_registrations": [
            {
                "id": r.pk,
                "city": r.city.slug,
                "activity": r.slot.activity.title,
                "starts_at": _when(r.slot.starts_at),
                "ends_at": _when(r.slot.ends_at),
                "state": r.state,
                "team": r.team.name if r.team_id else "",
                "company": r.company.name if r.company_id else "",
                "note": _mask(r.note),
                "checked_in_at": _when(r.checked_in_at),
                "checked_out_at": _when(r.checked_out_at),
                "hours": [
                    {"minutes": h.minutes, "state": h.state, "created_at": _when(h.created_at)}
                    for h in sorted(r.hours.all(), key=lambda h: h.pk)
                ],
                "created_at": _when(r.created_at),
            }
            for r in Registration.objects.with_scopes_disabled()
            .filter(user=user)
            .select_related("city", "slot__activity", "team", "company")
            .prefetch_related("hours")
            .order_by("created_at", "pk")
        ],
        "partner_answers": [
            {
                "city": pp.city.slug,
                "pledge_id": pp.pledge_id,
                "organisation": pp.organisation.name,
                "state": pp.state,
                "updated_at": _when(pp.updated_at),
            }
            for pp in PledgePartner.objects.with_scopes_disabled()
            .filter(responded_by=user)
            .select_related("city", "organisation")
            .order_by("updated_at", "pk")
        ],
        "evidence": [
            {
                "city": e.city.slug,
                "pledge_id": e.pledge_id,
                "kind": e.kind,
                "file": e.file.name.rsplit("/", 1)[-1],
                "description": _mask(e.description),
                "volunteer_hours": e.volunteer_hours,
                "uploaded_at": _when(e.created_at),
            }
            for e in Evidence.objects.with_scopes_disabled()
            .filter(uploaded_by=user)
            .select_related("city")
            .order_by("created_at", "pk")
        ],
        "agreements_confirmed": [
            {
                "city": a.city.slug,
                "pledge_id": a.pledge_id,
                "instrument": a.instrument,
                "confirmed_at": _when(a.created_at),
            }
            for a in Agreement.objects.with_scopes_disabled()
            .filter(confirmed_by=user)
            .select_related("city")
            .order_by("created_at", "pk")
        ],
        "drafts": [
            {"city": d.city.slug, "agreement_id": d.agreement_id, "format": d.format, "created_at": _when(d.created_at)}
            for d in Draft.objects.with_scopes_disabled()
            .filter(created_by=user)
            .select_related("city")
            .order_by("created_at", "pk")
        ],
        "collective_actions": [
            {"city": c.city.slug, "need_id": c.need_id, "state": c.state, "created_at": _when(c.created_at)}
            for c in CollectiveAction.objects.with_scopes_disabled()
            .filter(created_by=user)
            .select_related("city")
            .order_by("created_at", "pk")
        ],
        "audit_events": [
            {
                "city": e.city.slug,
                "at": _when(e.created_at),
                "verb": e.verb,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "object": audit_repr(e),
                "details": _mask(e.payload),
            }
            for e in AuditEvent.objects.with_scopes_disabled()
            .filter(actor=user)
            .select_related("city")
            .order_by("created_at", "pk")
        ],
        "notifications": notifications_of(user=user),
    }


def notifications_of(*, user) -> list[dict]:
    """The person's notifications in every city (their inbox: core.Notification)."""
    from cities4csr.core.models import Notification

    return [
        {
            "city": n.city.slug,
            "kind": n.kind,
            "subject": n.subject,
            "message": n.body,
            "link": n.url,
            "sent_at": _when(n.created_at),
            "read_at": _when(n.read_at),
        }
        for n in Notification.objects.with_scopes_disabled()
        .filter(user=user)
        .select_related("city")
        .order_by("created_at", "pk")
    ]

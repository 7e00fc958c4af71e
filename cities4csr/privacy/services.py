"""Erasure of a person's account (GDPR art. 17): their personal data goes, the city's records stay.

The account row is kept and pseudonymised (e-mail, names, password, login); what points at it
(pledges, evidence, agreements, audit events…) keeps pointing at it, so no count, total or audit
row changes. A volunteering registration is detached instead (its person set to NULL): it stays
for the counts and the hours, belonging to nobody. Rows that exist only for the account (its e-mail addresses, tokens) are deleted;
its memberships and city roles are ended, each audited. Then every text column of the database
is swept for the old e-mail address and name. docs/adr/0013-gdpr-erasure-pseudonym.md.
"""

import json
import re
import secrets
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from cities4csr.accounts.services import consents_withdraw_all
from cities4csr.cities.models import City
from cities4csr.core.models import AuditEvent
from cities4csr.core.services import audit_log
from cities4csr.core.text import PSEUDONYM_DOMAIN
from cities4csr.funds.models import BankLine, Contribution
from cities4csr.organisations.models import CityRole, Membership
from cities4csr.organisations.rules import roles_forget
from cities4csr.volunteering.models import Registration
from cities4csr.volunteering.services import registrations_release_person

from .models import Erasure

DELETE, END, KEEP, DETACH = "delete", "end", "keep", "detach"

#: What erasure does with each kind of row pointing at the account ("app.model.field").
#: A test walks every relation to the user model: a new one fails until it is classified here.
USER_RELATIONS = {
    # rows that exist only for the account: deleted
    "account.emailaddress.user": DELETE,
    "core.notification.user": DELETE,  # the person's inbox
    "core.emailoptout.user": DELETE,
    "mfa.authenticator.user": DELETE,  # the second factor of an account that can no longer log in
    "accounts.apikey.owner": DELETE,  # keys act as their owner: none may outlive the account
    "accounts.user_groups.user": DELETE,
    "accounts.user_user_permissions.user": DELETE,
    # ties to a city or an organisation: ended, with an audit row each
    "organisations.membership.user": END,
    "organisations.cityrole.user": END,
    # records of the city and of organisations: kept, pointing at the pseudonymised account
    "accounts.consent.user": KEEP,  # withdrawn; the record of what was agreed stays
    "admin.logentry.user": KEEP,
    "core.auditevent.actor": KEEP,
    "pledges.pledge.created_by": KEEP,
    "pledges.pledgepartner.responded_by": KEEP,
    "pledges.evidence.uploaded_by": KEEP,
    "pledges.evidence.withdrawn_by": KEEP,
    "organisations.cityinvitation.invited_by": KEEP,
    "organisations.cityinvitation.accepted_by": KEEP,
    "instruments.agreement.confirmed_by": KEEP,
    "documents.draft.created_by": KEEP,
    "matching.collectiveaction.created_by": KEEP,
    "privacy.erasure.user": KEEP,
    # a gift stays in the fund's records; its donor's details are blanked (``_erase``)
    "funds.contribution.user": KEEP,
    "funds.contribution.created_by": KEEP,
    "funds.fund.created_by": KEEP,
    "funds.award.created_by": KEEP,
    "funds.disbursement.created_by": KEEP,
    "funds.pagopaflow.imported_by": KEEP,
    "campaigns.campaign.created_by": KEEP,
    # bank statements and reconciliation: the officer who uploaded or decided stays (pseudonymised)
    "funds.statementimport.created_by": KEEP,
    "funds.bankline.decided_by": KEEP,
    # volunteering: a registration and its hours stay, for the counts and the ledger, without the
    # person: the row no longer points at any account (DETACH: set to NULL), its note to the host
    # is emptied, and the sign-ups for slots still to come are cancelled (the places go to the
    # people waiting). What hosts and officers made stays (the account pseudonymised)
    "volunteering.registration.user": DETACH,
    "volunteering.team.captain": KEEP,
    "volunteering.team.created_by": KEEP,
    "volunteering.activity.created_by": KEEP,
    "volunteering.hoursentry.host_approved_by": KEEP,
    "volunteering.hoursentry.company_approved_by": KEEP,
    # results: who wrote, reported and decided an indicator's values stays on the record
    "impact.resultindicator.created_by": KEEP,
    "impact.indicatorupdate.author": KEEP,
    "impact.indicatorupdate.decided_by": KEEP,
    # the secret address of a person's calendar of volunteering: theirs alone
    "volunteering.calendarfeed.user": DELETE,
}


def user_relations():
    """Every relation pointing at the user model, as ("app.model.field", model, field name)."""
    User = get_user_model()
    for rel in User._meta.get_fields(include_hidden=True):
        if rel.is_relation and rel.auto_created and not rel.concrete:
            model = rel.related_model
            yield f"{model._meta.label_lower}.{rel.field.name}", model, rel.field.name


@dataclass(frozen=True)
class Blocker:
    """Why an account cannot be erased yet, and what to do about it."""

    code: str
    message: str


def erasure_blockers(*, user) -> list[Blocker]:
    """What keeps ``user``'s account from being erased now: they are the last representative of
    an organisation, the last administrator of a city, or the last superuser of the site."""
    blockers = []
    represented = (
        Membership.objects.with_scopes_disabled()
        .filter(user=user, role=Membership.Role.REPRESENTATIVE)
        .select_related("organisation", "city")
        .order_by("city__name", "organisation__name")
    )
    for membership in represented:
        others = (
            Membership.objects.with_scopes_disabled()
            .filter(organisation=membership.organisation, role=Membership.Role.REPRESENTATIVE, user__is_active=True)
            .exclude(user=user)
        )
        if not others.exists():
            blockers.append(
                Blocker(
                    "last_representative",
                    _(
                        "You are the only representative of %(organisation)s (%(city)s). Make another member its "
                        "representative first (on the organisation's Members page), or ask the city's officers to, "
                        "then erase your account."
                    )
                    % {"organisation": membership.organisation.name, "city": membership.city.name},
                )
            )
    for role in (
        CityRole.objects.with_scopes_disabled()
        .filter(user=user, role=CityRole.Role.ADMIN, is_active=True)
        .select_related("city")
    ):
        others = (  # a deactivated administrator's role grants nothing (organisations.CityRole.is_active)
            CityRole.objects.with_scopes_disabled()
            .filter(city=role.city, role=CityRole.Role.ADMIN, is_active=True, user__is_active=True)
            .exclude(user=user)
        )
        if not others.exists():
            blockers.append(
                Blocker(
                    "last_city_admin",
                    _(
                        "You are the only administrator of %(city)s. Ask for another administrator to be appointed "
                        "first, then erase your account."
                    )
                    % {"city": role.city.name},
                )
            )
    if (
        user.is_superuser
        and not get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk).exists()
    ):
        blockers.append(
            Blocker(
                "last_superuser",
                _("You are the site's only superuser. Make another person a superuser first, then erase your account."),
            )
        )
    return blockers


def cities_of(*, user) -> list[City]:
    """The cities ``user``'s account is tied to: roles, memberships, consents, or anything they did
    (every write is audited)."""
    ids = set(CityRole.objects.with_scopes_disabled().filter(user=user).values_list("city_id", flat=True))
    ids |= set(Membership.objects.with_scopes_disabled().filter(user=user).values_list("city_id", flat=True))
    Consent = apps.get_model("accounts", "Consent")
    ids |= set(Consent.objects.with_scopes_disabled().filter(user=user).values_list("city_id", flat=True))
    ids |= set(AuditEvent.objects.with_scopes_disabled().filter(actor=user).values_list("city_id", flat=True))
    return list(City.objects.filter(pk__in=ids).order_by("name"))


def account_name_update(*, actor, user, first_name: str, last_name: str):
    """The person corrects their own name (GDPR art. 16), audited in each city their account is
    tied to. The name is what a consent to be shown publicly shows."""
    if actor is None or not actor.is_authenticated or actor.pk != user.pk:
        raise PermissionDenied("privacy.change_name")
    first_name, last_name = first_name.strip(), last_name.strip()
    User = get_user_model()
    limit = User._meta.get_field("first_name").max_length
    if len(first_name) > limit or len(last_name) > User._meta.get_field("last_name").max_length:
        raise ValidationError(_("This name is too long."), code="too_long")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if (user.first_name, user.last_name) == (first_name, last_name):
            return user
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])
        for city in cities_of(user=user):
            audit_log(actor=actor, city=city, verb="account.name_update", obj=user, payload={})
    return user


def account_erase(*, actor, user, password: str) -> Erasure:
    """The person erases their own account, confirming with their password.

    Nobody erases another person's account this way, whatever their role: an officer or an
    administrator is refused (PermissionDenied). A wrong password or a blocker refuses with a
    ValidationError (codes ``wrong_password``, ``last_representative``, ``last_city_admin``,
    ``last_superuser``) and writes nothing."""
    if actor is None or not actor.is_authenticated or actor.pk != user.pk:
        raise PermissionDenied("privacy.erase_account")
    if not password or not user.check_password(password):
        raise ValidationError(
            {"password": ValidationError(_("This is not your password: nothing was erased."), code="wrong_password")}
        )
    return _erase(actor=actor, user=user, reason=Erasure.Reason.REQUEST)


def account_erase_for_retention(*, user, reason: str) -> Erasure | None:
    """The system erases an account whose retention period has passed (cities4csr.privacy.retention).
    Returns None, erasing nothing, when a blocker keeps the account."""
    if erasure_blockers(user=user):
        return None
    return _erase(actor=None, user=user, reason=reason)


def _erase(*, actor, user, reason: str) -> Erasure:
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active and Erasure.objects.filter(user=user).exists():
            raise ValidationError(_("This account has already been erased."), code="already")
        blockers = erasure_blockers(user=user)
        if blockers:
            raise ValidationError([ValidationError(b.message, code=b.code) for b in blockers])
        old_email, old_name = user.email, " ".join(p for p in (user.first_name, user.last_name) if p.strip())
        cities = cities_of(user=user)
        pseudonym = _new_pseudonym()
        new_email = f"{pseudonym}@{PSEUDONYM_DOMAIN}"

        # the account itself first, so that the audit rows below name the pseudonym
        user.email = new_email
        user.first_name = user.last_name = ""
        user.preferred_language = ""
        user.is_active = user.is_staff = user.is_superuser = False
        user.set_unusable_password()  # also ends every session: their hash no longer matches
        user.save()
        acting = user if actor is not None else None

        for membership in (
            Membership.objects.with_scopes_disabled().filter(user=user).select_related("organisation", "city")
        ).order_by("pk"):
            audit_log(
                actor=acting,
                city=membership.city,
                verb="membership.end",
                obj=membership,
                payload={"user": new_email, "role": membership.role, "reason": "erasure"},
            )
            membership.delete()
        for role in CityRole.objects.with_scopes_disabled().filter(user=user).select_related("city").order_by("pk"):
            audit_log(
                actor=acting,
                city=role.city,
                verb="role.revoke",
                obj=role,
                payload={"user": new_email, "role": role.role, "reason": "erasure"},
            )
            role.delete()
        consents_withdraw_all(actor=acting, user=user, cities=cities)
        # a person who will not come gives their places back, then their registrations stay
        # anonymous (counts and hours), without their note to the host
        registrations_release_person(user=user)
        Registration.objects.with_scopes_disabled().filter(user=user).update(note="")
        for label, model, field in user_relations():
            if USER_RELATIONS.get(label) == DELETE:
                model._base_manager.filter(**{field: user}).delete()
            elif USER_RELATIONS.get(label) == DETACH:
                model._base_manager.filter(**{field: user}).update(**{field: None})
        roles_forget(user)
        # the person's gifts keep their amounts and their ledger movements (which hold no personal
        # data, ADR 0027); who gave becomes the pseudonym, and no name is shown any more
        Contribution.objects.with_scopes_disabled().filter(user=user).update(
            donor_name=pseudonym, donor_email=new_email, donor_tax_id="", donor_address="", name_public=False
        )
        # the bank lines that paid those gifts keep their amounts and dates; the payer's name and
        # the transfer's words (which may name them) go
        BankLine.objects.with_scopes_disabled().filter(contribution__user=user).update(
            debtor_name="", remittance="", end_to_end_id=""
        )

        replacements = [(old_email, new_email)]
        if old_name:
            replacements.append((old_name, pseudonym))
        personal_text_sweep(replacements=replacements)

        for city in cities:
            audit_log(actor=acting, city=city, verb="account.erase", obj=user, payload={"reason": reason})
        return Erasure.objects.create(user=user, pseudonym=pseudonym, reason=reason, cities=[c.slug for c in cities])


def _new_pseudonym() -> str:
    while True:
        pseudonym = f"erased-{secrets.token_hex(5)}"
        if not Erasure.objects.filter(pseudonym=pseudonym).exists():
            return pseudonym


TEXT_FIELDS = (models.CharField, models.TextField)  # EmailField, SlugField, URLField are CharFields


def personal_text_sweep(*, replacements: list[tuple[str, str]]) -> int:
    """Replace each ``old`` by its ``new`` (case-insensitively) in every text and JSON column of
    every model: audit payloads and descriptions, messages, free text, task arguments…
    Returns how many values were changed. Inside the caller's transaction."""
    needles = [old for old, _new in replacements if old]
    if not needles:
        return 0
    patterns = [(re.compile(re.escape(old), re.IGNORECASE), new) for old, new in replacements if old]
    changed = 0
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        for field in meta.local_concrete_fields:
            if isinstance(field, models.JSONField):
                column = f"_sweep_{field.attname}"
                condition = models.Q()
                for old in needles:
                    # SQLite stores JSON with non-ASCII characters escaped (\u00e9): search both forms
                    for form in {old, json.dumps(old)[1:-1]}:
                        condition |= models.Q(**{f"{column}__icontains": form})
                rows = model._base_manager.annotate(**{column: Cast(field.attname, models.TextField())}).filter(
                    condition
                )
            elif isinstance(field, TEXT_FIELDS) and not field.choices:
                condition = models.Q()
                for old in needles:
                    condition |= models.Q(**{f"{field.attname}__icontains": old})
                rows = model._base_manager.filter(condition)
            else:
                continue
            for pk, value in rows.order_by("pk").values_list("pk", field.attname):
                new_value = _replace(value, patterns)
                if isinstance(new_value, str) and field.max_length:
                    new_value = new_value[: field.max_length]
                if new_value != value:
                    model._base_manager.filter(pk=pk).update(**{field.attname: new_value})
                    changed += 1
    return changed


def _replace(value, patterns):
    if isinstance(value, str):
        for pattern, new in patterns:
            value = pattern.sub(new, value)
        return value
    if isinstance(value, list):
        return [_replace(v, patterns) for v in value]
    if isinstance(value, dict):
        return {_replace(k, patterns): _replace(v, patterns) for k, v in value.items()}
    return value

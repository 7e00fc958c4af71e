from allauth.account.models import EmailAddress

from .models import User


def user_by_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def email_verified(*, user) -> bool:
    """Has ``user`` confirmed their account's e-mail address (allauth's confirmation link)?"""
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def consents_of(*, user, city=None):
    """``user``'s consents, standing and withdrawn, newest first (in ``city`` or in every city)."""
    from .models import Consent

    rows = Consent.objects.with_scopes_disabled().filter(user=user).select_related("city")
    if city is not None:
        rows = rows.filter(city=city)
    return rows.order_by("city__name", "purpose", "-created_at", "-id")


def consenting_users(*, city, purpose: str, users) -> set[int]:
    """The ids of those among ``users`` who have a standing consent to ``purpose`` in ``city``:
    every public display of a person's name asks this first."""
    from .models import Consent

    return set(
        Consent.objects.with_scope(city=city.pk)
        .filter(user__in=users, purpose=purpose, withdrawn_at__isnull=True, user__is_active=True)
        .values_list("user_id", flat=True)
    )


def public_name(*, user) -> str:
    """The name a person may be shown by publicly (after consent): first and last name, never the
    e-mail address; empty when they gave none."""
    return " ".join(part for part in (user.first_name.strip(), user.last_name.strip()) if part)

from allauth.account.models import EmailAddress

from .models import User


def user_by_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def email_verified(*, user) -> bool:
    """Has ``user`` confirmed their account's e-mail address (allauth's confirmation link)?"""
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()

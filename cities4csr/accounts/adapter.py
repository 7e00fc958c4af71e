"""allauth's adapter: its messages in the platform's words where they say what to do next."""

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # the lockout (settings.ACCOUNT_RATE_LIMITS["login_failed"]): the owner's way out is the
        # password reset, which lifts it
        "too_many_login_attempts": _(
            "Too many failed login attempts for this account or from this address: logging in is "
            "blocked for a while, even with the right password. Try again later, or reset your "
            "password by e-mail to log in now."
        ),
    }

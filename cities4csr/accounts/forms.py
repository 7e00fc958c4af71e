"""The Django admin's login, limited as the site's login is."""

from allauth.account.adapter import get_adapter
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class AdminLoginForm(AdminAuthenticationForm):
    """Authenticates through allauth's adapter, so that the admin's failed logins count on the
    same limits, per address and per account, as the site's (settings.ACCOUNT_RATE_LIMITS), and a
    locked account is refused here too, even with the right password."""

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is not None and password:
            # "email", as allauth's own login form says it: the same count for the same account
            self.user_cache = get_adapter(self.request).authenticate(self.request, email=email, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        # this form asks for no second factor: whoever turned one on logs in on the site's login
        # page, which does (allauth.mfa), and then opens the admin
        if is_mfa_enabled(user):
            raise ValidationError(
                _(
                    "Two-factor authentication is on for this account: log in on the site's login page, then open the admin."
                ),
                code="mfa_required",
            )

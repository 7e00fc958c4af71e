"""The Django admin's login, limited as the site's login is."""

from allauth.account.adapter import get_adapter
from django.contrib.admin.forms import AdminAuthenticationForm


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

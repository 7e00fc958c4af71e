"""After logging in, a person lands on their home: their city, in their language, on their
workspace (selectors.landing_url), unless the login was given a safe ``next`` (allauth checks it
with the adapter's ``is_safe_url``: another host is refused).

A ``next`` that is a front page is not a destination: the header's "Log in" link carries the page
it was clicked on, and from the network's or a city's front page the person means "take me to my
home" (in that city, in the language they were reading). Someone with no part in that city stays on
its front page."""

from allauth.account.utils import get_next_redirect_url
from django.utils.translation import get_language

from cities4csr.accounts.adapter import AccountAdapter

from .selectors import front_page, landing_url


class LandingAccountAdapter(AccountAdapter):
    def get_login_redirect_url(self, request):
        return landing_url(user=request.user, reading=get_language() or "")

    def post_login(self, request, user, *, redirect_url=None, **kwargs):
        target = redirect_url or get_next_redirect_url(request)
        if target and not callable(target):
            is_front, city_slug, language = front_page(target)
            if is_front:
                redirect_url = landing_url(user=user, city_slug=city_slug, reading=language) or target
        return super().post_login(request, user, redirect_url=redirect_url, **kwargs)

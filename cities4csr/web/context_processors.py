from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

from cities4csr.core.selectors import notifications_unread_count
from cities4csr.homes.selectors import homes_in_city
from cities4csr.organisations.rules import city_roles


def site(request):
    """Language links for the switcher and the active city (if the URL names one)."""
    path = request.get_full_path()
    current = get_language()
    names = {"it": "Italiano", "en": "English", "fr": "Français"}
    links = [
        {"code": code, "name": names.get(code, code), "url": translate_url(path, code), "active": code == current}
        for code, _label in settings.LANGUAGES
    ]
    city = getattr(request, "city", None)
    user = getattr(request, "user", None)
    roles = city_roles(user, city) if city is not None and user is not None else set()
    unread = notifications_unread_count(user=user, city=city) if city is not None and user is not None else 0
    # the person's workspaces in this city, for the navigation (officer, admin, company, partner…)
    homes = homes_in_city(user=user, city=city)[0] if city is not None and user is not None else []
    return {
        "language_links": links,
        "city": city,
        "user_roles": roles,
        "my_homes": homes,
        "unread_notifications": unread,
    }

"""The cookies the site sets, read from the settings that name them and set their lives, so
that the cookie notice stays true when a deployment changes them. All are technical: none
tracks, profiles or measures, and none is set by a third party. A test walks the site and
checks that no other cookie is ever set."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class SiteCookie:
    name: str
    purpose: str
    duration: str
    when: str


def duration(seconds: int) -> str:
    if seconds % 86400 == 0 or seconds >= 7 * 86400:
        days = round(seconds / 86400)
        if days % 365 == 0 or days >= 360:
            years = max(1, round(days / 365))
            return ngettext("%(n)d year", "%(n)d years", years) % {"n": years}
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    minutes = max(1, seconds // 60)
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def site_cookies() -> list[SiteCookie]:
    idle = getattr(settings, "SESSION_IDLE_TIMEOUT", 0)
    session_duration = duration(settings.SESSION_COOKIE_AGE)
    if idle:
        session_duration = _("%(age)s at most; it ends after %(idle)s without activity") % {
            "age": session_duration,
            "idle": duration(idle * 60),
        }
    return [
        SiteCookie(
            name=settings.SESSION_COOKIE_NAME,
            purpose=_("Keeps you logged in from one page to the next."),
            duration=session_duration,
            when=_("When you log in."),
        ),
        SiteCookie(
            name=settings.CSRF_COOKIE_NAME,
            purpose=_("Protects the site's forms from being sent by another site in your name (security)."),
            duration=duration(settings.CSRF_COOKIE_AGE)
            if settings.CSRF_COOKIE_AGE
            else _("until you close the browser"),
            when=_("When a page with a form is shown."),
        ),
        SiteCookie(
            name=getattr(settings, "MESSAGE_COOKIE_NAME", "messages"),
            purpose=_('Carries a short message to the next page (such as "Changes saved."); removed once shown.'),
            duration=_("until the message is shown, at most until you close the browser"),
            when=_("After you send a form."),
        ),
    ]

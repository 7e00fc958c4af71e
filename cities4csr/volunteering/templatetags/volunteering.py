"""Volunteering in templates: an activity's text in the reader's language, hours written in
their words, and the panel on a need's page (``{% load volunteering %}{% need_activities need %}``:
the needs app sits below volunteering and imports nothing of it; its template loads this tag by
name, as it does the campaigns' panel)."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import ngettext

from cities4csr.volunteering.selectors import need_activities as _need_activities

register = template.Library()


@register.filter
def texts(activity, name: str) -> dict:
    """{language: text} of one field of ``activity.translations`` ({"en": {"title": …}})."""
    return {
        language: fields.get(name, "")
        for language, fields in (activity.translations or {}).items()
        if isinstance(fields, dict)
    }


@register.filter
def hours(minutes) -> str:
    """Minutes as hours in the reader's words: "3 ore", "1,5 heures", "2 hours"."""
    minutes = int(minutes or 0)
    value = round(minutes / 60, 1)
    whole = value == int(value)
    shown = number_format(int(value) if whole else value, decimal_pos=0 if whole else 1, force_grouping=True)
    return ngettext("%(hours)s hour", "%(hours)s hours", 1 if value == 1 else 2) % {"hours": shown}


@register.filter
def places(n) -> str:
    n = int(n or 0)
    return ngettext("%(n)s place left", "%(n)s places left", n) % {"n": number_format(n, force_grouping=True)}


@register.inclusion_tag("volunteering/includes/need_panel.html", takes_context=True)
def need_activities(context, need):
    city = context.get("city")
    activities = _need_activities(city=city, need=need) if city is not None else []
    return {"activities": activities, "city": city}

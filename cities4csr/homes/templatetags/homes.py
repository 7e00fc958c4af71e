"""Numbers and names on the homes: numbers as the reader's language writes them (the project's
formatter), the names of the pipeline's stages, of recent events, of next steps and of homes."""

from django import template
from django.utils.translation import gettext_lazy as _

from cities4csr.core.money import active_locale, quantity_input

register = template.Library()

STAGES = {
    "published": _("Published"),
    "pledged": _("Pledged"),
    "delivered": _("Delivered"),
    "verified": _("Verified"),
}

ACTIVITY = {
    "pledge.propose": _("Pledge made"),
    "pledge.accept": _("Pledge accepted"),
    "pledge.mark_delivered": _("Delivery reported"),
    "pledge.verify": _("Delivery verified"),
    "need.publish": _("Need published"),
}

NEXT_STEPS = {
    "city_accepts": _("The city reviews the pledge"),
    "agreement": _("The agreement with the city is prepared"),
    "deliver": _("Start the delivery"),
    "mark_delivered": _("Report the delivery, with evidence"),
    "city_verifies": _("The city verifies the delivery"),
    "done": _("Nothing: delivered and verified"),
    "none": _("Nothing: closed"),
}

HOMES = {
    "officer": _("Officer workspace"),
    "admin": _("City administration"),
    "company": _("Company workspace"),
    "partner": _("Our proposals"),
    "volunteer": _("Volunteering"),
    None: _("City home"),
}


@register.filter
def num(value) -> str:
    """12345 -> "12.345" on an Italian page, "12,345" on an English one, "12 345" on a French one."""
    if value in (None, ""):
        return ""
    return quantity_input(int(value), locale=active_locale())


@register.filter
def stage_label(key):
    return STAGES.get(key, key)


@register.filter
def activity_label(verb):
    return ACTIVITY.get(verb, verb)


@register.filter
def next_step_label(key):
    return NEXT_STEPS.get(key, key)


@register.filter
def home_label(key):
    return HOMES.get(key or None, key)

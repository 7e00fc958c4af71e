"""A registration's QR code on a page: ``{% load volunteering_qr %}`` then
``{% registration_qr registration %}`` (an ``<img>`` with its alt text; the request from the
context makes the address absolute)."""

from django import template

from ..qr import registration_qr_alt, registration_qr_data_uri

register = template.Library()


@register.inclusion_tag("volunteering/includes/registration_qr.html", takes_context=True)
def registration_qr(context, registration):
    return {"src": registration_qr_data_uri(context["request"], registration), "alt": registration_qr_alt(registration)}

"""The QR code of a registration: the address of the host's check-in page for it, which the host
scans with a phone on the day. Drawn as SVG by segno and shown as ``<img src="data:…">`` with
alt text (as the funds draw their EPC code): no inline markup, nothing marked safe."""

import segno
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Registration


def registration_checkin_url(request, registration: Registration) -> str:
    """The absolute address of the host's check-in page of ``registration``."""
    path = reverse("volunteering_checkin", kwargs={"city_slug": registration.city.slug, "token": registration.token})
    return request.build_absolute_uri(path)


def registration_qr_data_uri(request, registration: Registration) -> str:
    """A ``data:image/svg+xml`` URI of the QR code of ``registration``'s check-in address, for an
    ``<img src>`` (with ``registration_qr_alt`` as its ``alt``)."""
    code = segno.make_qr(registration_checkin_url(request, registration), error="m")
    return code.svg_data_uri(scale=6, border=4, dark="#000", light="#fff")


def registration_qr_alt(registration: Registration) -> str:
    return _("QR code of your registration: show it to the host when you arrive")

"""Explanations in the reader's language, rendered at read time from the stored components."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DEPRIVED = 0.66  # deprivation rank from which an area counts as "more deprived"


def distance_label(metres: int) -> str:
    if metres < 1000:
        return _("%(metres)s m") % {"metres": int(round(metres, -1))}
    return _("%(km)s km") % {"km": number_format(round(metres / 1000, 1), 1, use_l10n=True)}


def explain(components: dict, *, sites: dict, reader: str = "company") -> list[str]:
    """Short reasons, most telling first. ``reader`` is "company" (your…) or "city" (their…)."""
    c = components
    yours = reader == "company"
    parts = []
    shared = c.get("shared_themes") or 0
    if shared:
        parts.append(
            ngettext("%(n)s of your themes", "%(n)s of your themes", shared) % {"n": shared}
            if yours
            else ngettext("%(n)s shared theme", "%(n)s shared themes", shared) % {"n": shared}
        )
    site = sites.get(c.get("site"))
    if site is not None and c.get("distance_m") is not None:
        values = {"site": site.label, "distance": distance_label(c["distance_m"])}
        parts.append(
            (
                _("your site “%(site)s” is %(distance)s away")
                if yours
                else _("their site “%(site)s” is %(distance)s away")
            )
            % values
        )
    if c.get("preferred_area"):
        parts.append(_("in one of your preferred neighbourhoods") if yours else _("in a neighbourhood they prefer"))
    coverage = c.get("coverage") or 0
    if coverage > 0:
        percent = max(1, round(coverage * 100))
        parts.append(_("covers %(percent)s%% of the missing €") % {"percent": percent})
    if c.get("priority"):
        parts.append(_("in a target area of the city's action plan"))
    elif (c.get("deprivation") or 0) >= DEPRIVED:
        parts.append(_("in one of the city's more deprived neighbourhoods"))
    if (c.get("timing") or 0) < 0.5:
        parts.append(_("the dates only partly fit"))
    return parts

"""Address search through the geocoder a city configures (a Nominatim-compatible /search).

Off unless the city's policy names ``geocoder_url``. The server asks, never the browser: the
page's Content-Security-Policy stays 'self', the reader's address search is not sent to a third
party with their cookies, and the answers are cached (Nominatim's usage policy asks for it).
A slow or failing geocoder gives a message in the reader's language, never a stack trace.
"""

from __future__ import annotations

import hashlib
import json
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.core.cache import cache
from django.utils.translation import gettext as _

#: seconds the server waits for the geocoder: a person is waiting for the answer
TIMEOUT = 4
RESULTS = 5


class GeocoderError(Exception):
    """The geocoder is off, slow or broken; ``str(exc)`` is a message for the reader."""


def geocoder_enabled(city) -> bool:
    return bool(city.settings.geocoder_url)


def geocode(*, city, q: str, language: str, bounds: list[list[float]] | None = None) -> list[dict]:
    """Up to five places matching an address, inside the city's bounds when known:
    [{"label": …, "lat": …, "lon": …}]."""
    base = city.settings.geocoder_url
    if not base:
        raise GeocoderError(_("This city has no address search. Place the pin on the map or search a known place."))
    q = " ".join(q.split())[:200]
    if len(q) < 3:
        raise GeocoderError(_("Type at least three characters of the address."))
    params = {"q": q, "format": "jsonv2", "limit": RESULTS, "accept-language": language}
    if bounds:
        (south, west), (north, east) = bounds
        params.update(viewbox=f"{west},{north},{east},{south}", bounded=1)
    url = base.rstrip("/") + "/search?" + urlencode(params)
    key = "geocode:" + hashlib.sha256(url.encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    request = Request(url, headers={"User-Agent": f"Cities4CSR ({city.slug})", "Accept": "application/json"})  # noqa: S310 - https only (policy)
    try:
        with urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - https only (policy)
            rows = json.loads(response.read(1_000_000))
    except TimeoutError:
        raise GeocoderError(
            _("The address search did not answer in time. Try again, or place the pin on the map.")
        ) from None
    except URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise GeocoderError(
                _("The address search did not answer in time. Try again, or place the pin on the map.")
            ) from None
        raise GeocoderError(_("The address search is not available now. Place the pin on the map instead.")) from None
    except (OSError, ValueError):
        raise GeocoderError(_("The address search is not available now. Place the pin on the map instead.")) from None
    results = []
    for row in rows if isinstance(rows, list) else []:
        try:
            results.append(
                {"label": str(row["display_name"])[:300], "lat": float(row["lat"]), "lon": float(row["lon"])}
            )
        except (KeyError, TypeError, ValueError):
            continue
    cache.set(key, results, timeout=24 * 3600)
    return results

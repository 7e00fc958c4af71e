"""Per-city policy: rules that differ between cities are data on the City, not settings.

Pure Python. ``CityPolicy.from_data`` validates the JSON stored on ``City.policy``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, fields

ACCESSIBILITY_STATUSES = ("compliant", "partially_compliant", "non_compliant")
LOCAL_AUTHORITIES = ("", "epci")


@dataclass(frozen=True)
class CityPolicy:
    #: area kind shown first on the map and used to locate needs (e.g. "nil", "quartier")
    primary_area_kind: str = ""
    #: area kind one level up (e.g. "municipio", "commune")
    district_area_kind: str = ""
    #: indicator shaded on the home map by default
    default_indicator: str = ""
    #: optional map tile URL template for online deployments; empty = polygons only
    map_tile_url: str = ""
    map_tile_attribution: str = ""
    #: the base URL of a Nominatim-compatible geocoder (its /search answers address searches on
    #: the location picker, queried by the server); empty = no address search
    geocoder_url: str = ""
    #: shown under the address search's results, as the geocoder's terms ask (e.g. "© OpenStreetMap")
    geocoder_attribution: str = ""
    #: activities the city excludes from sponsorship (codes of instruments/packs/common.yaml);
    #: empty = the country's rule pack default (e.g. Milan's guidelines)
    sponsor_exclusions: list = field(default_factory=list)
    #: matching weights and shapes over the defaults (docs/adr/0008-matching-model.md), e.g.
    #: {"theme": 0.3, "resource": 0.3, "proximity": 0.2, "timing": 0.05, "equity": 0.15}
    matching: dict = field(default_factory=dict)
    #: the accessibility statement (AgID's model): where people report an accessibility problem
    #: (the feedback mechanism), the conformity status the city declares, the statement's date
    #: (ISO), and the address of the statement the city filed on form.agid.gov.it, if any
    accessibility_email: str = ""
    accessibility_status: str = "partially_compliant"
    accessibility_statement_date: str = ""
    accessibility_agid_url: str = ""
    #: the kind of local authority, where it changes who approves a gift or agreement in the rule
    #: packs: "" for a municipality, "epci" for a French intercommunal body such as Nantes Métropole
    #: (its council or, by delegation, its president: CGCT L5211-10)
    local_authority: str = ""
    #: pagoPA, for an Italian city (ADR 0028): ``enabled``, the ente's ``tax_code``, the
    #: ``aux_digit`` (3, or legacy 0), the ``segregation_code`` (aux 3) or ``application_code``
    #: (aux 0) its intermediary assigned, an optional ``iuv_prefix`` of the range the
    #: intermediary left to the platform, and the ``intermediary``'s name. Checked by the pagoPA
    #: module's own rules (cities4csr.funds.pagopa, pure).
    pagopa: dict = field(default_factory=dict)
    #: the city's own tax identifier, printed as the beneficiary's on donation receipts: the
    #: codice fiscale of an Italian Comune (11 digits), the SIREN of a French commune (9 digits)
    tax_code: str = ""
    #: volunteering (ADR 0033): how hours are approved, ``hours_approval`` "manual" (the host and
    #: the company each approve), "automatic" (approved at check-out) or "automatic_under" (at
    #: check-out when under ``auto_max_hours``); the city's default value of an hour of volunteer
    #: time in cents, ``hour_rate_cents``, used when a company declared no hourly cost, and
    #: ``rate_source``, the document it comes from (B4SI values time at cost)
    volunteering: dict = field(default_factory=dict)
    #: open data (ADR 0037): ``prefix``, the city's 360Giving publisher prefix of grant ids
    #: (default "360G-cities4csr-<slug>"); ``licence``, the code of the licence of its datasets
    #: (one of ``OPEN_LICENCES``, default "CC-BY-4.0"); ``attribution``, the words users must
    #: credit; ``publisher_id``, the publisher's identifier in the catalogue (an Italian city's
    #: IPA code, e.g. "c_f205" for Milan; a French city's SIREN)
    opendata: dict = field(default_factory=dict)
    #: the equity lens (ADR 0035): ``population_indicator``, the key of the indicator counting
    #: residents ("population"); ``high_need_rank``, the deprivation rank (0 … 1) from which an
    #: area counts as high-need (0.75); ``indicators``, the need indicators shown beside the
    #: figures (default: every indicator of the areas but the population)
    equity: dict = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: dict | None) -> CityPolicy:
        data = dict(data or {})
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ValueError(f"unknown policy keys: {', '.join(unknown)}")
        for key, value in data.items():
            expected = type(getattr(cls(), key))
            if not isinstance(value, expected):
                raise ValueError(f"policy {key!r} must be a {expected.__name__}")
        if "map_tile_url" in data and data["map_tile_url"] and not data["map_tile_url"].startswith("https://"):
            raise ValueError("policy 'map_tile_url' must be an https:// URL template")
        if data.get("geocoder_url") and not data["geocoder_url"].startswith("https://"):
            raise ValueError("policy 'geocoder_url' must be an https:// URL")
        if data.get("accessibility_email") and not re.fullmatch(
            r"[^@\s]+@[^@\s]+\.[^@\s]+", data["accessibility_email"]
        ):
            raise ValueError("policy 'accessibility_email' must be an e-mail address")
        if "accessibility_status" in data and data["accessibility_status"] not in ACCESSIBILITY_STATUSES:
            raise ValueError(f"policy 'accessibility_status' must be one of {', '.join(ACCESSIBILITY_STATUSES)}")
        if data.get("accessibility_statement_date"):
            try:
                datetime.date.fromisoformat(data["accessibility_statement_date"])
            except ValueError:
                raise ValueError("policy 'accessibility_statement_date' must be a date, YYYY-MM-DD") from None
        if data.get("accessibility_agid_url") and not data["accessibility_agid_url"].startswith(
            "https://form.agid.gov.it/"
        ):
            raise ValueError("policy 'accessibility_agid_url' must be a https://form.agid.gov.it/ address")
        if data.get("local_authority", "") not in LOCAL_AUTHORITIES:
            raise ValueError(f"policy 'local_authority' must be one of {', '.join(LOCAL_AUTHORITIES)}")
        if data.get("tax_code") and not re.fullmatch(r"[A-Z0-9]{5,20}", data["tax_code"]):
            raise ValueError("policy 'tax_code' must be letters and digits, without spaces")
        exclusions = data.get("sponsor_exclusions", [])
        if not all(isinstance(code, str) and code.replace("_", "").isalpha() and code.islower() for code in exclusions):
            raise ValueError("policy 'sponsor_exclusions' must list codes such as 'tobacco' or 'spirits'")
        if data.get("matching"):
            from cities4csr.matching.engine.scoring import Weights  # pure, like this module

            Weights.from_data(data["matching"])
        if data.get("pagopa"):
            pagopa_settings_check(data["pagopa"])
        if data.get("volunteering"):
            volunteering_settings_check(data["volunteering"])
        if data.get("opendata"):
            opendata_settings_check(data["opendata"])
        if data.get("equity"):
            equity_settings_check(data["equity"])
        return cls(**data)

    @property
    def hours_approval(self) -> str:
        return self.volunteering.get("hours_approval", "manual")


#: the licences a city may publish its open data under: code -> (the EU licence vocabulary's
#: URI, which DCAT-AP asks for, and the licence's own page, which 360Giving's package asks for)
OPEN_LICENCES = {
    "CC-BY-4.0": (
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC-BY-SA-4.0": (
        "http://publications.europa.eu/resource/authority/licence/CC_BYSA_4_0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "CC0-1.0": (
        "http://publications.europa.eu/resource/authority/licence/CC0",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    "IODL-2.0": (
        "http://publications.europa.eu/resource/authority/licence/IODL_2_0",
        "https://www.dati.gov.it/iodl/2.0/",
    ),
    "ODC-BY-1.0": (
        "http://publications.europa.eu/resource/authority/licence/ODC_BY",
        "https://opendatacommons.org/licenses/by/1-0/",
    ),
    "Etalab-2.0": (
        "http://publications.europa.eu/resource/authority/licence/OP_DATPRO",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    ),
}
DEFAULT_OPEN_LICENCE = "CC-BY-4.0"
OPENDATA_KEYS = {"prefix": str, "licence": str, "attribution": str, "publisher_id": str}


def opendata_settings_check(data: dict) -> None:
    """Raise ``ValueError`` naming the first wrong key of a city's open-data settings."""
    for key, value in data.items():
        if key not in OPENDATA_KEYS:
            raise ValueError(f"unknown open data key: {key}")
        if not isinstance(value, OPENDATA_KEYS[key]):
            raise ValueError(f"open data {key!r} must be a {OPENDATA_KEYS[key].__name__}")
    if data.get("prefix") and not re.fullmatch(r"360G-[A-Za-z0-9-]{1,60}", data["prefix"]):
        raise ValueError("open data 'prefix' must be a 360Giving prefix such as '360G-milano' (letters, digits, -)")
    if data.get("licence") and data["licence"] not in OPEN_LICENCES:
        raise ValueError(f"open data 'licence' must be one of {', '.join(OPEN_LICENCES)}")
    if data.get("publisher_id") and not re.fullmatch(r"[A-Za-z0-9_.-]{2,40}", data["publisher_id"]):
        raise ValueError("open data 'publisher_id' must be letters, digits, '_', '.' or '-'")


EQUITY_KEYS = {"population_indicator": str, "high_need_rank": (int, float), "indicators": list}


def equity_settings_check(data: dict) -> None:
    """Raise ``ValueError`` naming the first wrong key of a city's equity settings."""
    for key, value in data.items():
        if key not in EQUITY_KEYS:
            raise ValueError(f"unknown equity key: {key}")
        if not isinstance(value, EQUITY_KEYS[key]) or isinstance(value, bool):
            raise ValueError(f"equity {key!r} has the wrong type")
    if not 0 <= data.get("high_need_rank", 0.75) <= 1:
        raise ValueError("equity 'high_need_rank' must be between 0 and 1")
    if not all(isinstance(key, str) and key for key in data.get("indicators", [])):
        raise ValueError("equity 'indicators' must list indicator keys")


HOURS_APPROVAL = ("manual", "automatic", "automatic_under")
VOLUNTEERING_KEYS = {"hours_approval": str, "auto_max_hours": int, "hour_rate_cents": int, "rate_source": str}


def volunteering_settings_check(data: dict) -> None:
    """Raise ``ValueError`` naming the first wrong key of a city's volunteering settings."""
    for key, value in data.items():
        if key not in VOLUNTEERING_KEYS:
            raise ValueError(f"unknown volunteering key: {key}")
        if not isinstance(value, VOLUNTEERING_KEYS[key]) or isinstance(value, bool):
            raise ValueError(f"volunteering {key!r} must be a {VOLUNTEERING_KEYS[key].__name__}")
    if data.get("hours_approval", "manual") not in HOURS_APPROVAL:
        raise ValueError(f"volunteering 'hours_approval' must be one of {', '.join(HOURS_APPROVAL)}")
    if data.get("hours_approval") == "automatic_under" and data.get("auto_max_hours", 0) <= 0:
        raise ValueError("volunteering 'auto_max_hours' must be a positive number of hours")
    if data.get("hour_rate_cents", 0) < 0:
        raise ValueError("volunteering 'hour_rate_cents' cannot be negative")


PAGOPA_KEYS = {
    "enabled": bool,
    "tax_code": str,
    "aux_digit": int,
    "segregation_code": str,
    "application_code": str,
    "iuv_prefix": str,
    "intermediary": str,
}


def pagopa_settings_check(data: dict):
    """The city's pagoPA settings as the notices use them (a ``NoticeSettings``), or ``None``
    when pagoPA is off. Raises ``ValueError`` (a ``PagoPAError``, with its ``code``, for a code
    pagoPA would not accept)."""
    from cities4csr.funds.pagopa import NoticeSettings  # pure, like this module

    unknown = sorted(set(data) - set(PAGOPA_KEYS))
    if unknown:
        raise ValueError(f"unknown pagoPA keys: {', '.join(unknown)}")
    for key, value in data.items():
        if not isinstance(value, PAGOPA_KEYS[key]) or (PAGOPA_KEYS[key] is int and isinstance(value, bool)):
            raise ValueError(f"pagoPA {key!r} must be a {PAGOPA_KEYS[key].__name__}")
    if not data.get("enabled"):
        return None  # kept as typed; checked in full when pagoPA is switched on
    return NoticeSettings(
        tax_code=data.get("tax_code", ""),
        aux_digit=data.get("aux_digit", 3),
        segregation_code=data.get("segregation_code", ""),
        application_code=data.get("application_code", ""),
        base_prefix=data.get("iuv_prefix", ""),
    )


def matching_mix(matching: dict | None) -> dict[str, float]:
    """The five matching weights a city uses (its own over the defaults), by component name."""
    from cities4csr.matching.engine.scoring import COMPONENTS, Weights  # pure, like this module

    weights = Weights.from_data(matching)
    return {name: getattr(weights, name) for name in COMPONENTS}

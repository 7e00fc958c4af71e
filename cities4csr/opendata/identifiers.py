"""Organisation identifiers in org-id.guide's scheme, as 360Giving asks (pure Python).

An Italian codice fiscale or partita IVA is ``IT-CF-…`` (the partita IVA of a company is its
codice fiscale), a French SIREN ``FR-RCS-…``; anything else gets an identifier under the city's
own 360Giving prefix, which stays the same from one export to the next (it is the row's id).
"""

from __future__ import annotations

import re


def org_id(*, prefix: str, pk: int, tax_code: str = "", vat_number: str = "", siren: str = "") -> str:
    """The org-id of an organisation from its registered identifiers, best first."""
    tax_code = re.sub(r"\s", "", tax_code or "").upper()
    vat = re.sub(r"\s", "", vat_number or "").upper()
    siren = re.sub(r"\s", "", siren or "")
    if tax_code:
        return f"IT-CF-{tax_code}"
    if vat.startswith("IT") and vat[2:].isdigit():
        return f"IT-CF-{vat[2:]}"
    if siren:
        return f"FR-RCS-{siren}"
    if vat.startswith("FR") and len(vat) == 13 and vat[4:].isdigit():
        return f"FR-RCS-{vat[4:]}"  # FRkk + SIREN
    return f"{prefix}-org-{pk}"


def city_org_id(*, prefix: str, country: str, tax_code: str = "") -> str:
    """The city's own org-id: its codice fiscale (Italy) or SIREN (France) when known."""
    code = (tax_code or "").strip().upper()
    if code and country == "IT":
        return f"IT-CF-{code}"
    if code and country == "FR":
        return f"FR-RCS-{code}"
    return f"{prefix}-city"

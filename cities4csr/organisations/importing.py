"""Import of organisations from a CSV or XLSX table: validate every row, then write all or nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log
from cities4csr.core.tabular import ImportReport, read_report

from .models import Organisation
from .services import organisation_create

COLUMNS = ("name", "kind", "vat_number", "tax_code", "siren", "nace_section", "size_band", "website")
REQUIRED = ("name", "kind")


def _normalised(values: dict) -> dict:
    """The row as Organisation fields: codes in their stored case, identifiers without spaces."""
    fields = {column: values.get(column, "") for column in COLUMNS}
    fields["kind"] = fields["kind"].lower()
    fields["size_band"] = fields["size_band"].lower()
    fields["nace_section"] = fields["nace_section"].upper()
    for column in ("vat_number", "tax_code", "siren"):
        fields[column] = "".join(fields[column].split()).upper()
    if fields["website"] and "://" not in fields["website"]:
        fields["website"] = "https://" + fields["website"]
    return fields


def _validate(*, city, file, dry_run: bool) -> tuple[ImportReport, list[tuple[int, dict]]]:
    report, table = read_report(file, columns=COLUMNS, required=REQUIRED, dry_run=dry_run)
    if table is None:
        return report, []
    existing = Organisation.objects.filter(city=city).values_list("name", "vat_number")
    names = {name.casefold(): None for name, _vat in existing}
    vats = {vat: None for _name, vat in existing if vat}
    planned = []
    for row, out in zip(table.rows, report.rows, strict=True):
        fields = _normalised(row.values)
        organisation = Organisation(city=city, **fields)
        try:
            # uniqueness is checked below, against the city and the rest of the file, with clearer words
            organisation.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            out.errors.extend(
                f"{column}: {m}" if column != "__all__" else m for column, ms in exc.message_dict.items() for m in ms
            )
        name = fields["name"].casefold()
        if name and name in names:
            out.errors.append(
                _("name: “%(name)s” already exists in the city.") % {"name": fields["name"]}
                if names[name] is None
                else _("name: “%(name)s” is already on row %(row)d.") % {"name": fields["name"], "row": names[name]}
            )
        elif name:
            names[name] = row.number
        vat = fields["vat_number"]
        if vat and vat in vats:
            out.errors.append(
                _("vat_number: %(vat)s already belongs to an organisation of the city.") % {"vat": vat}
                if vats[vat] is None
                else _("vat_number: %(vat)s is already on row %(row)d.") % {"vat": vat, "row": vats[vat]}
            )
        elif vat:
            vats[vat] = row.number
        planned.append((row.number, fields))
    report.counts = {"organisations": len(planned)}
    return report, planned


def organisations_validate(*, city, file) -> ImportReport:
    """Check a file without writing anything: every row, with its problems."""
    return _validate(city=city, file=file, dry_run=True)[0]


def organisations_import(*, actor, city, file, dry_run: bool) -> ImportReport:
    """Create the organisations of ``file``, all in one transaction, only if every row is good."""
    require(actor, "organisations.add_organisation", city)
    report, planned = _validate(city=city, file=file, dry_run=dry_run)
    if dry_run or not report.ok:
        return report
    number = None
    try:
        with transaction.atomic():
            for row_number, fields in planned:
                number = row_number
                organisation_create(actor=actor, city=city, **fields)
            audit_log(
                actor=actor,
                city=city,
                verb="organisations.import",
                obj=city,
                payload={**report.counts, "rows": len(report.rows), "file": str(getattr(file, "name", ""))[:200]},
            )
    except ValidationError as exc:  # a rule the checks above missed: nothing was written
        report.row(number).errors.extend(exc.messages)
        return report
    report.written = True
    return report

"""Import of organisations from a CSV or XLSX table: validate every row, then write all or nothing.

A row whose name, VAT number, tax code or SIREN is already the city's is that organisation: left
unchanged when the filled columns say what it already has, updated otherwise (its kind never);
so importing the same file again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log
from cities4csr.core.tabular import ImportOutcome, ImportReport, read_report

from .models import Organisation
from .services import organisation_create, organisation_update

COLUMNS = ("name", "kind", "vat_number", "tax_code", "siren", "nace_section", "size_band", "website")
REQUIRED = ("name", "kind")


@dataclass
class PlannedOrganisation:
    row: int
    fields: dict
    existing: Organisation | None = None
    changes: dict = field(default_factory=dict)
    outcome: str = "create"  # or "update", "unchanged"


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


IDENTIFIERS = ("vat_number", "tax_code", "siren")


def _known(city) -> tuple[dict, dict]:
    """The city's organisations by name (case-insensitive) and by legal identifier: one query."""
    by_name, by_identifier = {}, {}
    for organisation in Organisation.objects.filter(city=city).order_by("id"):
        by_name.setdefault(organisation.name.casefold(), organisation)
        for column in IDENTIFIERS:
            if getattr(organisation, column):
                by_identifier.setdefault((column, getattr(organisation, column)), organisation)
    return by_name, by_identifier


def _validate(*, city, file, dry_run: bool) -> tuple[ImportReport, list[PlannedOrganisation]]:
    report, table = read_report(file, columns=COLUMNS, required=REQUIRED, dry_run=dry_run)
    if table is None:
        return report, []
    by_name, by_identifier = _known(city)
    names: dict[str, int] = {}  # in the file: name -> row
    vats: dict[str, int] = {}
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
                _("name: “%(name)s” is already on row %(row)d.") % {"name": fields["name"], "row": names[name]}
            )
        elif name:
            names[name] = row.number
        vat = fields["vat_number"]
        if vat and vat in vats:
            out.errors.append(_("vat_number: %(vat)s is already on row %(row)d.") % {"vat": vat, "row": vats[vat]})
        elif vat:
            vats[vat] = row.number
        plan = PlannedOrganisation(row=row.number, fields=fields)
        _match(plan, by_name, by_identifier, out.errors)
        out.outcome = plan.outcome
        planned.append(plan)
    report.counts = {"organisations": len(planned)}
    if report.ok:
        report.counts.update(
            {outcome: sum(p.outcome == outcome for p in planned) for outcome in ("create", "update", "unchanged")}
        )
        report.outcomes = [_outcome(city, plan) for plan in planned]
    return report, planned


def _match(plan: PlannedOrganisation, by_name: dict, by_identifier: dict, errors: list) -> None:
    """The city's organisation this row is (same name, or same VAT number, tax code or SIREN), and
    whether the row changes it: only the columns the row fills are compared and written, so a
    blank cell never erases what the organisation keeps on its own page."""
    fields = plan.fields
    found = {by_identifier.get((column, fields[column])) for column in IDENTIFIERS if fields[column]}
    found.add(by_name.get(fields["name"].casefold()))
    found.discard(None)
    if len(found) > 1:
        errors.append(
            _("The name and the identifiers of this row belong to different organisations of the city: %(names)s.")
            % {"names": ", ".join(sorted(o.name for o in found))}
        )
        plan.outcome = ""
        return
    if not found:
        return
    existing = found.pop()
    plan.existing = existing
    if fields["kind"] and fields["kind"] != existing.kind:
        errors.append(
            _("kind: “%(name)s” is already in the city as “%(kind)s”; a file cannot change that.")
            % {"name": existing.name, "kind": existing.get_kind_display()}
        )
        plan.outcome = ""
        return
    plan.changes = {
        column: value
        for column, value in fields.items()
        if value and column != "kind" and getattr(existing, column) != value
    }
    plan.outcome = "update" if plan.changes else "unchanged"


def _outcome(city, plan: PlannedOrganisation, organisation: Organisation | None = None) -> ImportOutcome:
    organisation = organisation or plan.existing
    url = (
        reverse("organisation_detail", kwargs={"city_slug": city.slug, "pk": organisation.pk})
        if organisation is not None
        else ""
    )
    return ImportOutcome(outcome=plan.outcome, row=plan.row, label=plan.fields["name"], url=url)


def organisations_validate(*, city, file) -> ImportReport:
    """Check a file without writing anything: every row, with its problems."""
    return _validate(city=city, file=file, dry_run=True)[0]


def organisations_import(*, actor, city, file, dry_run: bool) -> ImportReport:
    """Create the file's new organisations and update the known ones (same name or identifier) with
    the columns it fills, all in one transaction, only if every row is good. Importing the same
    file again changes nothing and leaves no audit row."""
    require(actor, "organisations.add_organisation", city)
    report, planned = _validate(city=city, file=file, dry_run=dry_run)
    if dry_run or not report.ok:
        return report
    number = None
    outcomes = []
    try:
        with transaction.atomic():
            for plan in planned:
                number = plan.row
                if plan.outcome == "create":
                    organisation = organisation_create(actor=actor, city=city, **plan.fields)
                elif plan.outcome == "update":
                    organisation = organisation_update(actor=actor, organisation=plan.existing, **plan.changes)
                else:
                    organisation = plan.existing
                outcomes.append(_outcome(city, plan, organisation))
            if report.counts["create"] or report.counts["update"]:
                audit_log(
                    actor=actor,
                    city=city,
                    verb="organisations.import",
                    obj=city,
                    payload={**report.counts, "rows": len(report.rows), "file": str(getattr(file, "name", ""))[:200]},
                )
    except ValidationError as exc:  # a rule the checks above missed: nothing was written
        report.row(number).errors.extend(exc.messages)
        report.outcomes = []
        return report
    report.outcomes = outcomes
    report.written = True
    return report

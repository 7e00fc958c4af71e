"""Import of needs from a CSV or XLSX table: validate every row, then write all or nothing.

One row is one need with one resource line; consecutive rows with the same title and owner
add further lines to the same need (their need columns may be left empty). Imported needs
are drafts: an officer reviews and publishes them as usual.

Importing is idempotent. A need is recognised by its ``ref`` (its code in the file's own system,
stored as ``Need.external_ref``), or, on rows without one, by its owner and title: a need found
with the same content is left untouched ("unchanged": no write, no audit row), one found with
different content is updated while it is a draft or under review (its fields, its lines matched
by kind and label; lines missing from the file are removed), and refused row by row once it is
published (pledges stand on it: it is changed on its page). The dry run says which rows will
create, update or leave a need unchanged; the result links to each need.

Amounts and whole numbers typed as text (CSV, or text cells of an XLSX) are read as the
importing person's language writes them ("60.000,50" on the Italian page, "60,000.50" on the
English one), by the same parser as the forms; an XLSX cell holding a number is taken as that
number, exactly (docs/adr/0009-money-input.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from cities4csr.cities.selectors import areas_locate, areas_of_kind
from cities4csr.core.money import (
    MoneyError,
    active_locale,
    money_from_decimal,
    money_parse,
    quantity_check,
    quantity_parse,
)
from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log
from cities4csr.core.tabular import ImportOutcome, ImportReport, read_report, split_list
from cities4csr.organisations.models import Organisation

from . import sdg
from .models import Need, ResourceKind, ResourceLine
from .selectors import actions_of_city, themes_of_city
from .services import (
    _locate,
    line_add,
    need_create,
    need_refresh_totals,
    need_search_text,
    resource_valuation,
    sdg_index,
    tags_index,
)

COLUMNS = (
    "ref",
    "title",
    "description",
    "owner",
    "action",
    "nil",
    "lat",
    "lon",
    "themes",
    "sdgs",
    "beneficiary_group",
    "beneficiaries_expected",
    "starts_on",
    "ends_on",
    "kind",
    "label",
    "quantity",
    "amount_eur",
    "skills",
)
REQUIRED = ("title", "description", "owner", "kind", "label", "amount_eur")
#: columns describing the need rather than the line: read from the need's first row
NEED_COLUMNS = (
    "ref",
    "description",
    "action",
    "nil",
    "lat",
    "lon",
    "themes",
    "sdgs",
    "beneficiary_group",
    "beneficiaries_expected",
    "starts_on",
    "ends_on",
)


@dataclass
class PlannedNeed:
    row: int
    owner: Organisation
    fields: dict
    themes: list = field(default_factory=list)
    sdgs: list = field(default_factory=list)
    lines: list[tuple[int, dict]] = field(default_factory=list)
    ref: str = ""
    existing: Need | None = None  # the city's need this one is (same ref, or same owner and title)
    outcome: str = "create"  # or "update", "unchanged"


def problem(column: str, message: str) -> str:
    return f"{column}: {message}"


class _Context:
    """The city's names and codes a file may refer to, each loaded with one query."""

    def __init__(self, city, locale: str):
        self.city = city
        self.locale = locale
        self.currency = city.currency
        self.primary_kind = city.settings.primary_area_kind
        areas = areas_of_kind(city=city, kind=self.primary_kind)
        self.areas = {a.code.casefold(): a for a in areas}
        self.actions = {a.number: a for a in actions_of_city(city=city)}
        self.themes = {t.key.casefold(): t for t in themes_of_city(city=city)}
        organisations = list(Organisation.objects.filter(city=city).order_by("name"))
        self.owners_exact = {o.name: o for o in organisations}
        self.owners = {o.name.casefold(): o for o in organisations}

    def owner(self, name: str):
        return self.owners_exact.get(name) or self.owners.get(name.casefold())


def _model_field(model, name: str, value, errors: list[str], column: str | None = None):
    """Clean ``value`` with the model field's own validation (length, blank, type)."""
    try:
        return model._meta.get_field(name).clean(value, None)
    except ValidationError as exc:
        errors.extend(problem(column or name, m) for m in exc.messages)
        return None


def _whole_number(values: dict, numbers: dict, column: str, ctx: _Context, errors: list[str], *, minimum: int):
    """The column's whole number (from ``minimum`` to MAX_QUANTITY), or None with the problem."""
    try:
        if column in numbers:
            return quantity_check(numbers[column], locale=ctx.locale, minimum=minimum)
        return quantity_parse(values[column], locale=ctx.locale, minimum=minimum)
    except MoneyError as exc:
        errors.append(
            problem(column, _("“%(value)s”: %(problem)s") % {"value": values[column], "problem": exc.message})
        )
        return None


def _amount(values: dict, numbers: dict, column: str, ctx: _Context, errors: list[str]) -> int | None:
    """The column's amount in cents, read as the forms read it, or None with the problem."""
    try:
        if column in numbers:
            return money_from_decimal(numbers[column], locale=ctx.locale, currency=ctx.currency)
        return money_parse(values.get(column, ""), locale=ctx.locale, currency=ctx.currency)
    except MoneyError as exc:
        errors.append(
            problem(column, _("“%(value)s”: %(problem)s") % {"value": values.get(column, ""), "problem": exc.message})
        )
        return None


def _coordinate(value: str, column: str, limit: int, errors: list[str]) -> float | None:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or abs(number) > limit:
        errors.append(problem(column, _("“%(value)s” is not a coordinate in decimal degrees.") % {"value": value}))
        return None
    return number


def _need_fields(values: dict, numbers: dict, ctx: _Context, errors: list[str]) -> tuple[dict, list, list]:
    """The need_create() arguments of a need's first row, with every problem found."""
    fields = {
        "title": _model_field(Need, "title", values.get("title", ""), errors),
        "description": _model_field(Need, "description", values.get("description", ""), errors),
        "beneficiary_group": _model_field(Need, "beneficiary_group", values.get("beneficiary_group", ""), errors),
    }
    if values.get("action"):
        number = _whole_number(values, numbers, "action", ctx, errors, minimum=1)
        if number is not None:
            fields["action"] = ctx.actions.get(number)
            if fields["action"] is None:
                errors.append(problem("action", _("the action plan has no action %(n)d.") % {"n": number}))
    if values.get("beneficiaries_expected"):
        fields["beneficiaries_expected"] = _whole_number(
            values, numbers, "beneficiaries_expected", ctx, errors, minimum=0
        )
    for column in ("starts_on", "ends_on"):
        if values.get(column):
            fields[column] = _model_field(Need, column, values[column], errors)
    if fields.get("starts_on") and fields.get("ends_on") and fields["ends_on"] < fields["starts_on"]:
        errors.append(problem("ends_on", _("the need ends before it starts.")))
    _place(values, ctx, fields, errors)
    themes = []
    for key in split_list(values.get("themes", "")):
        theme = ctx.themes.get(key.casefold())
        if theme is None:
            errors.append(
                problem(
                    "themes",
                    _("unknown theme “%(key)s” (known: %(known)s).")
                    % {"key": key, "known": ", ".join(t.key for t in ctx.themes.values())},
                )
            )
        elif theme not in themes:
            themes.append(theme)
    sdgs = []
    try:
        sdgs = sdg.validate_codes(split_list(values.get("sdgs", "")))
    except ValueError as exc:
        errors.append(problem("sdgs", str(exc)))
    return fields, themes, sdgs


def _place(values: dict, ctx: _Context, fields: dict, errors: list[str]) -> None:
    """The need's neighbourhood from ``nil``, or its point from ``lat``/``lon`` (both must agree)."""
    area = None
    if values.get("nil"):
        area = ctx.areas.get(values["nil"].casefold())
        if area is None:
            errors.append(
                problem("nil", _("no neighbourhood of the city has the code “%(code)s”.") % {"code": values["nil"]})
            )
    lat_text, lon_text = values.get("lat", ""), values.get("lon", "")
    if bool(lat_text) != bool(lon_text):
        errors.append(problem("lat/lon", _("give both latitude and longitude, or neither.")))
        return
    if not lat_text:
        if not values.get("nil"):
            errors.append(problem("nil", _("give the neighbourhood code, or the latitude and longitude.")))
        fields["area"] = area
        return
    lat = _coordinate(lat_text, "lat", 90, errors)
    lon = _coordinate(lon_text, "lon", 180, errors)
    if lat is None or lon is None:
        return
    found = {a.kind: a for a in areas_locate(city=ctx.city, lon=lon, lat=lat)}.get(ctx.primary_kind)
    if found is None:
        errors.append(problem("lat/lon", _("this place is outside the city's neighbourhoods.")))
    elif area is not None and found.pk != area.pk:
        errors.append(
            problem(
                "nil",
                _("the point lies in %(found)s, not in %(given)s.") % {"found": found, "given": area},
            )
        )
    fields.update(lat=lat, lon=lon)


def _line_fields(values: dict, numbers: dict, ctx: _Context, errors: list[str]) -> dict:
    """The line_add() arguments of one row."""
    kind = values.get("kind", "").lower()
    if kind not in ResourceKind.values:
        errors.append(
            problem(
                "kind",
                _("“%(kind)s” is not a kind of resource (one of: %(kinds)s).")
                % {"kind": values.get("kind", ""), "kinds": ", ".join(ResourceKind.values)},
            )
        )
    label = _model_field(ResourceLine, "label", values.get("label", ""), errors)
    skills = _model_field(ResourceLine, "skills", values.get("skills", ""), errors)
    cents = _amount(values, numbers, "amount_eur", ctx, errors)
    if cents == 0:
        errors.append(problem("amount_eur", _("the amount must be more than zero.")))
        cents = None
    if cents is not None:
        cents = _model_field(ResourceLine, "value_cents", cents, errors, "amount_eur")
    line = {"kind": kind, "label": label, "skills": skills}
    if kind == ResourceKind.MONEY:
        line["quantity"] = cents
    elif kind:
        line["value_cents"] = cents
        if not values.get("quantity"):
            errors.append(problem("quantity", _("how many hours, items or days? Required for this kind.")))
        else:
            quantity = _whole_number(values, numbers, "quantity", ctx, errors, minimum=1)
            if quantity is not None:
                line["quantity"] = _model_field(ResourceLine, "quantity", quantity, errors)
    return line


def _plan(table, report: ImportReport, ctx: _Context) -> list[PlannedNeed]:
    planned: list[PlannedNeed] = []
    started: dict[tuple, int] = {}  # (title, owner) -> first row of that need
    seen_lines: dict[tuple, int] = {}  # (title, owner, kind, label) -> row
    current: PlannedNeed | None = None
    current_key = None
    current_values: dict = {}
    for row, out in zip(table.rows, report.rows, strict=True):
        errors = out.errors
        values = row.values
        title, owner_name = values.get("title", ""), values.get("owner", "")
        owner = ctx.owner(owner_name) if owner_name else None
        if owner_name and owner is None:
            errors.append(
                problem("owner", _("no organisation of the city is called “%(name)s”.") % {"name": owner_name})
            )
        elif not owner_name:
            errors.append(problem("owner", _("This field cannot be blank.")))
        ref = values.get("ref", "")
        key = ("ref", ref.casefold()) if ref else (title.casefold(), (owner.pk if owner else owner_name.casefold()))
        if key == current_key and current is not None:  # a further line of the need above
            for column in NEED_COLUMNS:
                if values.get(column) and values[column] != current_values.get(column, ""):
                    errors.append(
                        problem(
                            column,
                            _("differs from row %(row)d of the same need; leave it empty or repeat it.")
                            % {"row": current.row},
                        )
                    )
        else:
            if key in started:
                errors.append(
                    _("The need “%(title)s” of this owner already started at row %(row)d: keep its rows together.")
                    % {"title": title, "row": started[key]}
                    if not ref
                    else _("The reference “%(ref)s” already started at row %(row)d: keep its rows together.")
                    % {"ref": ref, "row": started[key]}
                )
            started.setdefault(key, row.number)
            fields, themes, sdgs = _need_fields(values, row.numbers, ctx, errors)
            if len(ref) > 100:
                errors.append(problem("ref", _("at most 100 characters.")))
            current = PlannedNeed(row=row.number, owner=owner, fields=fields, themes=themes, sdgs=sdgs, ref=ref)
            current_key, current_values = key, values
            planned.append(current)
        current.lines.append((row.number, _line_fields(values, row.numbers, ctx, errors)))
        line_key = (*key, values.get("kind", "").lower(), values.get("label", "").casefold())
        if line_key in seen_lines:
            errors.append(
                _("Duplicate of row %(row)d (same title, owner, kind and label).") % {"row": seen_lines[line_key]}
            )
        else:
            seen_lines[line_key] = row.number
    return planned


#: the states in which an import may still change a need: nobody has pledged on it yet
UPDATABLE = (Need.State.DRAFT, Need.State.UNDER_REVIEW)
#: the need's own fields an import sets (the rest is computed: district, totals, search text)
IMPORTED_FIELDS = (
    "title",
    "description",
    "beneficiary_group",
    "action",
    "beneficiaries_expected",
    "starts_on",
    "ends_on",
    "lat",
    "lon",
)


def _existing(city, planned: list[PlannedNeed]) -> None:
    """Find the city's need each planned one is: by reference, else by owner and title (a need
    without reference). Two queries, whatever the number of rows."""
    refs = {p.ref for p in planned if p.ref}
    by_ref = {}
    if refs:
        for need in Need.objects.filter(city=city, external_ref__in=refs).order_by("id"):
            by_ref[need.external_ref] = need
    titles = {p.fields.get("title") for p in planned if not p.ref and p.fields.get("title")}
    by_title: dict[tuple, list[Need]] = {}
    if titles:
        for need in Need.objects.filter(city=city, title__in=titles, external_ref="").order_by("id"):
            by_title.setdefault((need.owner_id, need.title), []).append(need)
    for plan in planned:
        if plan.ref:
            plan.existing = by_ref.get(plan.ref)
        elif plan.owner is not None:
            found = by_title.get((plan.owner.pk, plan.fields.get("title")), [])
            plan.existing = found[0] if len(found) == 1 else None


def _target(plan: PlannedNeed) -> dict:
    """The values the file gives the need's own fields (an empty optional column clears the field)."""
    fields = plan.fields
    target = {name: fields.get(name) for name in IMPORTED_FIELDS}
    for name in ("title", "description", "beneficiary_group"):
        target[name] = target[name] or ""
    if "lat" not in fields:  # placed by its neighbourhood
        target["area"] = fields.get("area")
    return target


def _line_target(line: dict) -> dict:
    value_cents, unit = resource_valuation(
        kind=line["kind"], quantity=line["quantity"], value_cents=line.get("value_cents")
    )
    return {
        "label": line["label"],
        "quantity": line["quantity"],
        "value_cents": value_cents,
        "unit": unit,
        "skills": line.get("skills") or "",
    }


def _changes(need: Need, plan: PlannedNeed) -> dict:
    """What importing ``plan`` would change in ``need``: {} when nothing."""
    changes: dict = {}
    target = _target(plan)
    fields = [
        name
        for name, value in target.items()
        if (getattr(need, f"{name}_id") if name in ("action", "area") else getattr(need, name))
        != (getattr(value, "pk", value) if name in ("action", "area") else value)
    ]
    if need.owner_id != plan.owner.pk:
        fields.append("owner")
    if sorted(need.sdgs) != sorted(plan.sdgs):
        fields.append("sdgs")
    if {t.pk for t in need.themes.all()} != {t.pk for t in plan.themes}:
        fields.append("themes")
    if fields:
        changes["fields"] = fields
    lines = {(line.kind, line.label.casefold()): line for line in need.lines.all()}
    add, change = [], []
    for _row, line in plan.lines:
        current = lines.pop((line["kind"], line["label"].casefold()), None)
        if current is None:
            add.append(line)
            continue
        wanted = _line_target(line)
        if any(getattr(current, name) != value for name, value in wanted.items()):
            change.append((current, wanted))
    if add or change or lines:
        changes["lines"] = {"add": add, "change": change, "remove": list(lines.values())}
    return changes


def _outcomes(city, planned: list[PlannedNeed], report: ImportReport) -> None:
    """Decide, for each planned need, whether it creates, updates or leaves a need as it is."""
    _existing(city, planned)
    for plan in planned:
        rows = [plan.row, *(r for r, _line in plan.lines)]
        if plan.existing is None:
            plan.outcome = "create"
        elif not _changes(plan.existing, plan):
            plan.outcome = "unchanged"
        elif plan.existing.state not in UPDATABLE:
            plan.outcome = ""
            report.row(plan.row).errors.append(
                _(
                    "The need “%(title)s” is already “%(state)s”: the file can no longer change it. "
                    "Change it on its page, or leave its rows as they are."
                )
                % {"title": plan.existing.title, "state": plan.existing.get_state_display()}
            )
        else:
            plan.outcome = "update"
        for number in rows:
            report.row(number).outcome = plan.outcome
    report.counts.update(
        {outcome: sum(p.outcome == outcome for p in planned) for outcome in ("create", "update", "unchanged")}
    )


def _validate(*, city, file, dry_run: bool, locale: str | None) -> tuple[ImportReport, list[PlannedNeed]]:
    report, table = read_report(file, columns=COLUMNS, required=REQUIRED, dry_run=dry_run)
    if table is None:
        return report, []
    planned = _plan(table, report, _Context(city, locale or active_locale()))
    report.counts = {"needs": len(planned), "lines": sum(len(p.lines) for p in planned)}
    if report.ok:
        _outcomes(city, planned, report)
        if report.ok:
            report.outcomes = [_outcome(city, p) for p in planned]
    return report, planned


def _outcome(city, plan: PlannedNeed, need: Need | None = None) -> ImportOutcome:
    need = need or plan.existing
    url = reverse("need_detail", kwargs={"city_slug": city.slug, "pk": need.pk}) if need is not None else ""
    return ImportOutcome(outcome=plan.outcome, row=plan.row, label=plan.fields.get("title") or "", url=url)


def needs_validate(*, city, file, locale: str | None = None) -> ImportReport:
    """Check a file without writing anything: every row, with its problems."""
    return _validate(city=city, file=file, dry_run=True, locale=locale)[0]


def _need_update(*, actor, need: Need, plan: PlannedNeed, changes: dict) -> Need:
    """Bring a draft need to what the file says: its fields, themes, SDGs and lines, audited."""
    require(actor, "needs.change_need", need)
    for name, value in _target(plan).items():
        setattr(need, name, value)
    need.owner = plan.owner
    need.sdgs = list(plan.sdgs)
    need.sdg_goals = sdg_index(need.sdgs)
    need.theme_keys = tags_index(sorted({theme.key for theme in plan.themes}))
    _locate(need)
    need.search_text = need_search_text(need)
    need.full_clean()
    need.save()
    need.themes.set(plan.themes)
    lines = changes.get("lines", {})
    for line in lines.get("remove", []):
        line.delete()
    for line, wanted in lines.get("change", []):
        for name, value in wanted.items():
            setattr(line, name, value)
        line.full_clean()
        line.save()
    need_refresh_totals(need)
    for line in lines.get("add", []):
        line_add(actor=actor, need=need, **line)
    audit_log(
        actor=actor,
        city=need.city,
        verb="need.import_update",
        obj=need,
        payload={
            "ref": plan.ref,
            "fields": changes.get("fields", []),
            "lines_added": len(lines.get("add", [])),
            "lines_changed": len(lines.get("change", [])),
            "lines_removed": len(lines.get("remove", [])),
        },
    )
    return need


def needs_import(*, actor, city, file, dry_run: bool, locale: str | None = None) -> ImportReport:
    """Import the needs of ``file``: new ones as drafts, known ones (same reference, or same owner
    and title) updated while still drafts, unchanged ones left alone; all in one transaction,
    only if every row is good. Amounts and numbers typed as text are read in ``locale``
    (default: the active language)."""
    require(actor, "needs.change_action", city)
    report, planned = _validate(city=city, file=file, dry_run=dry_run, locale=locale)
    if dry_run or not report.ok:
        return report
    row = None
    outcomes = []
    try:
        with transaction.atomic():
            for need_plan in planned:
                row = need_plan.row
                if need_plan.outcome == "unchanged":
                    outcomes.append(_outcome(city, need_plan))
                    continue
                if need_plan.outcome == "update":
                    need = Need.objects.select_for_update(of=("self",)).get(pk=need_plan.existing.pk)
                    changes = _changes(need, need_plan)  # read again under the lock
                    if need.state not in UPDATABLE:
                        raise ValidationError(_("This need has just been published: import the file again."))
                    _need_update(actor=actor, need=need, plan=need_plan, changes=changes)
                    outcomes.append(_outcome(city, need_plan, need))
                    continue
                need = need_create(
                    actor=actor,
                    city=city,
                    owner=need_plan.owner,
                    themes=need_plan.themes,
                    sdgs=need_plan.sdgs,
                    external_ref=need_plan.ref,
                    **{k: v for k, v in need_plan.fields.items() if v is not None},
                )
                for line_row, line in need_plan.lines:
                    row = line_row
                    line_add(actor=actor, need=need, **line)
                outcomes.append(_outcome(city, need_plan, need))
            if report.counts["create"] or report.counts["update"]:  # a file that changes nothing leaves no trace
                audit_log(
                    actor=actor,
                    city=city,
                    verb="needs.import",
                    obj=city,
                    payload={
                        **report.counts,
                        "rows": len(report.rows),
                        "file": str(getattr(file, "name", ""))[:200],
                    },
                )
    except ValidationError as exc:  # a rule the checks above missed: nothing was written
        report.row(row).errors.extend(exc.messages)
        report.outcomes = []
        return report
    report.outcomes = outcomes
    report.written = True
    return report

"""Writes for the action plan, themes, needs and their resource lines."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cities4csr.cities.selectors import areas_locate
from cities4csr.core.images import image_clean
from cities4csr.core.lifecycle import transition_apply
from cities4csr.core.money import active_locale, quantity_format
from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log
from cities4csr.core.text import fold
from cities4csr.ledger.resources import resource_valuation  # noqa: F401 - re-exported for offers and imports

from . import sdg
from .models import Action, Need, ResourceKind, ResourceLine, Theme
from .selectors import catalogue_choices_forget

DEFAULT_THEMES = {
    "social_inclusion": {"it": "Inclusione sociale", "en": "Social inclusion", "fr": "Inclusion sociale"},
    "education": {"it": "Istruzione", "en": "Education", "fr": "Éducation"},
    "health": {"it": "Salute", "en": "Health", "fr": "Santé"},
    "innovation": {"it": "Innovazione", "en": "Innovation", "fr": "Innovation"},
    "culture": {"it": "Cultura", "en": "Culture", "fr": "Culture"},
    "public_space": {"it": "Spazio pubblico", "en": "Public space", "fr": "Espace public"},
    "greening": {"it": "Verde urbano", "en": "Greening", "fr": "Végétalisation"},
}

NEED_FIELDS = (
    "title",
    "description",
    "action",
    "lat",
    "lon",
    "area",
    "beneficiary_group",
    "beneficiaries_expected",
    "starts_on",
    "ends_on",
    "photo",
    "external_ref",
    "translations",
)


def sdg_problem(exc: ValueError) -> str:
    """A refusal of ``sdg.validate_codes`` in the reader's language."""
    unknown = getattr(exc, "unknown", [])
    if not unknown:
        return _("Give the SDGs as a list of goal or target codes, e.g. 4, 11.7.")
    return ngettext(
        "%(codes)s is not an SDG goal or target code: give codes such as 4 or 11.7.",
        "%(codes)s are not SDG goal or target codes: give codes such as 4 or 11.7.",
        len(unknown),
    ) % {"codes": ", ".join(unknown)}


def need_translations_clean(*, city, translations) -> dict:
    """``{language: {"title", "description"}}`` in the city's other languages, as typed (trimmed);
    a language the city does not offer, or its own (the original), is refused."""
    if translations in (None, ""):
        return {}
    if not isinstance(translations, dict):
        raise ValidationError({"translations": _("Give the translations by language.")}, code="invalid")
    out = {}
    for lang, texts in translations.items():
        if lang not in city.languages or lang == city.default_language:
            raise ValidationError(
                {
                    "translations": _("%(language)s is not one of the city's other languages.")
                    % {"language": str(lang)[:10]}
                },
                code="language",
            )
        texts = texts if isinstance(texts, dict) else {}
        title = str(texts.get("title") or "").strip()
        description = str(texts.get("description") or "").strip()
        if len(title) > 200:
            raise ValidationError({"translations": _("A title has at most 200 characters.")}, code="max_length")
        if title or description:
            out[lang] = {"title": title, "description": description}
    return out


def action_upsert(
    *, actor, city, number: int, titles: dict, descriptions: dict | None = None, target_areas=()
) -> Action:
    """Create or replace line ``number`` of the city's action plan."""
    require(actor, "needs.change_action", city)
    with transaction.atomic():
        action, created = Action.objects.update_or_create(
            city=city, number=number, defaults={"titles": titles, "descriptions": descriptions or {}}
        )
        action.target_areas.set(target_areas)
        transaction.on_commit(lambda: catalogue_choices_forget(city=city))
        audit_log(
            actor=actor,
            city=city,
            verb="action.create" if created else "action.update",
            obj=action,
            payload={"target_areas": sorted(a.code for a in target_areas)},
        )
    return action


def themes_ensure_defaults(*, actor, city) -> list[Theme]:
    """The seven urban challenge themes; a city may add its own beside them."""
    require(actor, "needs.change_action", city)
    with transaction.atomic():
        for key, names in DEFAULT_THEMES.items():
            theme, created = Theme.objects.get_or_create(city=city, key=key, defaults={"names": names})
            if created:
                audit_log(actor=actor, city=city, verb="theme.create", obj=theme, payload={"key": key})
                transaction.on_commit(lambda: catalogue_choices_forget(city=city))
    return list(Theme.objects.filter(city=city).order_by("key"))


def theme_save(*, actor, city, names: dict[str, str], theme: Theme | None = None) -> Theme:
    """Add a theme (``theme=None``) or rename one, in the city's languages. The name in the city's
    default language is required; a language left empty loses its name (the default shows)."""
    require(actor, "cities.change_city", city)
    cleaned = {lang: " ".join(str(names.get(lang, "")).split()) for lang in city.languages}
    default = city.default_language
    if not cleaned.get(default):
        raise ValidationError(
            {f"name_{default}": ValidationError(_("Give the theme's name in this language."), code="name_required")}
        )
    others = Theme.objects.filter(city=city).exclude(pk=getattr(theme, "pk", None))
    taken = {fold(t.names.get(default, "")) for t in others}
    if fold(cleaned[default]) in taken:
        raise ValidationError(
            {f"name_{default}": ValidationError(_("The city already has a theme with this name."), code="duplicate")}
        )
    kept = {lang: label for lang, label in (theme.names if theme else {}).items() if lang not in city.languages}
    with transaction.atomic():
        if theme is None:
            base = slugify(cleaned[default])[:34] or "theme"
            key, n = base, 1
            while Theme.objects.filter(city=city, key=key).exists():
                n += 1
                key = f"{base}-{n}"
            theme = Theme.objects.create(city=city, key=key, names={k: v for k, v in cleaned.items() if v})
            verb = "theme.create"
        else:
            theme.names = {**kept, **{k: v for k, v in cleaned.items() if v}}
            theme.save(update_fields=["names", "updated_at"])
            verb = "theme.update"
        audit_log(actor=actor, city=city, verb=verb, obj=theme, payload={"key": theme.key, "names": theme.names})
        transaction.on_commit(lambda: catalogue_choices_forget(city=city))
    return theme


def _locate(need: Need) -> None:
    """Resolve the need's point (or chosen area) to its neighbourhood and district."""
    policy = need.city.settings
    if need.lat is not None and need.lon is not None:
        found = {a.kind: a for a in areas_locate(city=need.city, lon=need.lon, lat=need.lat)}
        need.area = found.get(policy.primary_area_kind)
        if need.area is None:
            raise ValidationError({"lat": "This place is outside the city's neighbourhoods."})
    if need.area is not None:
        need.district = need.area.parent if need.area.kind == policy.primary_area_kind else None


def tags_index(tags) -> str:
    """'|a|b|': a set of tags in one column, in the given order, each found by LIKE '%|a|%'."""
    return "|" + "|".join(str(tag) for tag in tags) + "|" if tags else ""


def sdg_index(codes: list[str]) -> str:
    return tags_index(sorted({sdg.goal_of(code) for code in codes}))


def need_search_text(need: Need) -> str:
    parts = [need.title, need.description, need.beneficiary_group, need.area.name if need.area else ""]
    return fold(" ".join(parts))


def need_create(*, actor, city, owner, themes=(), sdgs=(), **fields) -> Need:
    """A new need, in draft. Officers create for any owner; a partner's representative for their own."""
    require(actor, "needs.add_need", owner)
    unknown = set(fields) - set(NEED_FIELDS)
    if unknown:
        raise ValueError(f"not need fields: {', '.join(sorted(unknown))}")
    try:
        sdgs = sdg.validate_codes(list(sdgs))
    except ValueError as exc:
        raise ValidationError({"sdgs": sdg_problem(exc)}) from None
    if "translations" in fields:
        fields["translations"] = need_translations_clean(city=city, translations=fields["translations"])
    if fields.get("photo"):
        fields["photo"] = image_clean(fields["photo"], field="photo")  # checked, saved again without metadata
    need = Need(
        city=city,
        owner=owner,
        sdgs=sdgs,
        sdg_goals=sdg_index(sdgs),
        theme_keys=tags_index(sorted({theme.key for theme in themes})),
        **fields,
    )
    _locate(need)
    need.search_text = need_search_text(need)
    need.full_clean()
    with transaction.atomic():
        need.save()
        need.themes.set(themes)
        audit_log(actor=actor, city=city, verb="need.create", obj=need, payload={"owner": owner.pk})
    return need


def line_add(
    *,
    actor,
    need: Need,
    kind: str,
    label: str,
    quantity: int,
    value_cents: int | None = None,
    unit: str = "",
    skills: str = "",
    available_from=None,
    available_until=None,
) -> ResourceLine:
    """Add a resource line. Money is counted in cents and is its own value; other kinds need a value."""
    require(actor, "needs.change_need", need)
    if need.state not in (Need.State.DRAFT, Need.State.UNDER_REVIEW, Need.State.PUBLISHED, Need.State.IN_PROGRESS):
        raise ValidationError("Lines can no longer be added to this need.")
    value_cents, unit = resource_valuation(kind=kind, quantity=quantity, value_cents=value_cents, unit=unit)
    line = ResourceLine(
        city=need.city,
        need=need,
        kind=kind,
        label=label,
        quantity=quantity,
        value_cents=value_cents,
        unit=unit,
        skills=skills,
        available_from=available_from,
        available_until=available_until,
    )
    line.full_clean()
    with transaction.atomic():
        line.save()
        need_refresh_totals(need)
        audit_log(
            actor=actor,
            city=need.city,
            verb="line.add",
            obj=line,
            payload={"kind": kind, "quantity": quantity, "value_cents": value_cents},
        )
    return line


def need_refresh_totals(need: Need) -> None:
    """Recompute the need's EUR totals and resource kinds from its lines (pledge services call
    this under lock)."""
    lines = ResourceLine.objects.filter(need=need).values_list("kind", "value_cents", "quantity", "committed")
    need.value_requested_cents = sum(v for _k, v, _q, _c in lines)
    need.value_committed_cents = sum(round(v * min(c, q) / q) for _k, v, q, c in lines if q)
    need.kinds = tags_index(sorted({k for k, _v, _q, _c in lines}))
    Need.objects.filter(pk=need.pk).update(
        value_requested_cents=need.value_requested_cents,
        value_committed_cents=need.value_committed_cents,
        kinds=need.kinds,
    )


def need_transition(*, actor, need: Need, to: str, reason: str = "") -> Need:
    """Move a need along its lifecycle (needs/states.py), audited, with a notice to the owner."""
    return transition_apply(actor=actor, obj=need, to=to, reason=reason)


#: states in which a need and its lines may still be corrected (later, what was pledged and
#: delivered is the record)
EDITABLE_STATES = (Need.State.DRAFT, Need.State.UNDER_REVIEW, Need.State.PUBLISHED, Need.State.IN_PROGRESS)


def _dates_ordered(start, end, *, field: str = "ends_on") -> None:
    if start and end and end < start:
        raise ValidationError({field: ValidationError(_("The end is before the start."), code="dates_order")})


def need_update(*, actor, need: Need, themes=None, sdgs=None, **fields) -> Need:
    """Correct a need's description, place, dates or photo while it is still open (draft, under
    review, published or in progress); its lines and pledges are left as they are. Audited with
    the names of the fields changed. Officers for any need, a representative for their own."""
    require(actor, "needs.change_need", need)
    unknown = set(fields) - set(NEED_FIELDS)
    if unknown:
        raise ValueError(f"not need fields: {', '.join(sorted(unknown))}")
    if sdgs is not None:
        try:
            sdgs = sdg.validate_codes(list(sdgs))
        except ValueError as exc:
            raise ValidationError({"sdgs": sdg_problem(exc)}) from None
    if "translations" in fields:
        fields["translations"] = need_translations_clean(city=need.city, translations=fields["translations"])
    if fields.get("photo"):
        fields["photo"] = image_clean(fields["photo"], field="photo")  # checked, saved again without metadata
    with transaction.atomic():
        locked = Need.objects.select_for_update(of=("self",)).get(pk=need.pk)
        if locked.state not in EDITABLE_STATES:
            raise ValidationError(
                _("A need that is “%(state)s” can no longer be changed.") % {"state": locked.state_label},
                code="not_editable",
            )
        changed = sorted(name for name, value in fields.items() if getattr(locked, name) != value)
        for name, value in fields.items():
            setattr(locked, name, value)
        if "lat" in fields or "lon" in fields:
            if locked.lat is not None and locked.lon is not None and "area" not in fields:
                locked.area = None
            _locate(locked)
        _dates_ordered(locked.starts_on, locked.ends_on)
        if sdgs is not None and sdgs != locked.sdgs:
            changed.append("sdgs")
            locked.sdgs, locked.sdg_goals = sdgs, sdg_index(sdgs)
        if themes is not None:
            keys = tags_index(sorted({theme.key for theme in themes}))
            if keys != locked.theme_keys:
                changed.append("themes")
            locked.theme_keys = keys
        locked.search_text = need_search_text(locked)
        locked.full_clean()
        locked.save()
        if themes is not None:
            locked.themes.set(themes)
        audit_log(actor=actor, city=locked.city, verb="need.update", obj=locked, payload={"fields": sorted(changed)})
    return locked


def need_delete(*, actor, need: Need) -> None:
    """Delete a draft nobody has pledged to (a mistake, a duplicate). A need that was submitted
    or published is withdrawn instead (its lifecycle keeps the record)."""
    require(actor, "needs.change_need", need)
    with transaction.atomic():
        locked = Need.objects.select_for_update(of=("self",)).get(pk=need.pk)
        if locked.state != Need.State.DRAFT or locked.pledges.exists():
            raise ValidationError(
                _("Only a draft without pledges can be deleted: withdraw this need instead."), code="not_deletable"
            )
        audit_log(actor=actor, city=locked.city, verb="need.delete", obj=locked, payload={"title": locked.title})
        ResourceLine.objects.filter(need=locked).delete()
        locked.delete()


def _locked_line(line: ResourceLine) -> tuple[Need, ResourceLine]:
    """The line's need, then the line, locked in the order pledges lock them (ADR 0005)."""
    need = Need.objects.select_for_update(of=("self",)).get(pk=line.need_id)
    return need, ResourceLine.objects.select_for_update(of=("self",)).get(pk=line.pk)


def line_update(
    *,
    actor,
    line: ResourceLine,
    label: str | None = None,
    quantity: int | None = None,
    value_cents: int | None = None,
    kind: str | None = None,
    unit: str = "",
    skills: str | None = None,
    available_from=None,
    available_until=None,
) -> ResourceLine:
    """Correct a line of an open need. What pledges have already taken is kept: the quantity can
    never drop below it, and a line with pledges keeps its kind. Pledged items keep the value
    they were pledged at; the need's totals are recomputed."""
    require(actor, "needs.change_need", line.need)
    with transaction.atomic():
        need, locked = _locked_line(line)
        if need.state not in EDITABLE_STATES:
            raise ValidationError(
                _("A need that is “%(state)s” can no longer be changed.") % {"state": need.state_label},
                code="not_editable",
            )
        kind = kind or locked.kind
        if kind != locked.kind and locked.pledge_items.exists():
            raise ValidationError(
                {"kind": ValidationError(_("This line has pledges: its kind cannot change."), code="line_pledged")}
            )
        quantity = locked.quantity if quantity is None else quantity
        if quantity < 1:
            raise ValidationError({"quantity": ValidationError(_("Give a quantity of at least 1."), code="min")})
        if quantity < locked.committed:
            said = {"money": kind == ResourceKind.MONEY, "unit": locked.unit, "locale": active_locale()}
            said["currency"] = need.city.currency
            raise ValidationError(
                {
                    "quantity": ValidationError(
                        _("%(committed)s of this line are already pledged: it cannot ask for less.")
                        % {"committed": quantity_format(locked.committed, **said)},
                        code="below_committed",
                    )
                }
            )
        if value_cents is None and kind != ResourceKind.MONEY:
            value_cents = locked.value_of(quantity) if kind == locked.kind else None
        unit = unit or (locked.unit if kind == locked.kind else "")
        value_cents, unit = resource_valuation(kind=kind, quantity=quantity, value_cents=value_cents, unit=unit)
        before = {"quantity": locked.quantity, "value_cents": locked.value_cents, "label": locked.label}
        locked.kind, locked.quantity, locked.value_cents, locked.unit = kind, quantity, value_cents, unit
        if label is not None:
            locked.label = label
        if skills is not None:
            locked.skills = skills
        if available_from is not None or available_until is not None:
            _dates_ordered(available_from, available_until, field="available_until")
            locked.available_from, locked.available_until = available_from, available_until
        locked.full_clean()
        locked.save()
        need_refresh_totals(need)
        audit_log(
            actor=actor,
            city=need.city,
            verb="line.update",
            obj=locked,
            payload={
                "before": before,
                "after": {"quantity": quantity, "value_cents": value_cents, "label": locked.label},
            },
        )
    line.__dict__.update(
        {k: getattr(locked, k) for k in ("kind", "label", "quantity", "value_cents", "unit", "skills")}
    )
    return locked


def line_delete(*, actor, line: ResourceLine) -> None:
    """Remove a line nobody has pledged to. A line with pledges (even declined ones, kept for the
    record) is never deleted: lower its quantity to what is pledged instead."""
    require(actor, "needs.change_need", line.need)
    with transaction.atomic():
        need, locked = _locked_line(line)
        if need.state not in EDITABLE_STATES:
            raise ValidationError(
                _("A need that is “%(state)s” can no longer be changed.") % {"state": need.state_label},
                code="not_editable",
            )
        if locked.pledge_items.exists():
            raise ValidationError(
                _("This line has pledges and cannot be deleted: lower its quantity to what is pledged instead."),
                code="line_pledged",
            )
        audit_log(
            actor=actor,
            city=need.city,
            verb="line.delete",
            obj=locked,
            payload={"kind": locked.kind, "quantity": locked.quantity, "value_cents": locked.value_cents},
        )
        locked.delete()
        need_refresh_totals(need)

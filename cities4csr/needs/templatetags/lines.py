from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cities4csr.core.templatetags.money import context_currency, money_text, quantity_text
from cities4csr.core.templatetags.translated import translated_html
from cities4csr.needs import sdg

register = template.Library()


@register.simple_tag(takes_context=True)
def line_progress(context, line):
    """A resource line: what it asks for, how much of it is committed, and a progress bar. Python
    rather than an included template: the catalogue draws one for every line of every card."""
    return _line_progress(line, context_currency(context), italia=_italia(context.get("city")))


def _italia(city) -> bool:
    """Whether the city's pages use Bootstrap Italia's components (its theme), else Bootstrap 5's."""
    return getattr(city, "theme", None) == "bootstrap-italia"


def _line_progress(line, currency: str, *, italia: bool = False):
    """Bootstrap 5's progress bar with the percentage inside it, or Bootstrap Italia's thin bar with
    the percentage written above it (its progress-bar-wrapper and label)."""
    percent = line.percent
    head = format_html(
        '<div class="d-flex justify-content-between"><span>{}: {}</span><span>{} / {}</span></div>',
        line.kind_label,
        line.label,
        quantity_text(line.committed, line, currency),
        quantity_text(line.quantity, line, currency),
    )
    if italia:
        return format_html(
            '<div class="progress-bar-wrapper mb-3">{}<div class="progress-bar-label" aria-hidden="true">{}%</div>'
            '<div class="progress" role="progressbar" aria-label="{}" aria-valuenow="{}" aria-valuemin="0"'
            ' aria-valuemax="100"><div class="progress-bar pct-{}"></div></div></div>',
            head,
            percent,
            line.label,
            percent,
            percent,
        )
    return format_html(
        '<div class="mb-2">{}<div class="progress" role="progressbar" aria-label="{}" aria-valuenow="{}"'
        ' aria-valuemin="0" aria-valuemax="100"><div class="progress-bar pct-{}">{}%</div></div></div>',
        head,
        line.label,
        percent,
        percent,
        percent,
    )


@register.simple_tag
def need_card(need, city):
    """A need in the catalogue's list: its title and link; where, state and themes; its lines;
    what is still missing. Python for the reason line_progress is: twenty of them a page."""
    city_slug, currency, italia = city.slug, city.currency, _italia(city)
    caption = [name for name in (need.area and need.area.name, need.district and need.district.name) if name]
    # Bootstrap Italia's card sits in a card-wrapper, on its card-bg shadow; Bootstrap's is a bordered box.
    opening = (
        '<li class="card-wrapper card-space mb-3"><div class="card card-bg">'
        if italia
        else '<li class="card mb-3"><div>'
    )
    return format_html(
        '{}<div class="card-body"><h3 class="h5 card-title"><a href="{}">{}</a></h3>'
        '<p class="mb-1 small card-text">{}</p>{}<p class="mb-0"><strong>{}:</strong> {}</p></div></div></li>',
        format_html(opening),
        reverse("need_detail", kwargs={"city_slug": city_slug, "pk": need.pk}),
        translated_html(need.titles, original_language=city.default_language, original=need.title),
        " · ".join([*caption, str(need.state_label), *need.theme_labels]),
        format_html_join("", "{}", ((_line_progress(line, currency, italia=italia),) for line in need.lines.all())),
        _("Still missing"),
        money_text(need.value_open_cents, currency),
    )


@register.filter
def sdg_label(code) -> str:
    """An SDG code with its name in the page's language: "4.a — Costruire e migliorare…"."""
    return sdg.label(str(code), get_language() or "en")

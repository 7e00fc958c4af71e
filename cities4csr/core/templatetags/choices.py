from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def options(choices, selected=None, empty_label=None):
    """<option> elements for (value, label) pairs, the selected one marked. A Python loop: the
    catalogue's filters list hundreds of options, which a template loop renders several times slower."""
    selected = "" if selected in (None, "") else str(selected)
    empty = format_html('<option value="">{}</option>', empty_label) if empty_label is not None else ""
    return format_html(
        "{}{}",
        empty,
        format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((value, " selected" if str(value) == selected else "", label) for value, label in choices if value != ""),
        ),
    )

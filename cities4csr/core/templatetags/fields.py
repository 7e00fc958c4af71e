"""How ``includes/form.html`` draws a field's control: with the design's class for its kind (a
select looks like a select), and Django's aria-invalid / aria-describedby (help and error ids)."""

from django import forms, template

register = template.Library()


def _css_class(widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


@register.filter
def control(field):
    """The field's widget, classed for its kind ("is-invalid" when it has errors)."""
    widget = field.field.widget
    classes = [widget.attrs.get("class", ""), _css_class(widget), "is-invalid" if field.errors else ""]
    return field.as_widget(attrs={"class": " ".join(c for c in classes if c)})


@register.filter
def describedby(field) -> str:
    """The ids that describe a field drawn as a fieldset (help, then errors), for the fieldset."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.simple_tag
def date_format_hint() -> str:
    """ "Format: gg/mm/aaaa" in the page's language, for a date box written by hand in a template."""
    from django.utils.translation import gettext

    from cities4csr.core.forms import date_hint

    return gettext("Format: %(format)s") % {"format": date_hint()}

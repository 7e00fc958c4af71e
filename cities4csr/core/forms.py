"""Form fields for amounts and quantities: every amount a person types in a form goes through
``core.money.money_parse`` in the active language (docs/adr/0009-money-input.md). And what every
page does with a service's answer: errors onto the form's fields, a transition's outcome as a
message."""

from __future__ import annotations

from contextlib import contextmanager

from django import forms
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import formats
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from .lifecycle import TransitionRepeated
from .money import (
    MAX_INPUT_CHARS,
    MAX_QUANTITY,
    MoneyError,
    active_locale,
    money_example,
    money_input,
    money_parse,
    quantity_input,
    quantity_parse,
)
from .notifications import KINDS


class MoneyField(forms.CharField):
    """An amount typed as the active language writes it ("60.000,50" in Italian), cleaned to
    integer cents of ``currency`` (the city's). Refused, with the accepted forms in the message,
    when it could mean two things, has too many decimals, is negative or beyond MAX_CENTS.

    ``currency`` may be given later by ``CurrencyFormMixin`` (fields declared on the class).
    ``minimum`` is in cents: 1 for "more than zero". The help text, unless one is given, shows
    the accepted forms in the language of the page.
    """

    def __init__(self, *, currency: str | None = None, minimum: int = 0, **kwargs):
        self.currency = currency
        self.minimum = minimum
        self._example_help = "help_text" not in kwargs
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "maxlength": MAX_INPUT_CHARS}))
        super().__init__(**kwargs)
        self._bind_help()

    def _bind_help(self):
        if self._example_help:  # read when the page is drawn: the active language, the set currency
            self.help_text = lazy(self._example, str)()

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy._bind_help()
        return copy

    def _example(self) -> str:
        return money_example(locale=active_locale(), currency=self.currency or "EUR")

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool) and self.currency:
            return money_input(value, locale=active_locale(), currency=self.currency)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        if self.currency is None:
            raise ImproperlyConfigured("A MoneyField needs the city's currency before it can read an amount.")
        try:
            cents = money_parse(text, locale=active_locale(), currency=self.currency)
        except MoneyError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None
        if cents < self.minimum:
            raise forms.ValidationError(_("The amount must be more than zero."), code="too_small")
        return cents


class QuantityField(forms.CharField):
    """A whole number of hours, items or days typed as the active language writes it ("1.500" in
    Italian), from ``min_value`` to ``max_value`` (MAX_QUANTITY); cleaned to an int. Django's
    IntegerField would read the Italian "1.000" as 1."""

    def __init__(self, *, min_value: int = 1, max_value: int = MAX_QUANTITY, **kwargs):
        self.min_value, self.max_value = min_value, max_value
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "maxlength": MAX_INPUT_CHARS}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return quantity_input(value, locale=active_locale())
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return quantity_parse(text, locale=active_locale(), minimum=self.min_value, maximum=self.max_value)
        except MoneyError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None


class ChoiceFilterCheckboxes(forms.CheckboxSelectMultiple):
    """Tick boxes in a fieldset that a filter box narrows as one types (``static/js/choice-filter.js``).

    Without JavaScript they are plain tick boxes, all shown; the filter box appears only when the
    script runs. ``includes/form.html`` draws it (``filterable``); its words are the page's.
    The script and its few styles load only on a page that has such a field (``form.media``)."""

    filterable = True

    class Media:
        js = ["js/choice-filter.js"]
        css = {"all": ["css/forms.css"]}


class AreaChoiceIterator(forms.models.ModelChoiceIterator):
    """Neighbourhoods as a person counts them: "1 Duomo, 2 Brera, … 10 …", never 1, 10, 11."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for area in sorted(self.queryset, key=lambda a: (a.sort_key, a.name)):
            yield self.choice(area)


class AreaMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several areas of the city, picked by typing part of a name or code."""

    iterator = AreaChoiceIterator
    widget = ChoiceFilterCheckboxes


def date_hint() -> str:
    """The active language's date form, as a person reads it: "gg/mm/aaaa" in Italian."""
    pattern = formats.get_format("DATE_INPUT_FORMATS")[0]
    words = {
        "%d": pgettext("date format hint: day", "dd"),
        "%m": pgettext("date format hint: month", "mm"),
        "%Y": pgettext("date format hint: year", "yyyy"),
        "%y": pgettext("date format hint: year", "yy"),
    }
    for code, word in words.items():
        pattern = pattern.replace(code, word)
    return pattern


class LocaleDateInput(forms.DateInput):
    """A date typed and shown in the page's language, not the browser's: a text box in the first
    of the language's DATE_INPUT_FORMATS ("31/12/2026" in it, fr and en, which is en-GB here:
    config/formats). A native ``type=date`` would follow the browser's locale (ADR 0020)."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "maxlength": 10, "size": 10, **(attrs or {})}, format=None)


class LocaleDateField(forms.DateField):
    """A date in the page's language (``LocaleDateInput``), parsed by Django's input formats of
    the active language; its help text starts with the form to type ("Formato: gg/mm/aaaa")."""

    widget = LocaleDateInput

    def __init__(self, **kwargs):
        self._own_help = kwargs.pop("help_text", "")
        super().__init__(**kwargs)
        self._bind_help()

    def _bind_help(self):
        self.help_text = lazy(self._help, str)()

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy._bind_help()
        return copy

    def _help(self) -> str:
        hint = _("Format: %(format)s") % {"format": date_hint()}
        return f"{hint}. {self._own_help}" if self._own_help else hint


class CurrencyFormMixin:
    """A form whose MoneyFields count in ``currency`` (the city's), given at construction; a
    label with ``%(currency)s`` names it."""

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency
        for field in self.fields.values():
            if isinstance(field, MoneyField):
                field.currency = currency
                if field.label and "%(currency)s" in str(field.label):
                    field.label = str(field.label) % {"currency": currency}


def add_service_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: each field's messages under that field when the
    form has it, the rest above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@contextmanager
def transition_messages(request):
    """Run a transition: a repeat (double click) is said plainly, a refusal shown as an error."""
    try:
        yield
    except TransitionRepeated as exc:
        messages.info(request, " ".join(exc.messages))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))


class EmailPreferencesForm(forms.Form):
    """The kinds of notification a person also wants by e-mail."""

    by_email = forms.MultipleChoiceField(
        label=gettext_lazy("Also send me an e-mail when"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["by_email"].choices = list(KINDS.items())


class ActivityFilterForm(forms.Form):
    """The filters of the city's activity (audit trail), on the page and in the API: a person, a
    kind of object, words of its title, what was done, and a range of days."""

    actor = forms.TypedChoiceField(label=gettext_lazy("Person"), required=False, coerce=int, empty_value=None)
    object_type = forms.ChoiceField(label=gettext_lazy("Kind of object"), required=False)
    q = forms.CharField(label=gettext_lazy("Object"), required=False, max_length=100, strip=True)
    verb = forms.ChoiceField(label=gettext_lazy("What was done"), required=False)
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, actors=(), **kwargs):
        from .activity import object_kind_choices, verb_choices

        super().__init__(*args, **kwargs)
        everyone = ("", _("Everyone"))
        self.fields["actor"].choices = [everyone, *actors]
        self.fields["object_type"].choices = [("", _("Every kind")), *object_kind_choices()]
        self.fields["verb"].choices = [("", _("Everything")), *verb_choices()]
        self.fields["q"].widget.attrs["type"] = "search"
        # the date fields also read the ISO form (the date picker sends it) whatever the language
        for name in ("since", "until"):
            self.fields[name].input_formats = ["%Y-%m-%d", *self.fields[name].input_formats]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The last day comes before the first one."))
        return cleaned

    def filters(self) -> dict:
        """The valid filters as ``audit_events`` takes them (an invalid one is left out)."""
        data = getattr(self, "cleaned_data", {})
        out = {
            "actor": data.get("actor"),
            "object_type": data.get("object_type") or "",
            "q": data.get("q") or "",
            "verb": data.get("verb") or "",
            "since": data.get("since"),
            "until": data.get("until"),
        }
        if "until" not in data:
            out["since"] = out["until"] = None
        return out

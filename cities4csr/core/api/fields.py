"""Serializer fields for amounts and quantities the API writes (docs/adr/0009-money-input.md).

The API does not guess a language: an amount is integer cents (``6000050``) or a decimal string
with "." (``"60000.50"``, in units of the city's currency); anything else, beyond the bounds of
``core.money`` or with more decimals than the currency has, is a 400 with a stable code.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from cities4csr.core.money import (
    MAX_CENTS,
    MAX_QUANTITY,
    MoneyError,
    active_locale,
    decimals_of,
    money_check,
    money_from_decimal,
    quantity_check,
)

#: "60000.50": digits, optionally "." and decimals; a leading "-" only to say "negative"
_DECIMAL_STRING = re.compile(r"-?[0-9]{1,40}(\.[0-9]{1,40})?")
_WHOLE_STRING = re.compile(r"-?[0-9]{1,40}")
_MAX_STRING = 48


#: the largest id a row can have (a signed 64-bit integer)
MAX_ID = 2**63 - 1


class IdField(serializers.IntegerField):
    """A row's id: a number beyond the database's integer is a 400, not an overflow in the
    database driver (an id that names no row is the view's "not found", as before)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


def _currency(field) -> str | None:
    city = field.context.get("city")
    if city is None and field.context.get("request") is not None:
        city = getattr(field.context["request"], "city", None)
    return getattr(city, "currency", None)


class MoneyCentsField(serializers.Field):
    """Integer cents, or a "60000.50" string in units; cleaned to integer cents. ``minimum`` is in
    cents (1 for "more than zero")."""

    default_error_messages = {
        "invalid": _('Give the amount as integer cents (6000050) or as a decimal string with "." ("60000.50").'),
        "negative": _("The amount cannot be negative."),
        "too_large": _("The amount is too large: at most {max} cents."),
        "too_small": _("The amount must be at least {min} cents."),
        "too_many_decimals": _("An amount in {currency} has at most {digits} decimals."),
    }

    def __init__(self, *, minimum: int = 0, **kwargs):
        self.minimum = minimum
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        currency = _currency(self) or "EUR"  # without a city: cents, two decimals at most
        locale = active_locale()
        try:
            if isinstance(data, int) and not isinstance(data, bool):
                cents = money_check(data, locale=locale, currency=currency)
            elif isinstance(data, str) and len(data) <= _MAX_STRING and _DECIMAL_STRING.fullmatch(data):
                cents = money_from_decimal(data, locale=locale, currency=currency)
            else:
                self.fail("invalid")
        except MoneyError as exc:
            self.fail(exc.code, max=MAX_CENTS, currency=currency, digits=decimals_of(currency))
        if cents < self.minimum:
            self.fail("too_small", min=self.minimum)
        return cents

    def to_representation(self, value):
        return int(value)


class QuantityField(serializers.Field):
    """A whole number from ``minimum`` to ``maximum`` (MAX_QUANTITY: hours, items, days;
    MAX_CENTS where a money line counts in cents). A JSON integer, or its digits as a string (form
    posts)."""

    default_error_messages = {
        "invalid": _("Give a whole number."),
        "not_whole": _("Give a whole number."),
        "negative": _("The number cannot be negative."),
        "too_small": _("The number must be at least {min}."),
        "too_large": _("The number is too large: at most {max}."),
    }

    def __init__(self, *, minimum: int = 1, maximum: int = MAX_QUANTITY, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and len(data) <= _MAX_STRING and _WHOLE_STRING.fullmatch(data.strip()):
            data = int(data)
        if not isinstance(data, int | float) or isinstance(data, bool):
            self.fail("invalid")
        try:
            return quantity_check(data, locale=active_locale(), minimum=self.minimum, maximum=self.maximum)
        except MoneyError as exc:
            self.fail(exc.code, min=self.minimum, max=self.maximum)

    def to_representation(self, value):
        return int(value)


def quantity_for_kind(attrs: dict, *, money_kind: str = "money") -> dict:
    """A line's or offer's quantity counts cents for money (up to MAX_CENTS), units otherwise (up
    to MAX_QUANTITY): the second bound, once the kind is known."""
    if attrs.get("kind") != money_kind and attrs.get("quantity", 0) > MAX_QUANTITY:
        raise serializers.ValidationError(
            {
                "quantity": [
                    serializers.ErrorDetail(
                        str(QuantityField.default_error_messages["too_large"]).format(max=MAX_QUANTITY),
                        code="too_large",
                    )
                ]
            }
        )
    return attrs


class MoneyCentsFieldSchema(OpenApiSerializerFieldExtension):
    """OpenAPI: integer cents or a "60000.50" string, with this field's bounds."""

    target_class = MoneyCentsField

    def map_serializer_field(self, auto_schema, direction):
        return {
            "oneOf": [
                {
                    "type": "integer",
                    "minimum": self.target.minimum,
                    "maximum": MAX_CENTS,
                    "description": "cents (hundredths of the city's currency)",
                },
                {
                    "type": "string",
                    "pattern": r"^[0-9]{1,13}(\.[0-9]{1,2})?$",
                    "description": "units of the city's currency with '.' before the decimals, no grouping; "
                    "at most the currency's decimals (none for JPY)",
                    "example": "60000.50",
                },
            ],
            "description": "An amount: integer cents (6000050) or a decimal string with '.' in units of the "
            f'city\'s currency ("60000.50"); at most {MAX_CENTS} cents, never rounded. Error codes: '
            "invalid, negative, too_many_decimals, too_large, too_small.",
        }


class QuantityFieldSchema(OpenApiSerializerFieldExtension):
    """OpenAPI: a bounded integer."""

    target_class = QuantityField

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "integer",
            "minimum": self.target.minimum,
            "maximum": self.target.maximum,
            "description": "A whole number. Error codes: invalid, not_whole, negative, too_small, too_large.",
        }

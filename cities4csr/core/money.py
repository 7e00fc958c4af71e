"""Money is integer cents. Formatting for people happens at the edge."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def euros_to_cents(value) -> int:
    """'5000', '5000.5', 5000 -> cents. ValueError for anything else or a negative amount."""
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, AttributeError):
        raise ValueError(f"{value!r} is not an amount") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{value!r} is not a positive amount")
    return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def cents_to_euros(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))

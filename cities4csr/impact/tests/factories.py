"""Indicators and updates, made through the services."""

import datetime
from decimal import Decimal

from cities4csr.impact import services


def an_indicator(*, city, need=None, action=None, actor=None, **fields):
    defaults = {
        "name": "Alunni nel doposcuola",
        "unit": "alunni",
        "baseline": Decimal(0),
        "baseline_on": datetime.date(2025, 1, 1),
        "target": Decimal(100),
        "target_on": datetime.date(2027, 6, 30),
    }
    return services.indicator_create(actor=actor, city=city, need=need, action=action, **{**defaults, **fields})


def an_update(indicator, *, actor=None, value=Decimal(50), measured_on=datetime.date(2026, 3, 1), state="draft"):
    update = services.update_create(actor=actor, indicator=indicator, value=value, measured_on=measured_on)
    if state in ("submitted", "approved", "returned"):
        update = services.update_transition(actor=None, update=update, to="submitted")
    if state in ("approved", "returned"):
        update = services.update_transition(actor=None, update=update, to=state, reason="Manca la prova")
    return update

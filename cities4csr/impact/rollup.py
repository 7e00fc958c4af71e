"""The results tree and its progress, rolled up by weight. Pure Python (ADR 0034).

An indicator's progress is how far its latest approved value has gone from the baseline
towards the target, between 0 and 1 (a target below the baseline is a decrease to reach; going
the wrong way is 0, beyond the target 1). An indicator without an approved value yet counts as
0: the tree never shows progress nobody has measured.

A node's progress is the mean of its children's, each weighted by its weight: an indicator by
its own, a need or an action by the sum of its indicators' weights, so that a need with three
indicators of weight 1 counts as much in its action as one indicator of weight 3. A node with
no indicator under it has no progress (None) and no weight.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


def indicator_progress(*, baseline: Decimal, target: Decimal, value: Decimal | None) -> float:
    """Share of the way from ``baseline`` to ``target`` that ``value`` has gone, in [0, 1]."""
    if value is None or target == baseline:
        return 0.0
    share = (Decimal(value) - Decimal(baseline)) / (Decimal(target) - Decimal(baseline))
    return float(min(Decimal(1), max(Decimal(0), share)))


@dataclass
class Node:
    """One place in the tree: the plan, an action, a need or an indicator."""

    key: str  # "plan", "action:3", "need:42", "indicator:7"
    weight: int = 0
    progress: float | None = None
    measured: int = 0  # indicators under it with an approved value
    indicators: int = 0  # indicators under it
    children: list[Node] = field(default_factory=list)


def leaf(key: str, *, weight: int, baseline: Decimal, target: Decimal, value: Decimal | None) -> Node:
    return Node(
        key=key,
        weight=weight,
        progress=indicator_progress(baseline=baseline, target=target, value=value),
        measured=int(value is not None),
        indicators=1,
    )


def branch(key: str, children: list[Node]) -> Node:
    """A node over ``children``: its weight is theirs summed, its progress their weighted mean."""
    counted = [c for c in children if c.progress is not None and c.weight > 0]
    weight = sum(c.weight for c in counted)
    progress = sum(c.progress * c.weight for c in counted) / weight if weight else None
    return Node(
        key=key,
        weight=weight,
        progress=progress,
        measured=sum(c.measured for c in children),
        indicators=sum(c.indicators for c in children),
        children=children,
    )

"""Writes of the reporting app: a company's management costs of its community programme on the
ledger (B4SI's fourth input, ADR 0036).

B4SI counts what running a community programme costs the company (the staff who run it, its
communication, its evaluation) as an input of its own, beside cash, time and in-kind. It is money
the company spends, not money anyone in the city receives: the movement goes from the company's
giver account to its own programme account (``Account.Kind.PROGRAMME``), so it appears among what
the company gave (its statement) and never among what a need or a neighbourhood received. A
mistake is corrected by reversing the movement (``management_cost_reverse``); nothing is edited.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cities4csr.core.money import MAX_CENTS
from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log
from cities4csr.ledger.models import Account, Motivation, Posting, PostingGroup, ReasonCode, Source, Valuation
from cities4csr.ledger.resources import ResourceKind
from cities4csr.ledger.services import Leg, group_post, group_reverse

MEMO_MAX = 255


def _invalid(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def management_cost_record(
    *, actor, organisation, amount_cents: int, on: datetime.date, memo: str = ""
) -> PostingGroup:
    """Record ``amount_cents`` that running ``organisation``'s community programme cost it, on
    ``on`` (staff, communication, evaluation…): one ledger movement from its giver account to its
    programme account, money at face value, motivation "community investment", valued as declared
    by the company. For the company's representatives; audited."""
    require(actor, "reporting.record_management_cost", organisation)
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool) or amount_cents <= 0:
        raise _invalid("amount_cents", _("The amount must be above zero."), "not_positive")
    if amount_cents > MAX_CENTS:
        raise _invalid("amount_cents", _("The amount is too large."), "too_large")
    if not isinstance(on, datetime.date) or isinstance(on, datetime.datetime):
        raise _invalid("on", _("Give a date."), "invalid_date")
    if on > timezone.localdate():
        raise _invalid(
            "on", _("A cost is recorded once it has been borne: the date cannot be in the future."), "future"
        )
    memo = " ".join((memo or "").split())
    if len(memo) > MEMO_MAX:
        raise _invalid("memo", _("Write at most 255 characters."), "too_long")
    city = organisation.city
    with transaction.atomic():
        group = group_post(
            actor=actor,
            city=city,
            legs=[
                Leg(Account.Kind.GIVER, organisation.pk, -amount_cents, label=organisation.name),
                Leg(Account.Kind.PROGRAMME, organisation.pk, amount_cents, label=organisation.name),
            ],
            source=Source.MANAGEMENT_COST,
            resource_kind=ResourceKind.MONEY,
            motivation=Motivation.COMMUNITY_INVESTMENT,
            valuation=Valuation.DECLARED,
            effective_on=on,
            memo=memo,
        )
        audit_log(
            actor=actor,
            city=city,
            verb="management_cost.record",
            obj=organisation,
            payload={"seq": group.seq, "amount_cents": amount_cents, "on": on.isoformat(), "memo": memo},
        )
    return group


def _management_cost_of(organisation, group: PostingGroup) -> bool:
    """``group`` is a management cost of ``organisation`` (and not itself a reversal)."""
    return (
        group.city_id == organisation.city_id
        and group.source == Source.MANAGEMENT_COST
        and group.reverses_id is None
        and Posting.objects.with_scopes_disabled()
        .filter(group=group, account__kind=Account.Kind.PROGRAMME, account__ref_id=organisation.pk)
        .exists()
    )


def management_cost_reverse(*, actor, organisation, group: PostingGroup, memo: str = "") -> PostingGroup:
    """Cancel a management cost recorded in error: a reversing movement linked to it ("entered in
    error"); the first stays in the ledger. For the company's representatives; audited."""
    require(actor, "reporting.record_management_cost", organisation)
    if not _management_cost_of(organisation, group):
        raise _invalid("group", _("This is not a management cost of this company."), "not_a_management_cost")
    if PostingGroup.objects.with_scopes_disabled().filter(reverses=group).exists():
        raise _invalid("group", _("This management cost has already been cancelled."), "already_reversed")
    memo = " ".join((memo or "").split())[:MEMO_MAX]
    with transaction.atomic():
        reversal = group_reverse(
            actor=actor,
            group=group,
            reason_code=ReasonCode.ENTERED_IN_ERROR,
            memo=memo,
            source_ref=f"reporting.management_cost.reverse:{group.pk}",
        )
        audit_log(
            actor=actor,
            city=organisation.city,
            verb="management_cost.reverse",
            obj=organisation,
            payload={"seq": group.seq, "reversal_seq": reversal.seq, "memo": memo},
        )
    return reversal

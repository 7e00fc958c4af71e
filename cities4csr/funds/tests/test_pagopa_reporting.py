"""The pagoPA reporting flow (FlussoRiversamento, ADR 0028): a real-shaped file is read to the
cent; malformed ones are refused naming the line and the reason; random flows written and read
back keep every amount exactly; the reconciliation plan receives each paid notice once."""

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cities4csr.funds.pagopa import (
    MAX_FLOW_BYTES,
    PAID_OUTCOMES,
    Action,
    NoticeSettings,
    PagoPAError,
    ReportingFlow,
    iuv_for,
    parse_reporting_flow,
    plan_reconciliation,
)

from .pagopa_flows import FIXTURES, MILANO, flow_xml

SETTINGS = NoticeSettings(tax_code=MILANO, segregation_code="01")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def refused(data, **kwargs) -> PagoPAError:
    with pytest.raises(PagoPAError) as error:
        parse_reporting_flow(data, **kwargs)
    return error.value


# ---------------------------------------------------------------- a real-shaped flow


def test_the_milano_flow_is_read_to_the_cent():
    flow = parse_reporting_flow(fixture("pagopa_flow_milano.xml"), expected_tax_code=MILANO)
    assert flow.flow_id == "2026-12-04BPPIITRRXXX-0000004217"
    assert flow.flow_at == datetime(2026, 12, 4, 6, 12, 45)
    assert flow.settlement_ref == "BPPIITRRXXX20261204000042"
    assert flow.settlement_on == date(2026, 12, 4)
    assert (flow.sender_id_type, flow.sender_id, flow.sender_name) == ("B", "BPPIITRRXXX", "Poste Italiane S.p.A.")
    assert (flow.receiver_tax_code, flow.receiver_name) == (MILANO, "Comune di Milano")
    assert flow.total_cents == 41750
    assert [(p.iuv, p.amount_cents, p.outcome, p.index) for p in flow.payments] == [
        (iuv_for(SETTINGS, 1001), 2000, "0", 1),
        (iuv_for(SETTINGS, 1002), 15000, "4", 1),
        (iuv_for(SETTINGS, 1003), 3550, "9", None),
        ("02000000004512377", 21200, "0", 1),
    ]
    assert flow.payments[0].iur == "c3a1f0e2d4b64f0e9a7b5c1d2e3f4a50"
    assert flow.payments[0].outcome_on == date(2026, 12, 2)
    # each payment knows where it is in the file, for the officer's report
    lines = fixture("pagopa_flow_milano.xml").decode().splitlines()
    for payment in flow.payments:
        assert "<datiSingoliPagamenti>" in lines[payment.line - 1]


def test_a_flow_without_namespace_or_with_a_prefix_is_read():
    payments = [("01000000000100121", "IUR1", "20.00", "0", "2026-12-02")]
    assert parse_reporting_flow(flow_xml(payments, namespace=False)).total_cents == 2000
    prefixed = flow_xml(payments).decode()
    prefixed = prefixed.replace("<FlussoRiversamento xmlns=", "<pay_i:FlussoRiversamento xmlns:pay_i=")
    prefixed = prefixed.replace("</FlussoRiversamento>", "</pay_i:FlussoRiversamento>")
    for name in ("versioneOggetto", "identificativoFlusso", "dataOraFlusso", "identificativoUnivocoRegolamento",
                 "dataRegolamento", "istitutoMittente", "identificativoUnivocoMittente", "tipoIdentificativoUnivoco",
                 "codiceIdentificativoUnivoco", "istitutoRicevente", "identificativoUnivocoRicevente",
                 "numeroTotalePagamenti", "importoTotalePagamenti", "datiSingoliPagamenti",
                 "identificativoUnivocoVersamento", "identificativoUnivocoRiscossione", "singoloImportoPagato",
                 "codiceEsitoSingoloPagamento", "dataEsitoSingoloPagamento"):  # fmt: skip
        prefixed = prefixed.replace(f"<{name}>", f"<pay_i:{name}>").replace(f"</{name}>", f"</pay_i:{name}>")
    assert parse_reporting_flow(prefixed).payments[0].amount_cents == 2000


# ---------------------------------------------------------------- refused, with line and reason


def test_a_decimal_comma_is_refused_naming_its_line():
    error = refused(fixture("pagopa_flow_bad_amount.xml"))
    assert (error.code, error.line) == ("amount_invalid", 43)
    assert error.params == {"element": "singoloImportoPagato", "value": "150,00"}


def test_a_total_that_is_not_the_sum_is_refused():
    error = refused(fixture("pagopa_flow_total_mismatch.xml"))
    assert (error.code, error.line) == ("total_mismatch", 30)
    assert error.params == {"declared": 41700, "found": 41750}


def test_entities_are_refused_before_they_expand():
    error = refused(fixture("pagopa_flow_entities.xml"))
    assert error.code == "xml_forbidden"
    assert error.line == 2


def test_a_truncated_file_is_refused_with_the_line_where_it_stops():
    error = refused(fixture("pagopa_flow_truncated.xml"))
    assert error.code == "xml_malformed"
    assert error.line == 40


def test_a_flow_for_another_ente_is_refused():
    error = refused(fixture("pagopa_flow_milano.xml"), expected_tax_code="00514490010")
    assert error.code == "receiver_mismatch"
    assert error.params == {"found": MILANO, "expected": "00514490010"}


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "file_empty"),
        (b"   \n", "file_empty"),
        (b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'/>", "root_unexpected"),
        (b"<FlussoRiversamento xmlns='urn:other'/>", "root_unexpected"),
        (b"<FlussoRiversamento/>", "element_missing"),
        (b"a,b,c\n1,2,3\n", "xml_malformed"),
    ],
)
def test_files_that_are_not_a_flow_are_refused(data, code):
    assert refused(data).code == code


PAYMENT = ("01000000000100121", "IUR1", "20.00", "0", "2026-12-02")


@pytest.mark.parametrize(
    ("payments", "kwargs", "code", "params"),
    [
        ([PAYMENT], {"count": 2}, "count_mismatch", {"declared": 2, "found": 1}),
        ([PAYMENT], {"count": 0}, "value_invalid", {"element": "numeroTotalePagamenti", "value": "0"}),
        ([PAYMENT[:2] + ("20.005",) + PAYMENT[3:]], {"total": "20.00"}, "amount_invalid", None),
        ([PAYMENT[:2] + ("2e3",) + PAYMENT[3:]], {"total": "20.00"}, "amount_invalid", None),
        ([PAYMENT[:2] + ("-20.00",) + PAYMENT[3:]], {}, "amount_invalid", None),  # negative, not a revocation
        ([PAYMENT[:2] + ("0.00",) + PAYMENT[3:]], {}, "amount_invalid", None),  # "diverso da 0"
        ([PAYMENT[:3] + ("X",) + PAYMENT[4:]], {}, "value_invalid", None),
        ([PAYMENT[:4] + ("2026-02-30",)], {}, "date_invalid", None),
        ([PAYMENT[:4] + ("02/12/2026",)], {}, "date_invalid", None),
        ([("",) + PAYMENT[1:]], {}, "value_invalid", None),  # empty IUV
        ([PAYMENT[:1] + ("x" * 36,) + PAYMENT[2:]], {}, "value_invalid", None),  # IUR > 35
        ([PAYMENT], {"flow_id": "2026 12 04 ABC"}, "value_invalid", None),
    ],
)
def test_a_bad_value_is_refused_with_its_reason(payments, kwargs, code, params):
    error = refused(flow_xml(payments, **kwargs))
    assert error.code == code
    assert error.line is not None and error.line > 1
    if params is not None:
        assert error.params == params


def test_a_file_too_large_is_refused_before_it_is_read():
    assert refused(b"<" + b" " * MAX_FLOW_BYTES + b">").code == "file_too_large"


def test_a_revocation_carries_a_negative_amount():
    flow = parse_reporting_flow(flow_xml([PAYMENT, PAYMENT[:1] + ("IUR2", "-20.00", "3", "2026-12-03")]))
    assert [p.amount_cents for p in flow.payments] == [2000, -2000]
    assert flow.total_cents == 0


def test_every_error_message_names_its_line():
    error = refused(fixture("pagopa_flow_bad_amount.xml"))
    assert str(error).startswith("Line 43:")


# ---------------------------------------------------------------- properties

cents = st.integers(1, 99_999_999_999)


def amount_text(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


reported = st.lists(
    st.tuples(
        st.from_regex(r"[0-9]{17}", fullmatch=True),
        st.text("abcdef0123456789", min_size=1, max_size=35),
        cents,
        st.sampled_from(sorted(PAID_OUTCOMES)),
        st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    ),
    min_size=1,
    max_size=30,
)


@given(reported)
def test_any_flow_written_is_read_back_to_the_exact_cent(rows):
    data = flow_xml([(iuv, iur, amount_text(c), outcome, day.isoformat()) for iuv, iur, c, outcome, day in rows])
    flow = parse_reporting_flow(data, expected_tax_code=MILANO)
    assert [(p.iuv, p.iur, p.amount_cents, p.outcome, p.outcome_on) for p in flow.payments] == [
        (iuv, iur, c, outcome, day) for iuv, iur, c, outcome, day in rows
    ]
    assert flow.total_cents == sum(c for _, _, c, _, _ in rows)
    assert all(isinstance(p.amount_cents, int) for p in flow.payments)


@given(cents)
def test_amounts_with_fewer_decimals_mean_the_same_cents(value):
    whole, rest = divmod(value, 100)
    texts = [f"{whole}.{rest:02d}"]
    if rest % 10 == 0:
        texts.append(f"{whole}.{rest // 10}")
    if rest == 0:
        texts.append(f"{whole}")
    for text in texts:
        flow = parse_reporting_flow(flow_xml([PAYMENT[:2] + (text,) + PAYMENT[3:]], total=amount_text(value)))
        assert flow.payments[0].amount_cents == value


# ---------------------------------------------------------------- the reconciliation plan


def milano_flow() -> ReportingFlow:
    return parse_reporting_flow(fixture("pagopa_flow_milano.xml"))


def test_each_paid_notice_of_the_city_is_received_and_the_rest_is_said():
    iuvs = [iuv_for(SETTINGS, n) for n in (1001, 1002, 1003)]
    plan = plan_reconciliation(milano_flow(), pending={iuvs[0]: 2000, iuvs[1]: 15000}, issued=iuvs, done=())
    assert [(line.action, line.reason) for line in plan] == [
        (Action.RECEIVE, None),
        (Action.RECEIVE, None),  # esito 4: paid in stand-in, still paid
        (Action.SKIP, "not_pending"),  # 1003 was received already
        (Action.SKIP, "unknown_iuv"),  # another service of the city
    ]


def test_a_different_amount_is_received_with_a_note():
    iuv = iuv_for(SETTINGS, 1001)
    plan = plan_reconciliation(milano_flow(), pending={iuv: 2500}, issued=[iuv], done=())
    assert (plan[0].action, plan[0].reason) == (Action.RECEIVE, "amount_differs")


def test_a_flow_imported_again_receives_nothing():
    iuvs = [iuv_for(SETTINGS, n) for n in (1001, 1002, 1003)]
    flow = milano_flow()
    done = [(p.iuv, p.iur) for p in flow.payments]
    plan = plan_reconciliation(flow, pending=dict.fromkeys(iuvs, 1), issued=iuvs, done=done)
    assert {line.reason for line in plan} == {"already_reconciled"}
    assert not [line for line in plan if line.action == Action.RECEIVE]


def test_revocations_and_unknown_outcomes_are_skipped_with_their_reason():
    iuv = iuv_for(SETTINGS, 1001)
    flow = parse_reporting_flow(
        flow_xml([(iuv, "IUR1", "-20.00", "3", "2026-12-02"), (iuv, "IUR2", "20.00", "7", "2026-12-02")])
    )
    plan = plan_reconciliation(flow, pending={iuv: 2000}, issued=[iuv], done=())
    assert [line.reason for line in plan] == ["revoked", "not_paid"]


@given(
    st.lists(
        st.tuples(st.integers(1, 40), st.integers(1, 3), st.sampled_from(["0", "3", "4", "8", "9"])),
        min_size=1,
        max_size=40,
    ),
    st.sets(st.integers(1, 40)),
)
def test_a_pending_notice_is_received_at_most_once_whatever_the_flow_says(rows, pending_numbers):
    payments = [
        (iuv_for(SETTINGS, n), f"IUR{k}", "-1.00" if outcome == "3" else "1.00", outcome, "2026-12-02")
        for n, k, outcome in rows
    ]
    flow = parse_reporting_flow(flow_xml(payments))
    pending = {iuv_for(SETTINGS, n): 100 for n in pending_numbers}
    plan = plan_reconciliation(flow, pending=pending, issued=[iuv_for(SETTINGS, n) for n in range(1, 41)], done=())
    received = [line.payment.iuv for line in plan if line.action == Action.RECEIVE]
    assert len(received) == len(set(received))
    assert set(received) <= set(pending)
    assert all(line.payment.outcome in PAID_OUTCOMES for line in plan if line.action == Action.RECEIVE)
    assert len(plan) == len(payments)
    # importing it again, once the received notices are no longer pending and its lines are
    # kept, receives nothing
    done = [(line.payment.iuv, line.payment.iur) for line in plan]
    still_pending = {iuv: cents for iuv, cents in pending.items() if iuv not in received}
    again = plan_reconciliation(flow, pending=still_pending, issued=pending, done=done)
    assert not [line for line in again if line.action == Action.RECEIVE]

"""Bank statements in the funds app: an upload is read whole and refused with the line and the
reason, writing nothing; its lines pay pending contributions by reference, then by amount and
name, in a background task; a booking counts once however many files carry it; the officer matches
or sets aside what is left."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django_scopes import scope
from django_tasks_db.models import DBTaskResult

from cities4csr.core.models import AuditEvent
from cities4csr.funds.models import BankLine, Contribution, StatementImport
from cities4csr.funds.selectors import fund_figures
from cities4csr.funds.services import bank_line_ignore, bank_line_match, statement_upload
from cities4csr.funds.tests.factories import a_fund, a_gift
from cities4csr.ledger.models import PostingGroup

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def city(world):
    with scope(city=world.city.pk):
        yield world


def fixture_file(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else (FIXTURES / name).read_bytes())


def run_queued() -> list:
    """Run the queued reconciliations as db_worker does."""
    results = []
    for queued in DBTaskResult.objects.filter(task_path__endswith="statement_reconcile", status="READY").order_by(
        "enqueued_at"
    ):
        results.append(queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"]))
        queued.delete()
    return results


def with_reference(contribution: Contribution, reference: str) -> Contribution:
    """The fixtures quote references built for contributions 101…106 (RF47MI101…): give the
    test's contributions those references, as if they were them."""
    Contribution.objects.filter(pk=contribution.pk).update(reference=reference)
    contribution.refresh_from_db()
    return contribution


@pytest.fixture
def gifts(city):
    fund = a_fund(city)
    pending = {
        101: with_reference(a_gift(city, fund, 2000, received=False, name="Mario Rossi"), "RF47MI101"),
        102: with_reference(a_gift(city, fund, 5000, received=False, name="Anna Bianchi"), "RF20MI102"),
        103: a_gift(city, fund, 10000, received=False, name="Giuseppe Esposito"),
        104: with_reference(a_gift(city, fund, 3000, received=False, name="Amici del Parco"), "RF63MI104"),
        105: with_reference(a_gift(city, fund, 5000, received=False, name="Fondazione Ca' Granda"), "RF36MI105"),
        107: a_gift(city, fund, 7500, received=False, name="Chiara Verdi"),
    }
    return fund, pending


def upload(city, fund, name="camt053_v02.xml", data=None, capture=None, **kwargs):
    kwargs.setdefault("format", StatementImport.Format.CAMT053)
    if capture is None:
        return statement_upload(actor=city.officer, fund=fund, file=fixture_file(name, data), **kwargs)
    with capture(execute=True):
        return statement_upload(actor=city.officer, fund=fund, file=fixture_file(name, data), **kwargs)


def test_a_camt053_statement_reconciles_its_lines(city, gifts, django_capture_on_commit_callbacks):
    fund, pending = gifts
    statement = upload(city, fund, capture=django_capture_on_commit_callbacks)
    assert statement.state == StatementImport.State.QUEUED and statement.lines_total == 8
    assert run_queued() == [5]
    statement.refresh_from_db()
    assert statement.state == StatementImport.State.DONE
    assert (statement.lines_done, statement.lines_new, statement.lines_matched) == (8, 8, 5)
    assert statement.percent == 100
    lines = {line.line_number: line for line in BankLine.objects.filter(statement=statement)}
    assert {n: (line.state, line.matched_by, line.contribution_id) for n, line in lines.items()} == {
        45: ("matched", "reference", pending[101].pk),
        76: ("matched", "reference", pending[102].pk),
        95: ("matched", "amount_name", pending[103].pk),
        115: ("ignored", "", None),  # the bank's fees: a debit
        136: ("unmatched", "", None),  # VERDI COSTRUZIONI SRL is not Chiara Verdi
        161: ("matched", "reference", pending[104].pk),
        167: ("matched", "reference", pending[105].pk),
        175: ("unmatched", "", None),
    }
    for number in (101, 102, 103, 104, 105):
        pending[number].refresh_from_db()
        assert pending[number].state == Contribution.State.RECEIVED
        assert pending[number].received_on == datetime.date(2026, 3, 12)
    pending[107].refresh_from_db()
    assert pending[107].state == Contribution.State.PENDING
    fund.account.refresh_from_db()
    assert fund_figures(fund=fund)["balance_cents"] == 2000 + 5000 + 10000 + 3000 + 5000
    assert AuditEvent.objects.filter(verb="statement.reconcile").count() == 1


@pytest.mark.parametrize("kept", [True, False])
def test_the_task_reads_the_entries_the_upload_kept_or_else_the_file(
    city, gifts, django_capture_on_commit_callbacks, monkeypatch, kept
):
    """The upload keeps the entries it read beside the file: the task does not read the statement
    again (it would fail here), and gives the same lines. An import without them (uploaded before
    they were kept) is read from its file."""
    from cities4csr.funds.banking import camt053
    from cities4csr.funds.banking.records import entries_load

    fund, pending = gifts
    statement = upload(city, fund, capture=django_capture_on_commit_callbacks)
    assert statement.entries.name.endswith(".entries.json")
    kept_at = statement.entries.name
    with statement.entries.open("rb") as stored:
        assert [e.line for e in entries_load(stored.read())] == [45, 76, 95, 115, 136, 161, 167, 175]
    if kept:
        monkeypatch.setattr(camt053, "parse_camt053", lambda source: pytest.fail("the statement read again"))
    else:
        StatementImport.objects.filter(pk=statement.pk).update(entries="")
        default_storage.delete(kept_at)
    assert run_queued() == [5]
    statement.refresh_from_db()
    assert (statement.state, statement.lines_done, statement.lines_new) == (StatementImport.State.DONE, 8, 8)
    assert BankLine.objects.filter(statement=statement, contribution=pending[101]).exists()
    assert not statement.entries and not default_storage.exists(kept_at)  # discarded once run


def test_entries_load_refuses_what_entries_dump_did_not_write():
    from cities4csr.funds.banking.records import BankEntry, entries_dump, entries_load

    entries = [BankEntry("k", 1250, True, datetime.date(2026, 3, 12), None, debtor_name="Anna Bianchi", line=7)]
    assert entries_load(entries_dump(entries)) == entries
    assert entries_load(b"not json") is None
    assert entries_load(b'{"fields": ["key"], "entries": [["k"]]}') is None


def test_a_malformed_statement_is_refused_with_the_line_and_the_reason_and_changes_nothing(city, gifts):
    fund, pending = gifts
    groups = PostingGroup.objects.count()
    events = AuditEvent.objects.count()
    queued = DBTaskResult.objects.count()  # jobs others left in this worker's database are not ours
    with pytest.raises(ValidationError) as error:
        upload(city, fund, "camt053_malformed.xml")
    assert error.value.message_dict["file"] == ["Line 77: the amount “50,00” cannot be read."]
    with translation.override("it"), pytest.raises(ValidationError) as italian:
        upload(city, fund, "camt053_malformed.xml")
    assert italian.value.message_dict["file"][0].startswith("Riga 77")
    assert StatementImport.objects.count() == 0 and BankLine.objects.count() == 0
    assert PostingGroup.objects.count() == groups and AuditEvent.objects.count() == events
    assert DBTaskResult.objects.count() == queued


def test_a_statement_of_another_account_is_refused(city, gifts):
    fund, _ = gifts
    data = (
        (FIXTURES / "camt053_v02.xml").read_bytes().replace(b"IT60X0542811101000000123456", b"DE89370400440532013000")
    )
    with pytest.raises(ValidationError) as error:
        upload(city, fund, data=data)
    assert "DE89370400440532013000" in error.value.message_dict["file"][0]
    assert StatementImport.objects.count() == 0


def test_importing_again_adds_nothing(city, gifts, django_capture_on_commit_callbacks):
    fund, pending = gifts
    first = upload(city, fund, capture=django_capture_on_commit_callbacks)
    run_queued()
    fund.account.refresh_from_db()
    balance = fund_figures(fund=fund)["balance_cents"]
    groups = PostingGroup.objects.count()
    # the same file: its first import, nothing queued
    assert upload(city, fund, capture=django_capture_on_commit_callbacks) == first
    assert run_queued() == []
    # another file holding the same bookings (another statement number)
    data = (FIXTURES / "camt053_v02.xml").read_bytes().replace(b"<Id>20260312-", b"<Id>REPRINT-")
    second = upload(city, fund, data=data, capture=django_capture_on_commit_callbacks)
    assert second != first
    assert run_queued() == [0]
    second.refresh_from_db()
    assert (second.state, second.lines_total, second.lines_new, second.lines_matched) == ("done", 8, 0, 0)
    assert BankLine.objects.count() == 8
    fund.account.refresh_from_db()
    assert fund_figures(fund=fund)["balance_cents"] == balance and PostingGroup.objects.count() == groups


def test_the_officer_matches_a_line_by_hand_or_sets_it_aside(city, gifts, django_capture_on_commit_callbacks):
    fund, pending = gifts
    upload(city, fund, capture=django_capture_on_commit_callbacks)
    run_queued()
    verdi = BankLine.objects.get(line_number=136)
    neri = BankLine.objects.get(line_number=175)
    with pytest.raises(PermissionDenied):
        bank_line_match(actor=city.representative, line=verdi, contribution=pending[107])
    line = bank_line_match(actor=city.officer, line=verdi, contribution=pending[107])
    assert (line.state, line.matched_by, line.decided_by) == ("matched", "manual", city.officer)
    pending[107].refresh_from_db()
    assert pending[107].state == Contribution.State.RECEIVED and pending[107].received_cents == 7500
    with pytest.raises(ValidationError):  # a line is dealt with once
        bank_line_ignore(actor=city.officer, line=verdi, reason="twice")
    with pytest.raises(ValidationError):  # a received contribution is not matched again
        bank_line_match(actor=city.officer, line=neri, contribution=pending[101])
    with pytest.raises(ValidationError):
        bank_line_ignore(actor=city.officer, line=neri, reason=" ")
    line = bank_line_ignore(actor=city.officer, line=neri, reason="Given at the counter, recorded already")
    assert line.state == "ignored" and line.ignored_reason.startswith("Given at the counter")
    assert set(AuditEvent.objects.filter(verb__startswith="bankline.").values_list("verb", flat=True)) == {
        "bankline.match",
        "bankline.ignore",
    }


def test_only_the_citys_officers_upload(city, gifts, two_cities):
    fund, _ = gifts
    for person in (city.representative, city.resident, city.volunteer, two_cities.nantes.officer):
        with pytest.raises(PermissionDenied):
            statement_upload(
                actor=person, fund=fund, file=fixture_file("camt053_v02.xml"), format=StatementImport.Format.CAMT053
            )


def test_a_bank_csv_export(city, gifts, django_capture_on_commit_callbacks):
    fund, pending = gifts
    data = (
        b"Data contabile;Importo;Ordinante;Causale;Riferimento banca\n"
        b"12/03/2026;20,00;ROSSI MARIO;Bonifico RF47 MI10 1;CSV-1\n"
        b"12/03/2026;-2,00;;Spese;CSV-2\n"
    )
    profile = {
        "booking_date": "Data contabile",
        "amount": "Importo",
        "debtor_name": "Ordinante",
        "remittance": "Causale",
        "bank_reference": "Riferimento banca",
    }
    upload(
        city,
        fund,
        "movimenti.csv",
        data=data,
        format="csv",
        csv_profile=profile,
        capture=django_capture_on_commit_callbacks,
    )
    assert run_queued() == [1]
    pending[101].refresh_from_db()
    assert pending[101].state == Contribution.State.RECEIVED


def test_erasing_the_donor_blanks_the_payer_on_the_bank_line(city, django_capture_on_commit_callbacks):
    from cities4csr.accounts.tests.factories import PASSWORD, UserFactory
    from cities4csr.privacy.services import account_erase

    fund = a_fund(city)
    donor = UserFactory(email="ginevra@example.org", first_name="Ginevra", last_name="Testaccio")
    gift = with_reference(a_gift(city, fund, 2000, received=False, name="Ginevra Testaccio", actor=donor), "RF47MI101")
    data = (
        b"Data contabile;Importo;Ordinante;Causale;Riferimento banca\n"
        b"12/03/2026;20,00;TESTACCIO GINEVRA;Dono di Ginevra Testaccio RF47 MI10 1;CSV-1\n"
    )
    profile = {
        "booking_date": "Data contabile",
        "amount": "Importo",
        "debtor_name": "Ordinante",
        "remittance": "Causale",
        "bank_reference": "Riferimento banca",
    }
    upload(
        city,
        fund,
        "movimenti.csv",
        data=data,
        format="csv",
        csv_profile=profile,
        capture=django_capture_on_commit_callbacks,
    )
    run_queued()
    line = BankLine.objects.get(contribution=gift)
    assert line.debtor_name == "TESTACCIO GINEVRA"
    account_erase(actor=donor, user=donor, password=PASSWORD)
    line.refresh_from_db()
    assert (line.debtor_name, line.remittance, line.amount_cents, line.state) == ("", "", 2000, "matched")

"""What is wrong with a bank statement, in the reader's language: the words for the codes of
``banking.records.StatementError`` (the pure readers name a problem; this says it)."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .banking.records import StatementError

XML_PROBLEMS = {
    "mismatched_tag": lambda: _("an element is closed with another element's name"),
    "truncated": lambda: _("the file stops before its end (was it cut short?)"),
    "bad_character": lambda: _("it holds a character XML does not allow"),
    "after_end": lambda: _("something follows the end of the document"),
    "other": lambda: _("it is not well-formed XML"),
}


def statement_reason(code: str, params: dict) -> str:
    """The reason alone: "the amount “50,00” is not written as in a statement"."""
    value = str(params.get("value", ""))
    reasons = {
        "not_xml": lambda: (
            _("the file is not readable XML: %(problem)s")
            % {"problem": XML_PROBLEMS.get(params.get("problem"), XML_PROBLEMS["other"])()}
        ),
        "forbidden_xml": lambda: _(
            "the file declares a document type or entities, which bank statements never do: it is refused for safety"
        ),
        "not_camt053": lambda: _("this is not an ISO 20022 camt.053 bank statement"),
        "unsupported_version": lambda: (
            _("this statement version (%(version)s) is not read here: ask the bank for camt.053.001.02 to .13")
            % {"version": params.get("version", "")}
        ),
        "no_statement": lambda: _("the file holds no statement"),
        "missing": lambda: _("“%(element)s” is missing") % {"element": params.get("element", "")},
        "bad_amount": lambda: _("the amount “%(value)s” cannot be read") % {"value": value},
        "bad_date": lambda: _("the date “%(value)s” cannot be read") % {"value": value},
        "bad_indicator": lambda: _("“%(value)s” says neither credit (CRDT) nor debit (DBIT)") % {"value": value},
        "currency": lambda: (
            _("an amount in %(value)s on an account in %(expected)s")
            % {"value": value, "expected": params.get("expected", "")}
        ),
        "empty": lambda: _("the file is empty"),
        "bad_encoding": lambda: _("the file is not in the expected character encoding (UTF-8)"),
        "bad_columns": lambda: (
            _("the columns %(columns)s are missing from the first line") % {"columns": params.get("columns", "")}
        ),
        "too_many_columns": lambda: (
            _("the line has %(count)s fields where the first line names %(expected)s")
            % {"count": params.get("count", ""), "expected": params.get("expected", "")}
        ),
        "account": lambda: (
            _("the statement is for the account %(value)s, not this fund's (%(expected)s)")
            % {"value": value, "expected": params.get("expected", "")}
        ),
        "internal": lambda: _("an unexpected error stopped the reading; the lines read so far are kept"),
    }
    return reasons.get(code, reasons["internal"])()


def statement_message(code: str, line: int, params: dict) -> str:
    """The whole sentence: "Line 77: the amount “50,00” cannot be read."."""
    reason = statement_reason(code, params)
    if line:
        return pgettext("statement error", "Line %(line)s: %(reason)s.") % {"line": line, "reason": reason}
    return pgettext("statement error", "The file cannot be imported: %(reason)s.") % {"reason": reason}


def statement_error_message(error: StatementError) -> str:
    return statement_message(error.code, error.line, error.params)

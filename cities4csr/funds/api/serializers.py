"""Serializers of the funds API: they only parse and present; the services check every rule."""

from rest_framework import serializers

from ..models import BankLine, StatementImport

# === Bank statements and reconciliation ===========================================================


class StatementImportSerializer(serializers.ModelSerializer):
    """An uploaded statement and its reconciliation: ``lines_done`` of ``lines_total`` read so far;
    ``lines_new`` not seen before (a booking counts once), ``lines_matched`` paid a contribution."""

    fund = serializers.IntegerField(source="fund_id")
    percent = serializers.IntegerField()
    error = serializers.SerializerMethodField()

    class Meta:
        model = StatementImport
        fields = [
            "id",
            "fund",
            "file_name",
            "format",
            "statement_ref",
            "state",
            "percent",
            "lines_total",
            "lines_done",
            "lines_new",
            "lines_matched",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def get_error(self, statement) -> dict | None:
        """Why a failed run stopped: ``code``, ``line`` (0: the file as a whole) and ``message`` in
        the request's language."""
        if statement.state != StatementImport.State.FAILED:
            return None
        from ..statement_errors import statement_message

        params = dict(statement.error_params)
        line = params.pop("line", 0)
        return {
            "code": statement.error_code,
            "line": line,
            "message": statement_message(statement.error_code, line, params),
        }


class StatementUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    format = serializers.ChoiceField(choices=StatementImport.Format.choices)
    csv_profile = serializers.JSONField(
        required=False,
        help_text="For a CSV export: the names of its columns, e.g. "
        '{"booking_date": "Data contabile", "amount": "Importo", "debtor_name": "Ordinante", '
        '"remittance": "Causale", "bank_reference": "Riferimento"}; also "credit"/"debit" instead of "amount", '
        '"value_date", "reference", "delimiter", "decimal", "encoding", "skip_lines".',
    )

    PROFILE_KEYS = {
        "booking_date",
        "amount",
        "credit",
        "debit",
        "value_date",
        "debtor_name",
        "remittance",
        "reference",
        "bank_reference",
        "delimiter",
        "decimal",
        "encoding",
        "skip_lines",
    }

    CHOICES = {
        "delimiter": {"", ";", ",", "\t"},
        "decimal": {"", ",", "."},
        "encoding": {"utf-8-sig", "utf-8", "latin-1", "cp1252"},
    }

    def validate_csv_profile(self, value):
        from django.utils.translation import gettext as _

        problem = not isinstance(value, dict) or set(value) - self.PROFILE_KEYS
        for key, item in value.items() if isinstance(value, dict) else ():
            if key == "skip_lines":
                problem = problem or not isinstance(item, int) or isinstance(item, bool) or not 0 <= item <= 100
            elif not isinstance(item, str) or len(item) > 80 or (key in self.CHOICES and item not in self.CHOICES[key]):
                problem = True
        if problem:
            raise serializers.ValidationError(
                _("Name the CSV's columns with these keys: %(keys)s.") % {"keys": ", ".join(sorted(self.PROFILE_KEYS))},
                code="invalid_profile",
            )
        return value


class BankLineSerializer(serializers.ModelSerializer):
    """A line of a statement: ``state`` matched (``contribution``, ``matched_by``), unmatched (in
    the queue; ``outcome`` says why) or ignored (set aside: a debit, or by an officer)."""

    fund = serializers.IntegerField(source="fund_id")
    statement = serializers.IntegerField(source="statement_id")
    contribution = serializers.IntegerField(source="contribution_id", allow_null=True)
    contribution_reference = serializers.SerializerMethodField()

    class Meta:
        model = BankLine
        fields = [
            "id",
            "fund",
            "statement",
            "line_number",
            "booking_date",
            "value_date",
            "amount_cents",
            "credit",
            "currency",
            "debtor_name",
            "reference",
            "remittance",
            "bank_reference",
            "end_to_end_id",
            "state",
            "outcome",
            "contribution",
            "contribution_reference",
            "matched_by",
            "ignored_reason",
        ]

    def get_contribution_reference(self, line) -> str:
        return line.contribution.reference if line.contribution_id else ""


class BankLineMatchSerializer(serializers.Serializer):
    contribution = serializers.IntegerField(help_text="The id of a pending contribution to the line's fund")


class BankLineIgnoreSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)

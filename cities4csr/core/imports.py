"""What the import pages share: the upload form and the view that runs an import service.

Each app's page names its permission, template and service; the service checks the
permission again, reads and validates the file and writes all or nothing.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import FormView

from cities4csr.core.tabular import ImportReport

from .mixins import CityPermissionMixin

ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("At most 5 MB. The first row names the columns."),
        # the help is rendered under the id includes/form.html gives it
        widget=forms.ClearableFileInput(
            attrs={"accept": ACCEPT, "class": "form-control", "aria-describedby": "id_file_help"}
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run (preview only)"),
        required=False,
        initial=True,
        help_text=_("Check the file and show what would be imported, without saving anything."),
    )


class ImportView(CityPermissionMixin, FormView):
    """Upload a file; show every row with its problems, and what was (or would be) created."""

    form_class = ImportForm

    def run_import(self, *, file, dry_run: bool) -> ImportReport:
        raise NotImplementedError

    def summary(self, report: ImportReport) -> str:
        raise NotImplementedError

    def form_valid(self, form):
        report = self.run_import(file=form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"])
        context = self.get_context_data(
            form=self.form_class(), report=report, summary=self.summary(report) if report.ok else ""
        )
        return self.render_to_response(context, status=200 if report.ok else 400)


def import_summary(report: ImportReport) -> str:
    """ "Created 2, updated 1, unchanged 5." (after the import) or "Will create 2, update 1, leave 5
    unchanged." (after the dry run), from the report's counts."""
    counts = {k: report.counts.get(k, 0) for k in ("create", "update", "unchanged")}
    if report.written:
        parts = [
            ngettext("%(n)d created", "%(n)d created", counts["create"]) % {"n": counts["create"]},
            ngettext("%(n)d updated", "%(n)d updated", counts["update"]) % {"n": counts["update"]},
            ngettext("%(n)d unchanged", "%(n)d unchanged", counts["unchanged"]) % {"n": counts["unchanged"]},
        ]
        if not counts["create"] and not counts["update"]:
            return _("Imported: nothing changed (%(parts)s).") % {"parts": ", ".join(parts)}
        return _("Imported: %(parts)s.") % {"parts": ", ".join(parts)}
    parts = [
        ngettext("will create %(n)d", "will create %(n)d", counts["create"]) % {"n": counts["create"]},
        ngettext("update %(n)d", "update %(n)d", counts["update"]) % {"n": counts["update"]},
        ngettext("leave %(n)d unchanged", "leave %(n)d unchanged", counts["unchanged"]) % {"n": counts["unchanged"]},
    ]
    return _("The file is valid: it %(parts)s.") % {"parts": ", ".join(parts)}

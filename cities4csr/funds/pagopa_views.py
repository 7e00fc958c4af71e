"""The officers' page of pagoPA reporting flows (ADR 0028): upload the flow the intermediary
sent, see what it received and what it left, and the flows imported before."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from cities4csr.core.mixins import CityPermissionMixin

from .pagopa_selectors import flows_of
from .pagopa_services import pagopa_report_import, pagopa_settings


class PagopaReportForm(forms.Form):
    file = forms.FileField(
        label=_("Reporting flow (XML)"),
        help_text=_("The FlussoRiversamento file as the intermediary sends it, at most 20 MB."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xml,application/xml,text/xml",
                "class": "form-control",
                "aria-describedby": "id_file_help",
            }
        ),
    )


class PagopaReportImportView(CityPermissionMixin, FormView):
    permission_required = "funds.import_pagopa_report"
    template_name = "funds/pagopa_import.html"
    form_class = PagopaReportForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            pagopa=pagopa_settings(self.city),
            intermediary=(self.city.settings.pagopa or {}).get("intermediary", ""),
            flows=flows_of(actor=self.request.user, city=self.city)[:20],
            **kwargs,
        )

    def form_valid(self, form):
        try:
            result = pagopa_report_import(actor=self.request.user, city=self.city, file=form.cleaned_data["file"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        return self.render_to_response(self.get_context_data(form=self.form_class(), result=result))

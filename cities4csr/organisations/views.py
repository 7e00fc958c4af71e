import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, ListView

from cities4csr.accounts.selectors import user_by_email
from cities4csr.core.forms import add_service_errors
from cities4csr.core.imports import ImportView
from cities4csr.core.mixins import CityMixin, CityPermissionMixin
from cities4csr.instruments.selectors import returns_of_organisation
from cities4csr.pledges.selectors import contributions_of_organisation

from . import selectors, services
from .forms import MemberForm, OrganisationForm, SiteForm
from .importing import COLUMNS, REQUIRED, organisations_import
from .models import Organisation


class OrganisationListView(CityMixin, ListView):
    template_name = "organisations/organisation_list.html"
    context_object_name = "organisations"
    paginate_by = 50

    def get_queryset(self):
        kind = self.request.GET.get("kind", "")
        return selectors.organisations_visible(
            actor=self.request.user,
            city=self.city,
            kind=kind if kind in Organisation.Kind.values else "",
            query=self.request.GET.get("q", "").strip(),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(kinds=Organisation.Kind.choices, **kwargs)


class OrganisationObjectMixin:
    """Loads the organisation named in the URL (404 if the actor may not see it)."""

    def get_organisation(self):
        if not hasattr(self, "_organisation"):
            self._organisation = selectors.organisation_get(
                actor=self.request.user, city=self.city, pk=self.kwargs["pk"]
            )
        return self._organisation

    def get_permission_object(self):
        return self.get_organisation()


class OrganisationDetailView(OrganisationObjectMixin, CityMixin, FormView):
    """Public profile; a representative or officer can add a site here."""

    template_name = "organisations/organisation_detail.html"
    form_class = SiteForm

    def get_context_data(self, **kwargs):
        organisation = self.get_organisation()
        can_change = self.request.user.has_perm("organisations.change_organisation", organisation)
        return super().get_context_data(
            organisation=organisation,
            can_change=can_change,
            contributions=contributions_of_organisation(city=self.city, organisation=organisation),
            returns_register=returns_of_organisation(city=self.city, organisation=organisation),
            **kwargs,
        )

    def form_valid(self, form):
        organisation = self.get_organisation()
        try:
            site = services.site_add(actor=self.request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        if site.areas.exists():
            messages.success(
                self.request,
                _("Site added in %(areas)s.") % {"areas": ", ".join(a.name for a in site.areas.order_by("kind"))},
            )
        else:
            messages.warning(self.request, _("Site added; it lies outside the city's areas."))
        return redirect("organisation_detail", city_slug=self.city.slug, pk=organisation.pk)


class OrganisationCreateView(CityPermissionMixin, FormView):
    permission_required = "organisations.add_organisation"
    template_name = "organisations/organisation_form.html"
    form_class = OrganisationForm

    def form_valid(self, form):
        try:
            organisation = services.organisation_create(actor=self.request.user, city=self.city, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Organisation created."))
        return redirect("organisation_detail", city_slug=self.city.slug, pk=organisation.pk)


class OrganisationEditView(OrganisationObjectMixin, CityPermissionMixin, FormView):
    permission_required = "organisations.change_organisation"
    template_name = "organisations/organisation_form.html"
    form_class = OrganisationForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # A copy: the form must not change the organisation before the service does.
        kwargs["instance"] = copy.copy(self.get_organisation())
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.get_organisation(), **kwargs)

    def form_valid(self, form):
        organisation = self.get_organisation()
        try:
            services.organisation_update(actor=self.request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect("organisation_detail", city_slug=self.city.slug, pk=organisation.pk)


class OrganisationMembersView(OrganisationObjectMixin, CityPermissionMixin, FormView):
    permission_required = "organisations.view_members"
    template_name = "organisations/organisation_members.html"
    form_class = MemberForm

    def get_context_data(self, **kwargs):
        organisation = self.get_organisation()
        return super().get_context_data(
            organisation=organisation,
            members=selectors.organisation_members(organisation=organisation),
            can_manage=self.request.user.has_perm("organisations.manage_members", organisation),
            **kwargs,
        )

    def form_valid(self, form):
        organisation = self.get_organisation()
        user = user_by_email(email=form.cleaned_data["email"])
        if user is None:
            form.add_error("email", _("Nobody has registered with this e-mail address yet."))
            return self.form_invalid(form)
        try:
            services.membership_add(
                actor=self.request.user, organisation=organisation, user=user, role=form.cleaned_data["role"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Member added."))
        return redirect("organisation_members", city_slug=self.city.slug, pk=organisation.pk)


class OrganisationImportView(ImportView):
    permission_required = "organisations.add_organisation"
    template_name = "organisations/organisation_import.html"

    def run_import(self, *, file, dry_run):
        return organisations_import(actor=self.request.user, city=self.city, file=file, dry_run=dry_run)

    def summary(self, report):
        n = report.counts.get("organisations", 0)
        if report.written:
            return ngettext("Imported %(n)d organisation.", "Imported %(n)d organisations.", n) % {"n": n}
        return ngettext(
            "The file is valid: %(n)d organisation would be imported.",
            "The file is valid: %(n)d organisations would be imported.",
            n,
        ) % {"n": n}

    def get_context_data(self, **kwargs):
        return super().get_context_data(columns=COLUMNS, required=REQUIRED, **kwargs)


class SiteEditView(OrganisationObjectMixin, CityPermissionMixin, FormView):
    """Correct a site (its name, address, place) or remove it: the organisation's
    representatives and the city's officers."""

    permission_required = "organisations.change_organisation"
    template_name = "organisations/site_edit.html"
    form_class = SiteForm

    def get_site(self):
        site = next((s for s in self.get_organisation().sites.all() if s.pk == self.kwargs["site_pk"]), None)
        if site is None:
            raise Http404("No such site")
        return site

    def get_initial(self):
        site = self.get_site()
        return {"label": site.label, "address": site.address, "lat": site.lat, "lon": site.lon}

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.get_organisation(), site=self.get_site(), **kwargs)

    def back(self):
        return redirect("organisation_detail", city_slug=self.city.slug, pk=self.get_organisation().pk)

    def post(self, request, *args, **kwargs):
        if request.POST.get("form") == "delete":
            services.site_delete(actor=request.user, site=self.get_site())
            messages.success(request, _("Site removed."))
            return self.back()
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        try:
            services.site_update(actor=self.request.user, site=self.get_site(), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Site saved."))
        return self.back()

import copy

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from cities4csr.accounts.selectors import user_by_email
from cities4csr.cities.picker import LocationPickerViewMixin
from cities4csr.core.forms import add_service_errors
from cities4csr.core.imports import ImportView, import_summary
from cities4csr.core.mixins import CityMixin, CityPermissionMixin
from cities4csr.instruments.selectors import returns_of_organisation
from cities4csr.ledger.selectors import time_given
from cities4csr.pledges.selectors import contributions_of_organisation

from . import selectors, services
from .forms import CityInvitationForm, CityRoleForm, InvitationAcceptForm, MemberForm, OrganisationForm, SiteForm
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


class OrganisationDetailView(LocationPickerViewMixin, OrganisationObjectMixin, CityMixin, FormView):
    """Public profile; a representative or officer can add a site here."""

    template_name = "organisations/organisation_detail.html"
    form_class = SiteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "city": self.city}

    def get_context_data(self, **kwargs):
        organisation = self.get_organisation()
        can_change = self.request.user.has_perm("organisations.change_organisation", organisation)
        return super().get_context_data(
            organisation=organisation,
            can_change=can_change,
            contacts=selectors.organisation_public_contacts(organisation=organisation),
            contributions=contributions_of_organisation(city=self.city, organisation=organisation),
            returns_register=returns_of_organisation(city=self.city, organisation=organisation),
            time_given=time_given(city=self.city, giver_id=organisation.pk),
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
        return import_summary(report)

    def get_context_data(self, **kwargs):
        return super().get_context_data(columns=COLUMNS, required=REQUIRED, **kwargs)


# --- The city's administration: people and roles, invitations ---------------------------------


class CityPeopleView(CityPermissionMixin, FormView):
    """Who holds which role in the city, the invitations not yet answered, and the invitation form."""

    permission_required = "organisations.grant_role"
    template_name = "organisations/city_people.html"
    form_class = CityInvitationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "city": self.city}

    def get_context_data(self, **kwargs):
        people = list(selectors.city_people(actor=self.request.user, city=self.city))
        for city_role in people:
            city_role.form = CityRoleForm(initial={"role": city_role.role}, prefix=f"role{city_role.pk}")
        return super().get_context_data(
            people=people,
            invitations=selectors.city_invitations_open(actor=self.request.user, city=self.city, now=timezone.now()),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.city_invitation_create(actor=self.request.user, city=self.city, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"].strip().lower()}
        )
        return redirect("city_people", city_slug=self.city.slug)


class CityRoleWriteView(CityPermissionMixin, View):
    """POST only: change a role, or deactivate / reactivate it. Refusals come back as a message
    on the people page, beside the row."""

    permission_required = "organisations.grant_role"
    http_method_names = ["post"]
    action = "change"

    def post(self, request, *args, **kwargs):
        city_role = selectors.city_role_get(actor=request.user, city=self.city, pk=kwargs["pk"])
        try:
            if self.action == "change":
                form = CityRoleForm(request.POST, prefix=f"role{city_role.pk}")
                if not form.is_valid():
                    raise ValidationError(_("Choose one of the city's roles."))
                services.city_role_change(actor=request.user, city_role=city_role, role=form.cleaned_data["role"])
                messages.success(request, _("Role changed for %(email)s.") % {"email": city_role.user.email})
            else:
                active = self.action == "reactivate"
                services.city_role_set_active(actor=request.user, city_role=city_role, active=active)
                if active:
                    messages.success(request, _("Role reactivated for %(email)s.") % {"email": city_role.user.email})
                else:
                    messages.success(request, _("Role deactivated for %(email)s.") % {"email": city_role.user.email})
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect(reverse("city_people", kwargs={"city_slug": self.city.slug}) + f"#role-{city_role.pk}")


class InvitationAcceptView(CityMixin, FormView):
    """The e-mailed link: someone new chooses a name and password; someone with an account
    logs in first. Accepting logs the person in and takes them to the city."""

    template_name = "organisations/invitation_accept.html"
    form_class = InvitationAcceptForm

    def dispatch(self, request, *args, **kwargs):
        self.city = request.city
        try:
            self.invitation = services.city_invitation_find(city=self.city, token=kwargs["token"])
        except ValidationError as exc:
            self.invitation = None
            self.refusal = exc.messages[0]
            # an unknown link is not found; one that was valid is gone (used, replaced, expired)
            self.refusal_status = 404 if exc.code == "unknown" else 410
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.invitation is None:
            return self.render_to_response(self.get_context_data(), status=self.refusal_status)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.invitation is None:
            return self.render_to_response(self.get_context_data(), status=self.refusal_status)
        self.has_account = user_by_email(email=self.invitation.email) is not None
        if self.has_account:
            return self._accept(user=request.user if request.user.is_authenticated else None)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        invitation = self.invitation
        has_account = invitation is not None and user_by_email(email=invitation.email) is not None
        return super().get_context_data(
            invitation=invitation,
            refusal=getattr(self, "refusal", ""),
            has_account=has_account,
            logged_in_as_invitee=has_account
            and self.request.user.is_authenticated
            and self.request.user.email.lower() == invitation.email,
            login_url=reverse("account_login") + "?next=" + self.request.path,
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        return self._accept(
            user=None, password=data["password1"], first_name=data["first_name"], last_name=data["last_name"], form=form
        )

    def _accept(self, *, user, form=None, **fields):
        try:
            person = services.city_invitation_accept(city=self.city, token=self.kwargs["token"], user=user, **fields)
        except ValidationError as exc:
            if form is not None:
                form.add_error(None, exc)
                return self.form_invalid(form)
            for message in exc.messages:
                messages.error(self.request, message)
            return redirect(self.request.path)
        if not self.request.user.is_authenticated:
            login(self.request, person, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            self.request,
            _("Welcome: you are now %(role)s of %(city)s.")
            % {"role": self.invitation.get_role_display(), "city": self.city.name},
        )
        target = "city_people" if self.invitation.role == "admin" else "city_home"
        return redirect(target, city_slug=self.city.slug)


class SiteEditView(LocationPickerViewMixin, OrganisationObjectMixin, CityPermissionMixin, FormView):
    """Correct a site (its name, address, place) or remove it: the organisation's
    representatives and the city's officers."""

    permission_required = "organisations.change_organisation"
    template_name = "organisations/site_edit.html"
    form_class = SiteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "city": self.city}

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

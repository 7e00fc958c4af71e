from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from cities4csr.cities.picker import LocationPickerViewMixin
from cities4csr.cities.selectors import area_bounds
from cities4csr.core.files import file_response
from cities4csr.core.forms import add_service_errors
from cities4csr.core.i18n import pick
from cities4csr.core.imports import ImportView, import_summary
from cities4csr.core.lifecycle import transitions_for
from cities4csr.core.mixins import CityMixin, CityPermissionMixin
from cities4csr.core.money import active_locale, money_example
from cities4csr.matching.views import need_context
from cities4csr.organisations.selectors import (
    organisations_for_needs,
    organisations_represented,
    partners_choosable,
)
from cities4csr.pledges.forms import PledgeForm
from cities4csr.pledges.selectors import pledges_public_for_need

from . import sdg, selectors, services
from .exporting import export_response
from .forms import LineEditForm, LineForm, NeedEditForm, NeedForm, ThemeForm, TransitionForm
from .importing import COLUMNS, REQUIRED, needs_import
from .models import Need, ResourceKind


class NeedCatalogueView(CityMixin, TemplateView):
    """The public menu of opportunities: filters, list, map."""

    template_name = "needs/catalogue.html"

    def get_context_data(self, **kwargs):
        city = self.city
        choices = selectors.catalogue_choices(city=city)
        themes = {key: pick(names) or key for key, names in choices["themes"]}
        catalogue, page = selectors.catalogue_page(city=city, params=self.request.GET, theme_labels=themes)
        primary, district = city.settings.primary_area_kind, city.settings.district_area_kind
        measure = "count" if self.request.GET.get("measure") == "count" else "gap"
        query = self.request.GET.copy()
        query.pop("page", None)
        api = {"city_slug": city.slug}
        # The map draws itself from the API after the page has loaded: the areas, their shade
        # (open needs per area) and the dots of the needs listed.
        map_config = {
            "geojson": reverse("api:area-geojson", kwargs=api) + f"?kind={primary}",
            "valuesUrl": reverse("api:need-gap-by-area", kwargs=api) + f"?kind={primary}&measure={measure}",
            "points": reverse("api:need-geojson", kwargs=api) + f"?{query.urlencode()}&page={page.number}",
            "label": _("Open needs") if measure == "count" else _("Open gap"),
            "unit": "" if measure == "count" else city.currency,
            "areaUrl": reverse("need_catalogue", kwargs=api) + "?nil=CODE",
            "bounds": area_bounds(city=city, kind=primary),
            "tileUrl": city.settings.map_tile_url,
            "tileAttribution": city.settings.map_tile_attribution,
        }
        return super().get_context_data(
            filter=catalogue,
            page_obj=page,
            active_filters=sum(
                1 for name in catalogue.form.fields if name not in ("q", "sort") and self.request.GET.get(name)
            ),
            needs=page.object_list,
            query=query.urlencode(),
            theme_choices=list(themes.items()),
            action_choices=[(number, f"{number}. {pick(titles)}") for number, titles in choices["actions"]],
            sdg_choices=[(goal, sdg.label(str(goal), get_language() or "en")) for goal in sdg.GOALS],
            nils=choices["areas"][primary],
            districts=choices["areas"][district],
            map_config=map_config,
            measure=measure,
            **kwargs,
        )


class NeedDetailView(CityMixin, TemplateView):
    template_name = "needs/need_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        need = selectors.need_get(actor=user, city=self.city, pk=self.kwargs["pk"])
        organisations = organisations_represented(actor=user, city=self.city)
        can_pledge = need.state in (Need.State.PUBLISHED, Need.State.IN_PROGRESS) and organisations.exists()
        kwargs.setdefault(
            "pledge_form",
            PledgeForm(
                lines=need.lines.all(),
                organisations=organisations,
                partners=partners_choosable(actor=user, city=self.city),
                currency=self.city.currency,
            )
            if can_pledge
            else None,
        )
        return super().get_context_data(
            need=need,
            pledges=pledges_public_for_need(actor=user, city=self.city, need=need),
            transitions=transitions_for(actor=user, obj=need) if user.is_authenticated else [],
            can_change=user.has_perm("needs.change_need", need),
            can_edit=need.state in services.EDITABLE_STATES and user.has_perm("needs.change_need", need),
            line_form=kwargs.pop("line_form", LineForm(currency=self.city.currency)),
            **need_context(user=user, city=self.city, need=need),
            **kwargs,
        )


class NeedCreateView(LocationPickerViewMixin, CityMixin, FormView):
    template_name = "needs/need_form.html"
    form_class = NeedForm

    def owners(self):
        return organisations_for_needs(actor=self.request.user, city=self.city)

    def dispatch(self, request, *args, **kwargs):
        self.city = request.city
        if not self.owners().exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "city": self.city,
            "owners": self.owners(),
            "actions": selectors.actions_of_city(city=self.city),
        }

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        themes, owner = data.pop("themes"), data.pop("owner")
        try:
            need = services.need_create(actor=self.request.user, city=self.city, owner=owner, themes=themes, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Need saved as a draft. Add what it asks for, then publish it."))
        return redirect("need_detail", city_slug=self.city.slug, pk=need.pk)


class NeedLineAddView(CityMixin, View):
    def post(self, request, city_slug, pk):
        need = selectors.need_get(actor=request.user, city=self.city, pk=pk)
        form = LineForm(request.POST, currency=self.city.currency)
        if form.is_valid():
            try:
                services.line_add(actor=request.user, need=need, **form.service_kwargs())
                messages.success(request, _("Line added."))
                return redirect("need_detail", city_slug=city_slug, pk=pk)
            except ValidationError as exc:
                form.add_error(None, exc)
        view = NeedDetailView(request=request, kwargs=self.kwargs)
        view.city = self.city
        return view.render_to_response(view.get_context_data(line_form=form), status=400)


class NeedTransitionView(CityMixin, View):
    def post(self, request, city_slug, pk):
        need = selectors.need_get(actor=request.user, city=self.city, pk=pk)
        form = TransitionForm(request.POST)
        if form.is_valid():
            try:
                services.need_transition(
                    actor=request.user, need=need, to=form.cleaned_data["to"], reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Done: the need is now “%(state)s”.") % {"state": need.get_state_display()})
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        return redirect("need_detail", city_slug=city_slug, pk=pk)


class NeedImportView(ImportView):
    permission_required = "needs.change_action"
    template_name = "needs/need_import.html"

    def run_import(self, *, file, dry_run):
        # amounts typed in the file are read in the language of this page: the help below says so
        return needs_import(actor=self.request.user, city=self.city, file=file, dry_run=dry_run)

    def summary(self, report):
        return import_summary(report)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            columns=COLUMNS,
            required=REQUIRED,
            amount_example=money_example(locale=active_locale(), currency=self.city.currency),
            **kwargs,
        )


class NeedExportView(CityMixin, View):
    """The catalogue, with the same filters as its page, as a download: one row per resource line."""

    fmt = "csv"

    def get(self, request, city_slug):
        needs = selectors.needs_catalogue(city=self.city, params=request.GET).qs
        return export_response(city=self.city, needs=needs, fmt=self.fmt)


class NeedPhotoView(CityMixin, View):
    """A need's photo, to whoever may see the need (a published need's to everyone, cached as
    public; a draft's to its officers and owner only), through core.files."""

    def get(self, request, city_slug, pk):
        need = selectors.need_get(actor=request.user, city=self.city, pk=pk)
        return file_response(need.photo, public=need.is_public)


class CityThemesView(CityPermissionMixin, TemplateView):
    """The city's themes with their names in each language (the city's administrators)."""

    permission_required = "cities.change_city"
    template_name = "needs/city_themes.html"

    def get_context_data(self, **kwargs):
        themes = list(selectors.themes_of_city(city=self.city))
        rows = [(theme, [theme.names.get(lang, "") for lang in self.city.languages]) for theme in themes]
        return super().get_context_data(rows=rows, languages=self.city.languages, **kwargs)


class CityThemeFormView(CityPermissionMixin, FormView):
    """Add a theme, or rename one (``pk`` in the URL)."""

    permission_required = "cities.change_city"
    template_name = "needs/city_theme_form.html"
    form_class = ThemeForm

    def get_theme(self):
        if "pk" not in self.kwargs:
            return None
        theme = selectors.themes_of_city(city=self.city).filter(pk=self.kwargs["pk"]).first()
        if theme is None:
            raise Http404
        return theme

    def get_form_kwargs(self):
        self.theme = self.get_theme()
        return {**super().get_form_kwargs(), "city": self.city, "theme": self.theme}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # makes the form, which finds the theme
        context["theme"] = self.theme
        return context

    def form_valid(self, form):
        try:
            services.theme_save(actor=self.request.user, city=self.city, names=form.names(), theme=self.theme)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Theme saved."))
        return redirect("city_themes", city_slug=self.city.slug)


class NeedEditView(LocationPickerViewMixin, CityMixin, FormView):
    """Correct a need while it is open; a draft nobody pledged to can also be deleted here."""

    template_name = "needs/need_edit.html"
    form_class = NeedEditForm

    def dispatch(self, request, *args, **kwargs):
        self.city = request.city
        self.need = selectors.need_get(actor=request.user, city=self.city, pk=kwargs["pk"])
        if not request.user.has_perm("needs.change_need", self.need):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.need,
            "city": self.city,
            "actions": selectors.actions_of_city(city=self.city),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            need=self.need,
            editable=self.need.state in services.EDITABLE_STATES,
            deletable=self.need.state == Need.State.DRAFT and not self.need.pledges.exists(),
            **kwargs,
        )

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        data = {name: value for name, value in form.cleaned_data.items() if name != "photo"}
        if "photo" in self.request.FILES:
            data["photo"] = form.cleaned_data["photo"]
        themes, sdgs = data.pop("themes"), data.pop("sdgs")
        try:
            services.need_update(actor=self.request.user, need=self.need, themes=themes, sdgs=sdgs, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect("need_detail", city_slug=self.city.slug, pk=self.need.pk)


class NeedDeleteView(CityMixin, View):
    def post(self, request, city_slug, pk):
        need = selectors.need_get(actor=request.user, city=self.city, pk=pk)
        try:
            services.need_delete(actor=request.user, need=need)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("need_edit", city_slug=city_slug, pk=pk)
        messages.success(request, _("The draft “%(title)s” was deleted.") % {"title": need.title})
        return redirect(
            "officer_needs" if request.user.has_perm("needs.review_need", self.city) else "city_home",
            city_slug=city_slug,
        )


def _line_of(request, city, pk, line_pk):
    need = selectors.need_get(actor=request.user, city=city, pk=pk)
    line = next((line for line in need.lines.all() if line.pk == line_pk), None)
    if line is None:
        raise Http404("No such line")
    if not request.user.has_perm("needs.change_need", need):
        raise PermissionDenied
    line.need = need
    return need, line


def _line_errors(form, exc: ValidationError, line) -> None:
    """The service's errors beside the field the reader typed: a money line's quantity and any
    line's value are the form's amount."""
    if hasattr(exc, "error_dict"):
        moved = {}
        for field, errors in exc.error_dict.items():
            if field == "value_cents" or (field == "quantity" and form.cleaned_data.get("kind") == ResourceKind.MONEY):
                field = "amount_eur"
            moved.setdefault(field, []).extend(errors)
        exc = ValidationError(moved)
    add_service_errors(form, exc)


class LineEditView(CityMixin, TemplateView):
    """Correct a line: never below what pledges already took; delete it while nobody pledged."""

    template_name = "needs/line_edit.html"

    def get_context_data(self, **kwargs):
        need, line = _line_of(self.request, self.city, self.kwargs["pk"], self.kwargs["line_pk"])
        kwargs.setdefault("form", LineEditForm(initial=LineEditForm.initial_of(line), currency=self.city.currency))
        return super().get_context_data(
            need=need,
            line=line,
            editable=need.state in services.EDITABLE_STATES,
            deletable=not line.pledge_items.exists(),
            **kwargs,
        )

    def post(self, request, city_slug, pk, line_pk):
        need, line = _line_of(request, self.city, pk, line_pk)
        form = LineEditForm(request.POST, currency=self.city.currency)
        if form.is_valid():
            try:
                services.line_update(actor=request.user, line=line, **form.service_kwargs())
                messages.success(request, _("Line saved."))
                return redirect("need_detail", city_slug=city_slug, pk=pk)
            except ValidationError as exc:
                _line_errors(form, exc, line)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class LineDeleteView(CityMixin, View):
    def post(self, request, city_slug, pk, line_pk):
        _need, line = _line_of(request, self.city, pk, line_pk)
        try:
            services.line_delete(actor=request.user, line=line)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("need_line_edit", city_slug=city_slug, pk=pk, line_pk=line_pk)
        messages.success(request, _("Line deleted."))
        return redirect("need_detail", city_slug=city_slug, pk=pk)

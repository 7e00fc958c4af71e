"""Pages of results (ADR 0034): the public results tree with its map, the results of an action
and of a need with their timelines, the evidence files; the workspace of indicators, updates and
the officers' review queue. Views parse and authorise; services write; selectors read."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cities4csr.cities.selectors import area_bounds
from cities4csr.core.files import file_response
from cities4csr.core.forms import add_service_errors, transition_messages
from cities4csr.core.lifecycle import transitions_for
from cities4csr.core.mixins import CityMixin, CityPermissionMixin
from cities4csr.needs.selectors import actions_of_city, needs_of_organisation
from cities4csr.organisations.rules import is_city_officer
from cities4csr.organisations.selectors import organisations_represented

from . import selectors, services
from .forms import IndicatorForm, ReturnForm, UpdateForm
from .models import IndicatorUpdate

U = IndicatorUpdate.State


class ResultsView(CityMixin, TemplateView):
    """The results tree of the city's plan, with a map of the needs coloured by progress."""

    template_name = "impact/results.html"

    def get_context_data(self, **kwargs):
        city = self.city
        primary = city.settings.primary_area_kind
        api = {"city_slug": city.slug}
        map_config = {
            "geojson": reverse("api:area-geojson", kwargs=api) + f"?kind={primary}",
            "values": selectors.progress_by_area(city=city),
            "points": reverse("results_points", kwargs=api),
            "label": _("Progress towards the targets"),
            "unit": "%",
            "areaUrl": reverse("need_catalogue", kwargs=api) + "?nil=CODE",
            "bounds": area_bounds(city=city, kind=primary),
            "tileUrl": city.settings.map_tile_url,
            "tileAttribution": city.settings.map_tile_attribution,
        }
        tree = selectors.results_tree(city=city, actor=self.request.user)
        return super().get_context_data(tree=tree, map_config=map_config, **kwargs)


class ResultsPointsView(CityMixin, View):
    def get(self, request, city_slug):
        return JsonResponse(selectors.map_points(city=self.city), content_type="application/geo+json")


class NeedResultsView(CityMixin, TemplateView):
    template_name = "impact/need_results.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        need, indicators, node = selectors.need_results(city=self.city, actor=user, pk=self.kwargs["pk"])
        return super().get_context_data(
            need=need,
            indicators=indicators,
            node=node,
            timeline=selectors.timeline(city=self.city, actor=user, need=need, indicators=indicators),
            can_report=user.has_perm("impact.change_indicator", need),
            **kwargs,
        )


class ActionResultsView(CityMixin, TemplateView):
    template_name = "impact/action_results.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        action, indicators, node = selectors.action_results(city=self.city, actor=user, number=self.kwargs["number"])
        return super().get_context_data(
            action=action,
            indicators=indicators,
            node=node,
            timeline=selectors.timeline(city=self.city, actor=user, action=action, indicators=indicators),
            **kwargs,
        )


class EvidenceFileView(CityMixin, View):
    """An update's evidence file: approved updates of public needs to anyone, the others to the
    officers and the reporters (403)."""

    def get(self, request, city_slug, pk):
        update = selectors.evidence_get(city=self.city, actor=request.user, pk=pk)
        return file_response(update.evidence, download=bool(request.GET.get("download")))


# --- workspace ------------------------------------------------------------------------------


class SignedInMixin(LoginRequiredMixin):
    """Workspace pages: 403 to the anonymous, never a redirect that hints at content."""

    raise_exception = True


class WorkspaceView(SignedInMixin, CityMixin, TemplateView):
    """The indicators the reader keeps and the updates they or their organisations wrote."""

    template_name = "impact/workspace.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        officer = is_city_officer(user, self.city)
        indicators = list(selectors.indicators_editable(city=self.city, actor=user)[:200])
        if not officer and not indicators and not organisations_represented(actor=user, city=self.city).exists():
            raise PermissionDenied
        return super().get_context_data(
            indicators=indicators,
            updates=list(selectors.updates_of_organisation(city=self.city, actor=user)[:100]),
            to_review=selectors.updates_to_review(city=self.city).count() if officer else None,
            **kwargs,
        )


def _subjects(user, city):
    """The actions (officers) and needs the user may measure, as form choices."""
    choices = []
    if is_city_officer(user, city):
        choices += [(f"action:{a.pk}", _("Action %(action)s") % {"action": a}) for a in actions_of_city(city=city)]
        from cities4csr.needs.models import Need

        needs = Need.objects.filter(city=city).order_by("title", "pk")
    else:
        needs = [
            n
            for o in organisations_represented(actor=user, city=city)
            for n in needs_of_organisation(city=city, organisation=o)
        ]
    choices += [(f"need:{n.pk}", _("Need: %(title)s") % {"title": n.title}) for n in needs]
    return choices


class IndicatorFormView(SignedInMixin, CityMixin, TemplateView):
    template_name = "impact/indicator_form.html"

    def _indicator(self):
        pk = self.kwargs.get("pk")
        if pk is None:
            return None
        indicator = selectors.indicator_get(city=self.city, actor=self.request.user, pk=pk)
        if not self.request.user.has_perm("impact.change_indicator", indicator):
            raise PermissionDenied
        return indicator

    def get_context_data(self, **kwargs):
        indicator = self._indicator()
        subjects = _subjects(self.request.user, self.city)
        if not subjects and indicator is None:
            raise PermissionDenied
        if "form" not in kwargs:
            initial = {"subject": self.request.GET.get("subject", "")}
            if indicator is not None:
                initial = {
                    "subject": f"need:{indicator.need_id}" if indicator.need_id else f"action:{indicator.action_id}",
                    **{
                        f: getattr(indicator, f)
                        for f in ("name", "unit", "method", "baseline_on", "target_on", "weight", "counts_people")
                    },
                    "baseline": _number(indicator.baseline),
                    "target": _number(indicator.target),
                }
            kwargs["form"] = IndicatorForm(initial=initial, subjects=subjects or [("", "")])
        return super().get_context_data(indicator=indicator, **kwargs)

    def post(self, request, city_slug, pk=None):
        indicator = self._indicator()
        form = IndicatorForm(request.POST, subjects=_subjects(request.user, self.city))
        if indicator is not None:
            form.fields["subject"].required = False
        if form.is_valid():
            data = dict(form.cleaned_data)
            subject = data.pop("subject")
            try:
                if indicator is None:
                    kind, pk_ = subject.split(":")
                    target = _subject_get(self.city, kind, int(pk_))
                    indicator = services.indicator_create(actor=request.user, city=self.city, **{kind: target}, **data)
                else:
                    indicator = services.indicator_update(actor=request.user, indicator=indicator, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The indicator is saved."))
                return redirect("results_workspace", city_slug=city_slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _subject_get(city, kind, pk):
    from cities4csr.needs.models import Action, Need

    model = {"action": Action, "need": Need}[kind]
    return model.objects.filter(city=city).get(pk=pk)


def _number(value) -> str:
    from babel.numbers import format_decimal

    from cities4csr.core.money import active_locale

    return format_decimal(value.normalize(), locale=active_locale(), group_separator=False)


class UpdateFormView(SignedInMixin, CityMixin, TemplateView):
    """A new update of an indicator, or the correction of a draft or returned one; "submit"
    sends it to the city."""

    template_name = "impact/update_form.html"

    def _objects(self):
        user = self.request.user
        if "update_pk" in self.kwargs:
            update = selectors.update_get(city=self.city, actor=user, pk=self.kwargs["update_pk"])
            if not user.has_perm("impact.change_update", update):
                raise PermissionDenied
            indicator = selectors.indicator_get(city=self.city, actor=user, pk=update.indicator_id)
            return indicator, update
        return selectors.indicator_get(city=self.city, actor=user, pk=self.kwargs["pk"]), None

    def get_context_data(self, **kwargs):
        indicator, update = self._objects()
        if "form" not in kwargs:
            initial = {}
            if update is not None:
                initial = {
                    "value": _number(update.value),
                    "measured_on": update.measured_on,
                    "note": update.note,
                    "evidence_url": update.evidence_url,
                }
            kwargs["form"] = UpdateForm(initial=initial)
        return super().get_context_data(indicator=indicator, update=update, **kwargs)

    def post(self, request, city_slug, pk=None, update_pk=None):
        indicator, update = self._objects()
        form = UpdateForm(request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            submit = "submit" in request.POST
            try:
                if update is None:
                    update = services.update_create(actor=request.user, indicator=indicator, submit=submit, **data)
                else:
                    update = services.update_edit(actor=request.user, update=update, submit=submit, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The update is sent to the city for approval.")
                    if submit
                    else _("The update is saved as a draft."),
                )
                return redirect("results_workspace", city_slug=city_slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class UpdateTransitionView(SignedInMixin, CityMixin, View):
    """POST: submit, approve, or return with a reason."""

    def post(self, request, city_slug, pk):
        update = selectors.update_get(city=self.city, actor=request.user, pk=pk)
        to = request.POST.get("to", "")
        reason = ""
        if to == U.RETURNED:
            form = ReturnForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Say what must be corrected."))
                return _back(request, city_slug)
            reason = form.cleaned_data["reason"]
        with transition_messages(request):
            services.update_transition(actor=request.user, update=update, to=to, reason=reason)
            messages.success(request, _("Done: the update is now “%(state)s”.") % {"state": update.get_state_display()})
        return _back(request, city_slug)


def _back(request, city_slug):
    if is_city_officer(request.user, request.city):
        return redirect("results_review", city_slug=city_slug)
    return redirect("results_workspace", city_slug=city_slug)


class ReviewView(CityPermissionMixin, TemplateView):
    """The officers' queue: submitted updates to approve or return with a reason."""

    permission_required = "impact.review_update"
    template_name = "impact/review.html"
    limit = 50

    def get_context_data(self, **kwargs):
        queue = selectors.updates_to_review(city=self.city)
        updates = list(queue[: self.limit])
        for update in updates:
            update.next_steps = transitions_for(actor=self.request.user, obj=update)
            update.own = update.author_id == self.request.user.pk
        total = queue.count() if len(updates) == self.limit else len(updates)
        return super().get_context_data(updates=updates, total=total, return_form=ReturnForm(), **kwargs)

"""The API keys page: a signed-in person creates (the key is shown once), lists and revokes
their own keys in this city."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from cities4csr.core.mixins import CityMixin

from . import selectors, services
from .forms import ApiKeyForm


class ApiKeysView(LoginRequiredMixin, CityMixin, TemplateView):
    raise_exception = True  # 403, never a redirect that hints at content (as CityPermissionMixin)
    template_name = "accounts/api_keys.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ApiKeyForm())
        kwargs["keys"] = selectors.api_keys_of(actor=self.request.user, city=self.city)
        kwargs["can_create"] = self.request.user.has_perm("accounts.add_apikey", self.city)
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("accounts.add_apikey", self.city):
            raise PermissionDenied
        form = ApiKeyForm(request.POST)
        if form.is_valid():
            try:
                api_key, key = services.api_key_create(
                    actor=request.user, city=self.city, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        for error in errors:
                            form.add_error(field if field in form.fields else None, error)
                else:
                    form.add_error(None, exc)
            else:
                # rendered, not redirected: the key appears on this response only
                return self.render_to_response(self.get_context_data(form=ApiKeyForm(), new_key=key, created=api_key))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ApiKeyRevokeView(LoginRequiredMixin, CityMixin, View):
    raise_exception = True

    def post(self, request, city_slug, pk):
        api_key = selectors.api_key_of(actor=request.user, city=self.city, pk=pk)
        if api_key is None:
            raise Http404
        try:
            services.api_key_revoke(actor=request.user, api_key=api_key)
        except ValidationError as exc:
            messages.info(request, exc.messages[0])
        else:
            messages.success(request, _("The key “%(name)s” is revoked: it no longer works.") % {"name": api_key.name})
        return redirect("api_keys", city_slug=self.city.slug)

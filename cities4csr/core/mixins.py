"""What every city page view shares: the city from the tenancy middleware, and rules permissions."""

from rules.contrib.views import PermissionRequiredMixin


class CityMixin:
    """The request's city (set by CityTenantMiddleware) as ``self.city`` and in the context."""

    def dispatch(self, request, *args, **kwargs):
        self.city = request.city
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("city", self.city)
        return super().get_context_data(**kwargs)


class CityPermissionMixin(CityMixin, PermissionRequiredMixin):
    """Refuse with 403 (never a redirect that hints at content) when the rule says no.

    ``permission_required`` is checked against ``get_permission_object()``: the city by
    default, the object for detail views.
    """

    raise_exception = True

    def get_permission_object(self):
        return self.city

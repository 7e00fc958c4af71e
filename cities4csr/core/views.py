from django.views.generic import ListView

from cities4csr.core.mixins import CityPermissionMixin

from .selectors import audit_events


class AuditTrailView(CityPermissionMixin, ListView):
    """The city's audit trail, for its officers."""

    permission_required = "core.view_auditevent"
    template_name = "core/audit_trail.html"
    context_object_name = "events"
    paginate_by = 50

    def get_queryset(self):
        return audit_events(city=self.city, verb=self.request.GET.get("verb", ""))

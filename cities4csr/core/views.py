from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from cities4csr.core.mixins import CityMixin

from .forms import EmailPreferencesForm
from .notifications import KINDS
from .selectors import email_opt_outs, notifications_of, notifications_unread_count
from .services import email_preferences_set, notifications_mark_read


class InboxView(LoginRequiredMixin, CityMixin, ListView):
    """A person's notifications in this city, newest first; marking them read."""

    raise_exception = True  # 403, as every page of the city refuses (never a redirect that hints)

    template_name = "core/inbox.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self):
        return notifications_of(user=self.request.user, city=self.city)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            unread_count=notifications_unread_count(user=self.request.user, city=self.city), **kwargs
        )

    def post(self, request, *args, **kwargs):
        if request.POST.get("all") != "1":
            return HttpResponseBadRequest(_("Say which notifications to mark as read."))
        notifications_mark_read(actor=request.user, city=self.city)
        messages.success(request, _("Every notification is marked as read."))
        return redirect("inbox", city_slug=self.city.slug)


class NotificationOpenView(LoginRequiredMixin, CityMixin, View):
    """Open one of one's own notifications: it is marked read, and the page it is about opens."""

    raise_exception = True

    def get(self, request, city_slug, pk):
        notification = get_object_or_404(notifications_of(user=request.user, city=self.city), pk=pk)
        notifications_mark_read(actor=request.user, city=self.city, ids=[notification.pk])
        target = notification.url if url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None) else ""
        return redirect(target or reverse("inbox", kwargs={"city_slug": self.city.slug}))


class EmailPreferencesView(LoginRequiredMixin, FormView):
    """Which notifications a person also gets by e-mail (the inbox has them all): one choice for
    every city, so on the person's account, outside any city."""

    template_name = "core/email_preferences.html"
    form_class = EmailPreferencesForm

    def get_initial(self):
        return {"by_email": sorted(set(KINDS) - email_opt_outs(user=self.request.user))}

    def form_valid(self, form):
        email_preferences_set(
            actor=self.request.user, kinds_by_email=set(form.cleaned_data["by_email"]), kinds=set(KINDS)
        )
        messages.success(self.request, _("Your e-mail preferences are saved."))
        return redirect("email_preferences")

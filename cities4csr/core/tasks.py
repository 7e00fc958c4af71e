"""Background jobs (django-tasks on the database; `manage.py db_worker` runs them)."""

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_scopes import scope
from django_tasks import task


@task()
def send_notification(*, user_ids: list[int], city_id: int, template: str, context: dict) -> int:
    """E-mail each user in their own language (else the city's). Returns how many were sent."""
    # core sits below every domain app: it reaches the tenant and the user model through the
    # app registry, as its models' foreign keys do ("cities.City", AUTH_USER_MODEL)
    City = apps.get_model("cities", "City")
    User = get_user_model()

    city = City.objects.get(pk=city_id)
    if "model" in context and "state" in context:  # show the state in the reader's language
        context = {**context, "state": apps.get_model(context["model"]).State(context["state"]).label}
    sent = 0
    with scope(city=city.pk):
        for user in User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
            language = user.preferred_language or city.default_language
            with translation.override(language):
                text = render_to_string(f"notifications/{template}.txt", {**context, "city": city, "user": user})
            subject, _, body = text.strip().partition("\n")
            subject = " ".join(subject.split())  # a title with a line break must not break the header
            send_mail(subject, body.strip(), settings.DEFAULT_FROM_EMAIL, [user.email])
            sent += 1
    return sent

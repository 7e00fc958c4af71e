"""Background jobs (django-tasks on the database; `manage.py db_worker` runs them)."""

import datetime

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django_scopes import scope
from django_tasks import task


@task()
def send_notification(*, user_ids: list[int], city_id: int, template: str, context: dict, key: str = "") -> int:
    """Write each user's inbox notification and e-mail it (text and HTML) unless they opted out of
    this kind, in their own language (else the city's). Returns how many e-mails were sent."""
    # core sits below every domain app: it reaches the tenant and the user model through the
    # app registry, as its models' foreign keys do ("cities.City", AUTH_USER_MODEL)
    City = apps.get_model("cities", "City")
    Notification = apps.get_model("core", "Notification")
    User = get_user_model()

    city = City.objects.get(pk=city_id)
    path = context.get("url", "")
    link = settings.SITE_URL + path if path.startswith("/") else path  # e-mails need absolute links
    sent = 0
    with scope(city=city.pk):
        for user in User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
            language = user.preferred_language or city.default_language
            with translation.override(language):
                values = {**context, "url": link, "city": city, "user": user}
                for name, value in context.items():  # dates travel as ISO text; shown as the reader writes them
                    if name.endswith("_on") and isinstance(value, str) and value:
                        values[name] = datetime.date.fromisoformat(value)
                if "model" in context and "state" in context:  # the state in the reader's language
                    values["state"] = apps.get_model(context["model"]).State(context["state"]).label
                text = render_to_string(f"notifications/{template}.txt", values)
                subject, _, body = text.strip().partition("\n")
                subject = " ".join(subject.split())  # a title with a line break must not break the header
                message = body.strip().removesuffix(link).strip() if link else body.strip()
                try:
                    with transaction.atomic():
                        Notification.objects.create(
                            city=city, user=user, kind=template, subject=subject[:255], body=message, url=path, key=key
                        )
                except IntegrityError:  # this reminder reached this person already
                    continue
                if user.email_opt_outs.filter(kind=template).exists():
                    continue
                html = render_to_string(
                    "notifications/email.html",
                    {
                        "subject": subject,
                        "paragraphs": [p for p in message.split("\n") if p.strip()],
                        "url": link,
                        "city": city,
                    },
                )
            email = EmailMultiAlternatives(subject, body.strip(), settings.DEFAULT_FROM_EMAIL, [user.email])
            email.attach_alternative(html, "text/html")
            email.send()
            sent += 1
    return sent

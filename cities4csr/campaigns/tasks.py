"""Background jobs of campaigns (django-tasks on the database; ``manage.py db_worker`` runs them)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope
from django_tasks import task


@task()
def campaign_deadline(*, campaign_id: int) -> str:
    """Apply a campaign's deadline once it has passed: queued for the deadline when the campaign
    opens, and again by ``manage.py close_campaigns`` (the daily housekeeping) for any open
    campaign past it. Running it twice, or for a campaign already closed, changes nothing.
    Returns the campaign's state."""
    from .models import Campaign
    from .services import campaign_close

    campaign = Campaign.objects.with_scopes_disabled().filter(pk=campaign_id).first()
    if campaign is None or campaign.state != Campaign.State.OPEN:
        return campaign.state if campaign else "gone"
    if campaign.deadline > timezone.now():
        return campaign.state  # queued early (the deadline was moved): the later run applies it
    with scope(city=campaign.city_id):
        try:
            campaign = campaign_close(actor=None, campaign=campaign)
        except ValidationError as error:
            if getattr(error, "code", "") != "not_open":
                raise
    return campaign.state

"""Background jobs of privacy (django-tasks on the database; `manage.py db_worker` runs them)."""

from django_tasks import task


@task()
def purge_personal_data() -> dict:
    """Apply every city's retention periods (cities4csr.privacy.retention). Enqueued daily by
    `manage.py purge_personal_data --enqueue` (a timer, docs/deployment.md)."""
    from .retention import retention_purge

    return retention_purge().as_dict()

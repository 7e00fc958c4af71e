"""Background jobs of funds (django-tasks on the database; ``manage.py db_worker`` runs them)."""

from django_scopes import scope, scopes_disabled
from django_tasks import task


# === Bank statements and reconciliation ===========================================================
@task()
def statement_reconcile(*, statement_id: int) -> int:
    """Reconcile an uploaded statement (``services.statement_run``). Returns the lines matched."""
    from .models import StatementImport
    from .services import statement_run

    with scopes_disabled():
        statement = StatementImport.objects.select_related("city", "fund").get(pk=statement_id)
    with scope(city=statement.city_id):
        return statement_run(statement=statement).lines_matched

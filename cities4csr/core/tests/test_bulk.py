"""``core.bulk``: many rows at once, from model instances (``rows_insert``) or plain tuples
(``rows_copy``), give the same rows as saving them one by one (COPY on PostgreSQL, bulk_create
elsewhere; both sides of COPY_FROM)."""

import pytest
from django.db import transaction
from django_scopes import scopes_disabled

from cities4csr.cities.tests.factories import CityFactory
from cities4csr.core.bulk import COPY_FROM, keys_found, rows_copy, rows_insert
from cities4csr.core.models import AuditEvent
from cities4csr.core.services import audit_log_many

COLUMNS = ["city_id", "actor_id", "actor_label", "verb", "object_type", "object_id", "object_repr", "payload"]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, COPY_FROM + 5])
def test_rows_copy_writes_plain_rows_in_order(count):
    city = CityFactory()
    rows = [
        (city.pk, None, "system", "x.test", "cities.city", str(n), f"#{n}", {"n": n, "é": "à"}) for n in range(count)
    ]
    with transaction.atomic():
        assert rows_copy(AuditEvent, COLUMNS, rows) == count
    with scopes_disabled():
        stored = list(AuditEvent.objects.filter(verb="x.test").order_by("pk"))
    assert [(e.city_id, e.object_id, e.object_repr, e.payload, e.created_at is not None) for e in stored] == [
        (city.pk, str(n), f"#{n}", {"n": n, "é": "à"}, True) for n in range(count)
    ]


def test_rows_copy_refuses_columns_that_are_not_the_models():
    with pytest.raises(ValueError, match="needs the columns"):
        rows_copy(AuditEvent, COLUMNS[:-1], [(1,) * 7])


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, COPY_FROM + 5])
def test_rows_insert_and_audit_log_many_keep_each_value(count):
    city = CityFactory()
    with transaction.atomic():
        events = audit_log_many(actor=None, city=city, events=[("x.test", city, {"n": n}) for n in range(count)])
        more = rows_insert([AuditEvent(city=city, verb="y.test", object_type="t", object_id="1", object_repr="r")])
    assert all(e.pk and not e._state.adding for e in [*events, *more])
    with scopes_disabled():
        stored = list(AuditEvent.objects.filter(verb="x.test").order_by("pk"))
    assert [(e.city_id, e.actor_id, e.actor_label, e.object_type, e.object_id, e.payload) for e in stored] == [
        (city.pk, None, "system", "cities.city", str(city.pk), {"n": n}) for n in range(count)
    ]
    assert [e.object_repr for e in stored] == [str(city)[:255]] * count


@pytest.mark.django_db
def test_keys_found_gives_the_key_of_each_value_present_in_the_city():
    city, other = CityFactory(), CityFactory()
    with transaction.atomic():
        mine = audit_log_many(actor=None, city=city, events=[("x.one", city, {}), ("x.two", city, {})])
        audit_log_many(actor=None, city=other, events=[("x.three", other, {})])
    found = keys_found(AuditEvent, city_id=city.pk, field="verb", values=["x.one", "x.two", "x.three", "", "x.none"])
    assert found == {"x.one": mine[0].pk, "x.two": mine[1].pk}
    assert keys_found(AuditEvent, city_id=city.pk, field="verb", values=[]) == {}

"""schemathesis over the whole API, in process (Django's WSGI application, no network), as an
anonymous visitor and as a city officer using an API key: no answer is a 5xx, and every answer
(status, content type, body) is one that openapi.yaml describes for its operation.

The committed openapi.yaml is the contract (``make check`` keeps it equal to the code's). Each
operation gets SCHEMATHESIS_EXAMPLES generated requests per client (derandomised: the same
requests on every run), with the city in the path set to the test city and, half the time, the
ids in the path set to rows that exist (a need, its line, a pledge, an organisation, an
invitation), so that the views behind the 404 are reached too. Every failure of every operation
is reported at once.
"""

import os
from pathlib import Path

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cities4csr.accounts.apikeys.services import api_key_create
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.pledges.tests.factories import PledgeFactory

OPENAPI = Path(__file__).resolve().parents[2] / "openapi.yaml"
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_path(OPENAPI)
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.fixture
def existing(two_cities):
    """Rows of the Milan-like city whose ids the requests may name."""
    milan = two_cities.milan
    with scopes_disabled():
        need = NeedFactory(city=milan.city, owner=milan.city_hall, published=True)
        pledge = PledgeFactory(need=need, organisation=milan.company)
        return {
            "city": milan.city,
            "ids": sorted({need.pk, pledge.pk, milan.company.pk, milan.third_sector.pk, milan.city_hall.pk}),
            "organisation_pk": [milan.company.pk, milan.third_sector.pk],
        }


def _cases(operation, existing):
    slug = existing["city"].slug

    def fill(pair):
        case, real = pair
        if "city_slug" in (case.path_parameters or {}):
            case.path_parameters["city_slug"] = slug
        if real is not None:
            for name in ("id", "organisation_pk"):
                if name in (case.path_parameters or {}):
                    case.path_parameters[name] = real
        return case

    return st.tuples(operation.as_strategy(), st.none() | st.sampled_from(existing["ids"])).map(fill)


def _run(operation, existing, headers) -> list[str]:
    failures: list[str] = []
    # Called in process, the WSGI answer is not decoded as an HTTP client would: ask for it plain
    # (the site compresses for clients that accept gzip).
    headers = {"Accept-Encoding": "identity", **headers}

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_cases(operation, existing))
    def check(case):
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as exc:  # every failing request, all reported at the end
            failures.append(f"{operation.label}: {str(exc)[:1500]}")

    check()
    return failures


@pytest.fixture
def wsgi():
    """Django's WSGI application, answering on the test's own database connection: as Django's
    test client does, the connection is not closed at the end of each request (on PostgreSQL that
    would end the test's transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    app = get_wsgi_application()
    for operation in OPERATIONS:
        operation.app = app
    schema.app = app
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield app
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(existing, headers):
    failures = []
    for operation in OPERATIONS:
        failures += _run(operation, existing, headers)
    assert failures == [], f"{len(failures)} failing requests:\n" + "\n\n".join(failures)


@pytest.mark.django_db
def test_schemathesis_anonymous(existing, wsgi):
    _fuzz(existing, headers={})


@pytest.mark.django_db
def test_schemathesis_officer_with_an_api_key(two_cities, existing, wsgi):
    with scopes_disabled():
        _, key = api_key_create(actor=two_cities.milan.officer, city=two_cities.milan.city, name="schemathesis")
    _fuzz(existing, headers={"Authorization": f"Api-Key {key}"})


@pytest.mark.django_db
def test_a_server_error_would_be_reported(existing, wsgi, monkeypatch):
    """The harness itself: a view that fails is a failure, not a pass."""
    from cities4csr.cities.api import views

    def broken(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(views.CityListView, "get", broken)
    operation = next(op for op in OPERATIONS if op.label == "GET /api/v1/cities/")
    failures = _run(operation, existing, headers={})
    assert failures and "Server error" in failures[0]

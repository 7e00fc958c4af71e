"""schemathesis on the public ledger's API with a fund that exists (the whole-API run in
tests/api/test_schemathesis.py names random funds, so it only ever meets the 404): no 5xx, every
answer as openapi.yaml describes it, whatever the page numbers and the reference."""

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.core.failures import FailureGroup

from cities4csr.funds.tests.factories import a_fund, a_gift
from tests.api.test_schemathesis import CHECKS, OPERATIONS, wsgi  # noqa: F401  (the fixture)


@pytest.mark.django_db
def test_the_ledger_api_answers_as_documented(world, wsgi):  # noqa: F811
    fund = a_fund(world)
    a_gift(world, fund, 100, name="Giulia Bianchi", name_public=True)
    failures = []
    operations = [op for op in OPERATIONS if "/funds/{slug}/ledger/" in op.path]
    assert len(operations) == 2
    for operation in operations:

        @settings(
            max_examples=30,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            case.path_parameters["city_slug"] = world.city.slug
            case.path_parameters["slug"] = fund.slug
            response = case.call(headers={"Accept-Encoding": "identity"})
            try:
                case.validate_response(response, checks=CHECKS, headers={})
            except FailureGroup as exc:
                failures.append(f"{case.operation.label}: {str(exc)[:1500]}")

        check()
    assert failures == [], "\n\n".join(failures)

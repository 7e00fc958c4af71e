"""Every API operation documents the errors it can give, and the bodies are what it documents:
``{"detail", "code"}`` for 401/403/404/405/429, messages with ``codes`` for a 400."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import Client

SCHEMA = yaml.safe_load((Path(settings.BASE_DIR) / "openapi.yaml").read_text())


def operations():
    for path, item in SCHEMA["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", method, operation


def test_every_operation_documents_its_errors():
    missing = {
        name: sorted({"401", "403", "404", "429"} - set(op["responses"]))
        for name, _method, op in operations()
        if {"401", "403", "404", "429"} - set(op["responses"])
    }
    assert missing == {}
    writes = [
        name for name, method, op in operations() if method in ("post", "put", "patch") and "400" not in op["responses"]
    ]
    assert writes == []


@pytest.mark.django_db
def test_refusals_have_the_documented_bodies(world):
    city = world.city.slug
    client = Client()
    not_found = client.get(f"/api/v1/cities/{city}/pledges/999999/")
    denied = client.post(f"/api/v1/cities/{city}/organisations/", {"name": "X"}, content_type="application/json")
    for response in (not_found, denied):
        assert response.status_code in (401, 403, 404)
        assert set(response.json()) == {"detail", "code"}, response.json()
    client.force_login(world.officer)
    refused = client.post(f"/api/v1/cities/{city}/organisations/", {}, content_type="application/json")
    assert refused.status_code == 400 and "codes" in refused.json()

"""Every response carries the security headers: Content-Security-Policy (no inline script or
style allowed), Referrer-Policy, X-Content-Type-Options and frame protection.

The walk covers every GET route of the site and the API (URL resolver, as test_tenancy does),
for an anonymous visitor and for the city's officer, with real ids from the factories' city.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from cities4csr.cities.views import tile_image_source
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.pledges.tests.factories import PledgeFactory


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def every_route() -> list[str]:
    return sorted({route.replace("^", "").replace("$", "") for route in _walk(get_resolver().url_patterns)})


def fill(route: str, values: dict) -> str | None:
    route = re.sub(r"\(\?P<language_override>[^)]*\)/?", "", route)
    if "(?" in route or "\\" in route:  # a regular expression route (static, media): not walkable
        return None
    url = "/" + route
    for key, value in values.items():
        if isinstance(value, dict):  # the id depends on the resource named before it
            value = next((v for noun, v in value.items() if f"/{noun}/<" in url), 1)
        url = re.sub(rf"<(\w+:)?{key}>", str(value), url)
    url = re.sub(r"<(\w+:)?\w+>", "1", url)  # any other parameter: a 404 must carry the headers too
    if not url.startswith(("/api/", "/admin/", "/static/", "/media/", "/healthz")) and not re.match(
        r"^/(it|en|fr)/", url
    ):
        url = "/it" + url
    return url


def assert_security_headers(url: str, response) -> list[str]:
    problems = []
    csp = response.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    if not csp:
        problems.append(f"{url}: no Content-Security-Policy")
    else:
        for name in ("default-src", "script-src", "style-src"):
            if "'unsafe-inline'" in directives.get(name, []) or "'unsafe-eval'" in directives.get(name, []):
                problems.append(f"{url}: {name} allows inline code")
        if directives.get("script-src") != ["'self'"] or directives.get("style-src") != ["'self'"]:
            problems.append(f"{url}: scripts and styles not limited to the site: {csp}")
        if directives.get("frame-ancestors") != ["'none'"]:
            problems.append(f"{url}: no frame-ancestors 'none'")
    if response.get("Referrer-Policy") not in ("same-origin", "strict-origin-when-cross-origin"):
        problems.append(f"{url}: Referrer-Policy {response.get('Referrer-Policy')!r}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{url}: no X-Content-Type-Options nosniff")
    if response.get("X-Frame-Options") != "DENY":
        problems.append(f"{url}: X-Frame-Options {response.get('X-Frame-Options')!r}")
    return problems


def inline_code(url: str, html: str) -> list[str]:
    """What the CSP would refuse in a page: a style attribute, a <style> block, an inline script
    (a JSON data block, json_script's, is data, not code)."""
    problems = []
    if re.search(r"<[^>]+\sstyle=", html):
        problems.append(f"{url}: a style attribute")
    if "<style" in html:
        problems.append(f"{url}: a <style> block")
    for attrs in re.findall(r"<script([^>]*)>", html):
        if "src=" not in attrs and 'type="application/json"' not in attrs:
            problems.append(f"{url}: an inline <script{attrs}>")
    return problems


@pytest.mark.django_db
def test_every_get_response_carries_the_security_headers(world):
    need = NeedFactory(city=world.city, owner=world.city_hall, published=True)
    pledge = PledgeFactory(need=need, organisation=world.company)
    area = next(iter(world.areas.values()))
    values = {
        "city_slug": world.city.slug,
        "pk": {"organisations": world.company.pk, "needs": need.pk, "pledges": pledge.pk},
        "organisation_pk": world.company.pk,
        "kind": area.kind,
        "code": area.code,
    }
    urls = [url for route in every_route() if (url := fill(route, values))]
    assert len(urls) >= 40, urls  # the walk really covers the site and the API
    officer = Client()
    officer.force_login(world.officer)
    problems, statuses = [], {}
    for client in (Client(), officer):
        for url in urls + ["/static/css/site.css", "/no-such-page/"]:
            response = client.get(url)
            statuses[url] = response.status_code
            problems += assert_security_headers(url, response)
            if response.get("Content-Type", "").startswith("text/html"):
                problems += inline_code(url, response.content.decode(errors="replace"))
    assert problems == [], "\n".join(problems)
    served = [url for url, status in statuses.items() if status == 200]
    assert len(served) >= 25, statuses  # most pages really rendered, not only 404s


def test_tile_server_is_the_only_extra_image_source():
    assert tile_image_source("") == ""
    assert tile_image_source("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert tile_image_source("https://tiles.example/{z}/{x}/{y}.png") == "https://tiles.example"


@pytest.mark.django_db
def test_city_home_allows_its_tile_server_images(world):
    world.city.policy = {**world.city.policy, "map_tile_url": "https://tiles.example/{z}/{x}/{y}.png"}
    world.city.save()
    response = Client().get(f"/it/{world.city.slug}/")
    assert response.status_code == 200
    img_src = next(d for d in response["Content-Security-Policy"].split(";") if d.strip().startswith("img-src"))
    assert "https://tiles.example" in img_src
    assert "'self'" in img_src

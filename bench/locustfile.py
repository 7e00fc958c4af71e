"""The load scenario of ``make bench`` (bench/run_load.py runs it; locust, headless).

People browse the catalogue and its map, companies pledge, officers accept, on the seed_scale
city, against gunicorn and PostgreSQL on loopback. Each simulated person waits 1 to 3 seconds
between two actions, as a person reading a page does.

- ``Visitor`` (most): the catalogue, filtered or not, its map's dots and neighbourhood shades
  (the API), a need's page, the city's home page.
- ``Company``: a company representative who browses and pledges a little of a need (one unit of
  one of its lines: one euro, one hour, one item), through the API.
- ``Officer``: a city officer who opens the workspace (the counts), the list of pledges to accept,
  and accepts one of them.
- ``Hello``: only the trivial page (``/<lang>/<city>/ping/``), run alone for the reference rate.

The people's e-mail addresses and password come from bench/run_load.py (``LOAD_*`` variables),
which creates them in the benchmark database.
"""

import os
import random
import re

from locust import HttpUser, between, task

CITY = os.environ.get("LOAD_CITY", "metropoli")
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
COMPANIES = [e for e in os.environ.get("LOAD_COMPANY_EMAILS", "").split(",") if e]
OFFICERS = [e for e in os.environ.get("LOAD_OFFICER_EMAILS", "").split(",") if e]
BASE = f"/it/{CITY}"
NEED_LINK = re.compile(rf'href="{BASE}/needs/(\d+)/"')
PLEDGE_LINK = re.compile(rf'href="{BASE}/pledges/(\d+)/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FILTERS = [
    "?theme=education&kind=money&open=true&q=scuola&sort=gap",
    "?kind=volunteer_time&open=true",
    "?theme=greening",
    "?sort=gap",
    "?q=cortile",
]


def _csrf(html: str) -> str:
    match = CSRF.search(html)
    return match.group(1) if match else ""


class Browsing:
    """What every person does on the public pages."""

    need_ids: list[str]

    def catalogue(self):
        query = random.choice(["", "", random.choice(FILTERS)])
        page = self.client.get(f"{BASE}/needs/{query}", name=f"{BASE}/needs/?…" if query else f"{BASE}/needs/")
        found = NEED_LINK.findall(page.text)
        if found:
            self.need_ids = found
        return found

    def map(self):
        self.client.get(f"/api/v1/cities/{CITY}/needs.geojson?page={random.randint(1, 5)}", name="needs.geojson")
        self.client.get(f"/api/v1/cities/{CITY}/needs/by-area/?kind=nil", name="needs/by-area")

    def need(self):
        if not getattr(self, "need_ids", None):
            self.catalogue()
        if self.need_ids:
            return self.client.get(f"{BASE}/needs/{random.choice(self.need_ids)}/", name=f"{BASE}/needs/<id>/")
        return None

    def log_in(self, email: str):
        page = self.client.get("/it/accounts/login/", name="login")
        self.client.post(
            "/it/accounts/login/",
            {"csrfmiddlewaretoken": _csrf(page.text), "login": email, "password": PASSWORD},
            headers={"Referer": f"{self.host}/it/accounts/login/"},
            name="login",
        )


class Visitor(Browsing, HttpUser):
    weight = 40
    wait_time = between(1, 3)

    @task(4)
    def browse_catalogue(self):
        self.catalogue()

    @task(3)
    def look_at_the_map(self):
        self.map()

    @task(3)
    def read_a_need(self):
        self.need()

    @task(1)
    def city_home(self):
        self.client.get(f"{BASE}/", name=f"{BASE}/")


class Company(Browsing, HttpUser):
    """Pledges through the API (JSON, the session's cookie and CSRF token), as the company
    workspace's scripts and machine clients do: a representative's need page offers every
    organisation of the city as a partner, which on the metro-scale city is not a page one can
    load (docs/deployment.md, "Load")."""

    weight = 7
    wait_time = between(1, 3)

    def on_start(self):
        email, self.organisation = random.choice(COMPANIES).split(":")
        self.log_in(email)

    @task(2)
    def browse(self):
        self.catalogue()
        self.map()

    @task(1)
    def pledge(self):
        if not getattr(self, "need_ids", None):
            self.catalogue()
        if not self.need_ids:
            return
        need = self.client.get(
            f"/api/v1/cities/{CITY}/needs/{random.choice(self.need_ids)}/", name="needs/<id> (API)"
        ).json()
        lines = [line for line in need.get("lines", []) if line["remaining"] > 0]
        if not lines:
            return
        line = random.choice(lines)
        with self.client.post(
            f"/api/v1/cities/{CITY}/pledges/",
            json={
                "need": need["id"],
                "organisation": int(self.organisation),
                "items": [{"line": line["id"], "quantity": 100 if line["kind"] == "money" else 1}],
            },
            headers={"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "Referer": self.host + "/"},
            name="pledges (API POST)",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"pledge not made: {response.status_code} {response.text[:200]}")


class Officer(Browsing, HttpUser):
    weight = 3
    wait_time = between(1, 3)

    def on_start(self):
        self.log_in(random.choice(OFFICERS))

    @task(1)
    def browse(self):
        self.catalogue()

    @task(2)
    def accept_a_pledge(self):
        self.client.get(f"{BASE}/workspace/officer/", name=f"{BASE}/workspace/officer/")  # the counts
        waiting = PLEDGE_LINK.findall(  # then the pledges to accept
            self.client.get(
                f"{BASE}/workspace/officer/pledges/?state=proposed",
                name=f"{BASE}/workspace/officer/pledges/?state=proposed",
            ).text
        )
        if not waiting:
            return
        pk = random.choice(waiting[:10])
        detail = self.client.get(f"{BASE}/pledges/{pk}/", name=f"{BASE}/pledges/<id>/")
        if 'name="to" value="accepted"' not in detail.text:
            return
        self.client.post(
            f"{BASE}/pledges/{pk}/transition/",
            {"csrfmiddlewaretoken": _csrf(detail.text), "to": "accepted", "reason": ""},
            headers={"Referer": detail.url},
            name=f"{BASE}/pledges/<id>/transition/",
        )


class Hello(HttpUser):
    """The reference: the trivial page, same people, same pace (run alone)."""

    wait_time = between(1, 3)

    @task
    def hello(self):
        self.client.get(f"{BASE}/ping/", name=f"{BASE}/ping/")

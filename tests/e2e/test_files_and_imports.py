"""Files and imports in the browser, in Italian, English and French, on a desktop and on a phone
(390 px), axe-core on every page:

- an officer sees the delivery evidence of a pledge (a photo's thumbnail, a PDF's link), opens
  both from the permission-checked view (inline, nosniff, the right type) and verifies the pledge;
  another company's representative gets 403 for the same files;
- an officer imports a need from a CSV file (dry run, then for real), finds the draft from the
  result's link (the need's own page: the officer's filtered lists come with issue 14's other
  half), and importing the same file again changes nothing.
"""

import json
import os
import subprocess
import sys
import time

import pytest

from cities4csr.pledges.tests.test_evidence_files import PDF
from cities4csr.pledges.tests.test_pledges import PNG

from .conftest import ROOT

SIZES = [("it", 1280), ("it", 390), ("en", 390), ("fr", 390)]
OTHER_REP = "csr@altra-impresa.example"

# Run in the server's database (manage.py shell): a published need's pledge by the demo company,
# accepted, with a photo and a PDF receipt, marked delivered; and the representative of another
# company. Prints the ids.
SETUP = """
import json
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled
from cities4csr.accounts.models import User
from cities4csr.cities.models import City
from cities4csr.demo.seed import DEMO_PASSWORD
from cities4csr.cities.models import Area
from cities4csr.needs.models import Need
from cities4csr.needs.services import line_add, need_create, need_transition
from cities4csr.organisations.models import Membership, Organisation
from cities4csr.organisations.services import membership_add
from cities4csr.pledges.models import Pledge
from cities4csr.pledges.services import evidence_add, pledge_propose, pledge_transition

with scopes_disabled():
    milano = City.objects.get(slug="milano")
    rep = User.objects.get(email="representative@milano.example")
    company = Membership.objects.filter(user=rep, organisation__city=milano).first().organisation
    other_user, created = User.objects.get_or_create(email=%(other)r)
    if created:
        other_user.password = make_password(DEMO_PASSWORD)
        other_user.save()
        EmailAddress.objects.create(user=other_user, email=other_user.email, verified=True, primary=True)
        other = Organisation.objects.filter(city=milano, kind="company").exclude(pk=company.pk).order_by("name").first()
        membership_add(actor=None, organisation=other, user=other_user, role=Membership.Role.REPRESENTATIVE)
    # a need of its own, so that every run finds room on it
    owner = Organisation.objects.get(city=milano, name="Comune di Milano")
    area = Area.objects.filter(city=milano, kind=milano.settings.primary_area_kind).order_by("code").first()
    need = need_create(actor=None, city=milano, owner=owner, title="Aula studio da arredare", description="Arredi.", area=area)
    line = line_add(actor=None, need=need, kind="money", label="Arredi e materiali", quantity=500_000)
    need_transition(actor=None, need=need, to=Need.State.PUBLISHED)
    pledge = pledge_propose(actor=None, need=need, organisation=company, items=[(line, 100)])
    pledge_transition(actor=None, pledge=pledge, to=Pledge.State.ACCEPTED)
    photo = evidence_add(actor=None, pledge=pledge, kind="photo", file=SimpleUploadedFile("aula.png", %(png)r))
    receipt = evidence_add(actor=None, pledge=pledge, kind="receipt", file=SimpleUploadedFile("fattura.pdf", %(pdf)r))
    pledge_transition(actor=None, pledge=pledge, to=Pledge.State.DELIVERED)
    print(json.dumps({"pledge": pledge.pk, "photo": photo.pk, "receipt": receipt.pk}))
"""

WORDS = {
    "it": {
        "verify": "Verifica",
        "verified": "Verificato",
        "created": "Importato: 1 creato",
        "same": "niente è cambiato",
    },
    "en": {"verify": "Verify", "verified": "Verified", "created": "Imported: 1 created", "same": "nothing changed"},
    "fr": {"verify": "Vérifier", "verified": "Vérifié", "created": "Importé : 1 créé", "same": "rien n’a changé"},
}


@pytest.fixture
def delivered_pledge(server, server_env):
    for _attempt in range(3):  # the server's background worker may hold SQLite's write lock a moment
        done = subprocess.run(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "shell",
                "-c",
                SETUP % {"other": OTHER_REP, "png": PNG, "pdf": PDF},
            ],
            env=server_env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode == 0 or "database is locked" not in done.stderr:
            break
        time.sleep(2)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def shoot(visitor, name):
    """A screenshot to look at, when SHOTS_DIR names a folder (never in the repository)."""
    if os.environ.get("SHOTS_DIR"):
        visitor.page.screenshot(path=f"{os.environ['SHOTS_DIR']}/{name}.png", full_page=True)


@pytest.mark.parametrize(("lang", "width"), SIZES)
def test_officer_opens_the_evidence_and_verifies_another_company_cannot(people, delivered_pledge, lang, width):
    words = WORDS[lang]
    officer = people("officer@milano.example", lang=lang)
    page = officer.page
    page.set_viewport_size({"width": width, "height": 900})
    pledge_url = f"/{lang}/milano/pledges/{delivered_pledge['pledge']}/"
    photo_url = f"/{lang}/milano/pledges/evidence/{delivered_pledge['photo']}/"
    receipt_url = f"/{lang}/milano/pledges/evidence/{delivered_pledge['receipt']}/"
    officer.goto(pledge_url)

    evidence = page.get_by_test_id("evidence")
    assert evidence.count() == 2
    thumbnail = page.locator(f"main img[src='{photo_url}']")
    thumbnail.scroll_into_view_if_needed()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", thumbnail.element_handle())
    pdf_link = page.locator(f"main a[data-testid=evidence-open][href='{receipt_url}']")
    assert pdf_link.get_attribute("target") == "_blank"
    shoot(officer, f"evidence-{lang}-{width}")

    # the PDF opens inline in a new tab, the photo in the page; both with their type and nosniff
    with page.context.expect_page() as opened:
        pdf_link.click()
    tab = opened.value
    tab.close()
    document = page.request.get(officer.base + receipt_url)
    assert document.status == 200 and document.body() == PDF
    assert document.headers["content-type"] == "application/pdf"
    assert document.headers["content-disposition"] == 'inline; filename="fattura.pdf"'
    assert document.headers["x-content-type-options"] == "nosniff"
    image = page.request.get(officer.base + photo_url)
    assert image.status == 200 and image.headers["content-type"] == "image/png"

    # the officer verifies
    form = page.locator("main form:has(input[name=to][value=verified])")
    assert words["verify"] in form.inner_text()
    officer.click(form.locator("button"))
    assert page.get_by_test_id("pledge-state").inner_text() == words["verified"]
    assert page.get_by_test_id("evidence").count() == 2  # the record stays, no longer correctable
    assert page.locator("main details summary").count() == 0

    # another company's representative: 403 for the files, the pledge not even found
    other = people(OTHER_REP, lang=lang)
    other.page.set_viewport_size({"width": width, "height": 900})
    for url in (photo_url, receipt_url):
        assert other.page.request.get(other.base + url).status == 403
        response = other.page.goto(other.base + url)
        assert response.status == 403
    assert other.page.request.get(other.base + pledge_url).status == 404


def uncheck_dry_run(page):
    """Untick "Dry run" as a person does, on its label (the styled box lies under it)."""
    page.locator("label[for=id_dry_run]").click()
    assert not page.locator("#id_dry_run").is_checked()


def import_csv(title, ref):
    header = "ref,title,description,owner,nil,kind,label,amount_eur\n"
    row = f"{ref},{title},Arredi per un'aula studio di quartiere.,Comune di Milano,35,money,Arredi,1500\n"
    return {"name": "bisogni.csv", "mimeType": "text/csv", "buffer": (header + row).encode()}


@pytest.mark.parametrize(("lang", "width"), SIZES)
def test_an_imported_draft_is_found_and_importing_again_changes_nothing(people, lang, width):
    words = WORDS[lang]
    officer = people("officer@milano.example", lang=lang)
    page = officer.page
    page.set_viewport_size({"width": width, "height": 900})
    title = f"Aula studio importata {lang} {width}"
    upload = import_csv(title, f"E2E-{lang}-{width}")
    officer.goto(f"/{lang}/milano/needs/import/")

    # dry run (the box is checked by default): what it would do, nothing saved
    page.locator("#id_file").set_input_files(files=[upload])
    officer.click(page.locator("main form button[type=submit]"))
    assert page.get_by_test_id("import-create").inner_text().startswith(title)
    assert page.get_by_test_id("import-create").get_by_role("link").count() == 0  # not created yet

    # for real: the result links to the new draft
    page.locator("#id_file").set_input_files(files=[upload])
    uncheck_dry_run(page)
    officer.click(page.locator("main form button[type=submit]"))
    assert words["created"] in page.locator("main [role=status]").first.inner_text()
    shoot(officer, f"import-{lang}-{width}")
    link = page.get_by_test_id("import-create").get_by_role("link", name=title)
    need_url = link.get_attribute("href")
    officer.click(link)
    assert page.get_by_role("heading", level=1).inner_text().startswith(title)  # "(original in Italian)" on en/fr
    assert page.url.endswith(need_url)

    # the same file again: nothing changes, and the result says so, linking to the same need
    officer.goto(f"/{lang}/milano/needs/import/")
    page.locator("#id_file").set_input_files(files=[upload])
    uncheck_dry_run(page)
    officer.click(page.locator("main form button[type=submit]"))
    assert words["same"] in page.locator("main [role=status]").first.inner_text()
    assert page.get_by_test_id("import-unchanged").get_by_role("link", name=title).get_attribute("href") == need_url
    assert page.get_by_test_id("import-create").count() == 0
    shoot(officer, f"reimport-{lang}-{width}")

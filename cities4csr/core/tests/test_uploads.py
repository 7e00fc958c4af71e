"""An upload is what its name says: a script renamed photo.png or receipt.pdf is refused, through
the service, the page and the API, and nothing is written."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cities4csr.core.uploads import upload_check
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.pledges.models import Evidence, Pledge
from cities4csr.pledges.services import pledge_propose, pledge_transition
from cities4csr.pledges.tests.test_pledges import PNG

SCRIPT = b"<script>alert(document.cookie)</script>"


def xlsx() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def bare_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("payload.js", SCRIPT)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", SCRIPT),
        ("receipt.pdf", SCRIPT),
        ("list.xlsx", SCRIPT),
        ("list.xlsx", bare_zip()),  # a ZIP, but no spreadsheet
        ("list.csv", b"\x89PNG\r\n\x1a\n\x00\x00binary"),
    ],
)
def test_a_file_whose_content_does_not_match_its_name_is_refused(name, content):
    with pytest.raises(ValidationError) as refused:
        upload_check(SimpleUploadedFile(name, content))
    assert refused.value.error_dict["file"][0].code in ("content_mismatch", "not_an_image")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", PNG),
        ("receipt.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
        ("list.xlsx", xlsx()),
        ("list.csv", "nome,ore\nAnna,8\nNiccolò,8\n".encode()),
    ],
)
def test_real_files_pass_and_are_left_at_their_start(name, content):
    upload = SimpleUploadedFile(name, content)
    upload_check(upload)
    assert upload.read() == content


@pytest.fixture
def accepted(world):
    need = NeedFactory(city=world.city, owner=world.city_hall, published=True)
    pledge = pledge_propose(
        actor=world.representative, need=need, organisation=world.company, items=[(need.lines.get(), 1000)]
    )
    pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.ACCEPTED)
    return pledge


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["page", "api"])
def test_a_script_disguised_as_a_png_or_a_pdf_is_a_400_and_nothing_is_written(world, accepted, path):
    client = Client()
    client.force_login(world.representative)
    city = world.city.slug
    for kind, name in (("photo", "cortile.png"), ("receipt", "ricevuta.pdf")):
        upload = SimpleUploadedFile(name, SCRIPT, content_type="image/png")
        url = (
            f"/en/{city}/pledges/{accepted.pk}/evidence/"
            if path == "page"
            else f"/api/v1/cities/{city}/pledges/{accepted.pk}/evidence/"
        )
        response = client.post(url, {"kind": kind, "file": upload})
        assert response.status_code == 400, (name, response.status_code)
    assert not Evidence.objects.filter(pledge=accepted).exists()

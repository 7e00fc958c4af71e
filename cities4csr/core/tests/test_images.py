"""Images are opened safely: a few bytes declaring a huge image (a decompression bomb) are
refused with a message, at every image input (photo evidence on the page and the API, a need's
photo), with a 400 and nothing written; never a server error."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_scopes import scope, scopes_disabled
from PIL import Image

from cities4csr.core.images import MAX_PIXELS, image_check
from cities4csr.core.models import AuditEvent
from cities4csr.needs.models import Need
from cities4csr.organisations.models import Organisation
from cities4csr.pledges.models import Evidence, Pledge
from cities4csr.pledges.services import pledge_propose


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def declared_png(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header claims ``width`` × ``height`` grey pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\0" * 100))
        + _chunk(b"IEND", b"")
    )


BOMB = declared_png(20_000, 20_000)  # 400 megapixels in 69 bytes
BELOW_PILLOW = declared_png(9_000, 6_000)  # 54 MP: Pillow (89 MP) would not even warn


def real_png(width=4, height=3) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_the_bomb_is_as_small_as_it_claims():
    assert len(BOMB) == 69


@pytest.mark.parametrize("content", [BOMB, BELOW_PILLOW], ids=["400MP", "54MP"])
def test_a_declared_size_above_the_limit_is_refused_before_decoding(content):
    upload = io.BytesIO(content)
    with pytest.raises(ValidationError) as error:
        image_check(upload)
    assert error.value.code == "image_too_large"
    assert "40 megapixels" in error.value.messages[0]
    assert upload.tell() == 0


def test_pillows_bomb_warning_is_a_refusal_too():
    # a limit above Pillow's own: its DecompressionBombWarning (100 MP > 89 MP) must not pass
    with pytest.raises(ValidationError) as error:
        image_check(io.BytesIO(declared_png(10_000, 10_000)), max_pixels=10**12)
    assert error.value.code == "image_too_large"


@pytest.mark.parametrize(
    "content",
    [b"not an image", real_png()[:40], b"BM" + b"\0" * 60, b"GIF89a" + b"\xff" * 3],
    ids=["text", "truncated", "bmp", "broken-gif"],
)
def test_what_is_not_a_browser_image_is_refused(content):
    with pytest.raises(ValidationError) as error:
        image_check(io.BytesIO(content), field="file")
    assert error.value.message_dict["file"] and error.value.error_dict["file"][0].code == "not_an_image"


def test_a_real_image_passes_and_is_left_at_its_start():
    upload = io.BytesIO(real_png())
    image_check(upload)
    assert upload.tell() == 0
    assert MAX_PIXELS == 8_000 * 5_000
    image_check(io.BytesIO(declared_png(8_000, 5_000)))  # exactly at the limit


def _media_files() -> set[Path]:
    return {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


def _counts():
    with scopes_disabled():
        return Evidence.objects.count(), Need.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def accepted_pledge(corvetto_need, company_rep):
    rep, company = company_rep
    pledge = pledge_propose(
        actor=rep, need=corvetto_need, organisation=company, items=[(corvetto_need.lines.first(), 100)]
    )
    Pledge.objects.filter(pk=pledge.pk).update(state=Pledge.State.ACCEPTED)
    return rep, pledge


@pytest.mark.django_db
@pytest.mark.parametrize("content", [BOMB, BELOW_PILLOW], ids=["400MP", "54MP"])
@pytest.mark.parametrize("path", ["page", "api"])
@pytest.mark.parametrize("kind", ["photo", "receipt"])  # an image is opened safely whatever its kind
def test_a_bomb_as_photo_evidence_is_a_400_and_nothing_is_written(accepted_pledge, content, path, kind):
    rep, pledge = accepted_pledge
    client = Client()
    client.force_login(rep)
    before, files = _counts(), _media_files()
    upload = SimpleUploadedFile("cortile.png", content, content_type="image/png")
    if path == "page":
        response = client.post(f"/en/milano/pledges/{pledge.pk}/evidence/", {"kind": kind, "file": upload})
        message = response.content.decode()
    else:
        response = client.post(f"/api/v1/cities/milano/pledges/{pledge.pk}/evidence/", {"kind": kind, "file": upload})
        message = " ".join(response.json()["file"])
    assert response.status_code == 400
    assert "This image is too large: at most 40 megapixels" in message
    assert _counts() == before and _media_files() == files


@pytest.mark.django_db
@pytest.mark.parametrize("content", [BOMB, BELOW_PILLOW], ids=["400MP", "54MP"])
def test_a_bomb_as_a_needs_photo_is_a_400_and_nothing_is_written(users, milano, content):
    client = Client()
    client.force_login(users["milano", "officer"])
    with scope(city=milano.pk):
        owner = Organisation.objects.get(name="Comune di Milano")
    before, files = _counts(), _media_files()
    response = client.post(
        "/en/milano/needs/new/",
        {"owner": owner.pk, "title": "Cortile", "description": "…", "photo": SimpleUploadedFile("c.png", content)},
    )
    assert response.status_code == 400
    assert "This image is too large: at most 40 megapixels" in response.content.decode()
    assert _counts() == before and _media_files() == files


@pytest.mark.django_db
def test_the_need_service_checks_the_photo_too(users, in_milano):
    from cities4csr.needs.services import need_create

    owner = Organisation.objects.get(name="Comune di Milano")
    with pytest.raises(ValidationError) as error:
        need_create(
            actor=users["milano", "officer"],
            city=in_milano,
            owner=owner,
            title="Cortile",
            description="…",
            photo=SimpleUploadedFile("c.png", BELOW_PILLOW),
        )
    assert error.value.error_dict["photo"][0].code == "image_too_large"

"""What is stored of an upload: images saved again without metadata (a phone photo's GPS position
is gone), PDFs with scripts or automatic actions refused, files over the size limit refused with a
message; through the service, the page and the API."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from cities4csr.core.images import image_clean
from cities4csr.core.uploads import upload_clean
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.pledges.models import Evidence, Pledge
from cities4csr.pledges.services import evidence_add, pledge_propose, pledge_transition

GPS_IFD = 0x8825


def photo_with_gps(fmt="JPEG", orientation=None) -> bytes:
    image = Image.new("RGB", (64, 32), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x013B] = "Anna Rossi"  # Artist
    if orientation:
        exif[0x0112] = orientation
    exif[GPS_IFD] = {1: "N", 2: (45.0, 26.0, 25.0), 3: "E", 4: (9.0, 13.0, 24.0)}
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, exif=exif)
    return buffer.getvalue()


def pdf(*, javascript=None, launch=False, open_action_js=False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if javascript:  # a document-level script, in the catalogue's name tree, as Acrobat writes it
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(javascript)}
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {
                NameObject("/JavaScript"): DictionaryObject(
                    {NameObject("/Names"): ArrayObject([TextStringObject("init"), writer._add_object(action)])}
                )
            }
        )
    if launch:
        writer.pages[0][NameObject("/AA")] = DictionaryObject(
            {
                NameObject("/O"): DictionaryObject(
                    {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
                )
            }
        )
    if open_action_js:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
        )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_exif_and_gps_are_gone_after_cleaning(fmt):
    content = photo_with_gps(fmt)
    assert Image.open(io.BytesIO(content)).getexif().get_ifd(GPS_IFD)  # the upload has a position
    suffix = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}[fmt]
    cleaned = image_clean(SimpleUploadedFile(f"cortile{suffix}", content))
    data = cleaned.read()
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == fmt
        assert image.size == (64, 32)
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info and "xmp" not in image.info
    assert b"PhoneMaker" not in data and b"Anna Rossi" not in data
    assert cleaned.name == f"cortile{suffix}"


def test_the_orientation_is_applied_before_the_exif_goes():
    cleaned = image_clean(SimpleUploadedFile("ritratto.jpg", photo_with_gps(orientation=6)))  # rotated 90°
    with Image.open(cleaned) as image:
        assert image.size == (32, 64)


def test_a_gif_is_stored_as_a_png():
    buffer = io.BytesIO()
    Image.new("P", (10, 10)).save(buffer, format="GIF", comment=b"secret note")
    cleaned = image_clean(SimpleUploadedFile("anim.gif", buffer.getvalue()))
    assert cleaned.name == "anim.png"
    assert b"secret note" not in cleaned.read()


@pytest.mark.parametrize(
    "content",
    [
        pdf(javascript="app.alert('hello')"),
        pdf(launch=True),
        pdf(open_action_js=True),
        # the name written with #xx escapes, in clear bytes
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61vaScript /JS (x) >> >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
    ],
    ids=["javascript", "launch", "open-action", "escaped-name"],
)
def test_a_pdf_with_a_script_or_an_automatic_action_is_refused(content):
    with pytest.raises(ValidationError) as refused:
        upload_clean(SimpleUploadedFile("ricevuta.pdf", content))
    assert refused.value.error_dict["file"][0].code == "pdf_active_content"
    assert "plain PDF" in refused.value.error_dict["file"][0].messages[0]


def test_a_plain_pdf_passes_and_a_broken_one_is_refused():
    plain = pdf()
    upload = SimpleUploadedFile("ricevuta.pdf", plain)
    assert upload_clean(upload).read() == plain
    with pytest.raises(ValidationError) as refused:
        upload_clean(SimpleUploadedFile("ricevuta.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 50))
    assert refused.value.error_dict["file"][0].code == "pdf_invalid"


def test_an_oversize_file_is_refused_with_a_message():
    big = SimpleUploadedFile("elenco.csv", b"a,b\n" * (3 * 1024 * 1024))  # 12 MB
    with pytest.raises(ValidationError) as refused:
        upload_clean(big)
    error = refused.value.error_dict["file"][0]
    assert error.code == "file_too_large"
    assert error.messages == ["The file is too large: at most 10 MB."]


@pytest.fixture
def accepted(world):
    need = NeedFactory(city=world.city, owner=world.city_hall, published=True)
    pledge = pledge_propose(
        actor=world.representative, need=need, organisation=world.company, items=[(need.lines.get(), 1000)]
    )
    pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.ACCEPTED)
    return pledge


@pytest.mark.django_db
def test_a_photo_of_evidence_is_stored_without_its_gps_position(world, accepted):
    evidence = evidence_add(
        actor=world.representative,
        pledge=accepted,
        kind=Evidence.Kind.PHOTO,
        file=SimpleUploadedFile("consegna.jpg", photo_with_gps()),
    )
    with evidence.file.open("rb") as stored, Image.open(stored) as image:
        assert image.getexif().get_ifd(GPS_IFD) == {}
        assert dict(image.getexif()) == {}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["page", "api"])
def test_a_pdf_with_javascript_or_an_oversize_file_is_a_400_with_a_message(world, accepted, path, settings):
    client = Client()
    client.force_login(world.representative)
    url = (
        f"/en/{world.city.slug}/pledges/{accepted.pk}/evidence/"
        if path == "page"
        else f"/api/v1/cities/{world.city.slug}/pledges/{accepted.pk}/evidence/"
    )
    scripted = SimpleUploadedFile("ricevuta.pdf", pdf(javascript="app.alert(1)"), content_type="application/pdf")
    response = client.post(url, {"kind": "receipt", "file": scripted})
    assert response.status_code == 400
    assert "scripts or automatic actions" in response.content.decode()
    big = SimpleUploadedFile("elenco.csv", b"a,b\n" * (3 * 1024 * 1024), content_type="text/csv")
    response = client.post(url, {"kind": "attendance", "file": big})
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert not Evidence.objects.filter(pledge=accepted).exists()

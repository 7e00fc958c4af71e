"""Opening an uploaded image safely: every image input (need photos, photo evidence) goes
through ``image_check``.

A few bytes can declare an image of billions of pixels (a decompression bomb): decoding it would
exhaust the server's memory, and Pillow only warns below twice its own limit. So the check reads
the header alone, refuses a declared size above ``MAX_PIXELS`` before anything is decoded, turns
Pillow's ``DecompressionBombWarning`` into a refusal, accepts only the formats browsers show, and
verifies the file's structure.

Then ``image_clean`` decodes the checked image and saves it again, so that what is stored is
pixels the server wrote itself: no EXIF (a phone photo's GPS position, camera, owner), no XMP or
text chunks, no trailing bytes after the image, the orientation applied to the pixels. JPEG stays
JPEG, PNG and WebP stay themselves, a GIF becomes a PNG of its first frame.
"""

from __future__ import annotations

import warnings
from io import BytesIO
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

MAX_PIXELS = 40_000_000  # 40 megapixels: more than any phone photo, far below a bomb
MAX_BYTES = 10 * 1024 * 1024  # an uploaded image file: 10 MB
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")  # what browsers show; no other Pillow plugin is tried


def image_check(file, *, field: str | None = None, max_pixels: int = MAX_PIXELS) -> None:
    """Raise a ValidationError (with ``field`` as its key, if given) unless ``file`` is an image
    in one of ``FORMATS`` of at most ``max_pixels`` pixels. The file is left at its start."""
    from PIL import Image, UnidentifiedImageError

    def refuse(message: str, code: str):
        error = ValidationError(message, code=code)
        return ValidationError({field: error}) if field else error

    too_large = refuse(
        _("This image is too large: at most %(megapixels)d megapixels (for example 8000 × 5000).")
        % {"megapixels": max_pixels // 1_000_000},
        "image_too_large",
    )
    not_image = refuse(_("This is not an image (JPEG, PNG, WebP or GIF)."), "not_an_image")
    if getattr(file, "size", None) is not None and file.size > MAX_BYTES:
        raise refuse(
            _("The file is too large: at most %(megabytes)d MB.") % {"megabytes": MAX_BYTES // (1024 * 1024)},
            "file_too_large",
        )
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=FORMATS) as image:  # reads the header only
                width, height = image.size
                if width < 1 or height < 1 or width * height > max_pixels:
                    raise too_large
                image.verify()  # the file's structure (chunks, checksums), without decoding it
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise not_image from None
    except Exception:  # noqa: BLE001 - Pillow's parsers raise many kinds of errors on a forged file
        raise not_image from None
    finally:
        file.seek(0)


#: the format an image is saved again in, and its file extension
_SAVE_AS = {"JPEG": ("JPEG", ".jpg"), "PNG": ("PNG", ".png"), "WEBP": ("WEBP", ".webp"), "GIF": ("PNG", ".png")}


def image_clean(file, *, field: str | None = None) -> ContentFile:
    """``image_check``, then the image decoded and saved again without any metadata: a new file
    (named as the upload, with the extension of the format saved) to store instead of the upload."""
    from PIL import Image, ImageOps

    image_check(file, field=field)
    file.seek(0)
    with Image.open(file, formats=FORMATS) as image:
        source_format = image.format
        image.seek(0)  # a GIF's or animated WebP's first frame
        image = ImageOps.exif_transpose(image)  # the photo stays upright once its EXIF is gone
        out_format, suffix = _SAVE_AS[source_format]
        if out_format == "JPEG":
            image = image.convert("RGB")
        elif image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA" if "transparency" in image.info or image.mode in ("P", "PA") else "RGB")
        buffer = BytesIO()
        options = {"JPEG": {"quality": 90, "optimize": True}, "PNG": {"optimize": True}, "WEBP": {"quality": 90}}
        # no exif=, no pnginfo=, no icc_profile=, no xmp=: Pillow writes none of them unless asked
        image.save(buffer, format=out_format, **options[out_format])
    file.seek(0)
    name = Path(getattr(file, "name", "") or "image").stem or "image"
    return ContentFile(buffer.getvalue(), name=f"{name}{suffix}")


class ImageFormField(forms.ImageField):
    """A form's image field that runs ``image_check`` before Django's own reading of the image,
    so that a form shows the same clear message as the service."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is not None:
            image_check(upload)
        return super().to_python(data)

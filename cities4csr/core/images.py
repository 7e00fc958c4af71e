"""Opening an uploaded image safely: every image input (need photos, photo evidence) goes
through ``image_check``.

A few bytes can declare an image of billions of pixels (a decompression bomb): decoding it would
exhaust the server's memory, and Pillow only warns below twice its own limit. So the check reads
the header alone, refuses a declared size above ``MAX_PIXELS`` before anything is decoded, turns
Pillow's ``DecompressionBombWarning`` into a refusal, accepts only the formats browsers show, and
verifies the file's structure. Nothing is decoded here; nothing else in the app decodes uploads.
"""

from __future__ import annotations

import warnings

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_PIXELS = 40_000_000  # 40 megapixels: more than any phone photo, far below a bomb
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


class ImageFormField(forms.ImageField):
    """A form's image field that runs ``image_check`` before Django's own reading of the image,
    so that a form shows the same clear message as the service."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is not None:
            image_check(upload)
        return super().to_python(data)

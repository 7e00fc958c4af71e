"""English pages write dates the British way (31/12/2026, 31 Dec 2026), never the US month-first
form: Django's own en_GB formats for the "en" language (ADR 0020)."""

from django.conf.locale.en_GB.formats import *  # noqa: F403

"""English as it is written in Europe: dates day-first (British formats), so an English page never
shows a month-first date ("12/01/2026") that an Italian or French reader would misread.
Numbers keep English separators (1,500.50)."""

from django.conf.locale.en_GB.formats import *  # noqa: F403

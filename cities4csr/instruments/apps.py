from django.apps import AppConfig


class InstrumentsConfig(AppConfig):
    name = "cities4csr.instruments"
    label = "instruments"

    def ready(self):
        # a malformed rule pack fails at start-up, not in front of an officer
        from . import services, states  # noqa: F401 - the agreement's lifecycle, its guard on "agreed"
        from .packs import available, load_common, load_pack

        load_common()
        for country in available():
            load_pack(country)

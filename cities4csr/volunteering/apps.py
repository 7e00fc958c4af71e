from django.apps import AppConfig


class VolunteeringConfig(AppConfig):
    name = "cities4csr.volunteering"
    label = "volunteering"

    def ready(self):
        from . import services, states  # noqa: F401 - registers the lifecycles and their effects

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "cities4csr.campaigns"
    label = "campaigns"

    def ready(self):
        from . import services, states  # noqa: F401 - registers the lifecycle and the effects on contributions

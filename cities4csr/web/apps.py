from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "cities4csr.web"
    label = "web"

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "cities4csr.demo"
    label = "demo"

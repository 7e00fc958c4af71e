from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "cities4csr.documents"
    label = "documents"

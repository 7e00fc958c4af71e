"""The funds API: /api/v1/cities/<city>/funds/…"""

from django.urls import path  # noqa: F401

urlpatterns = []

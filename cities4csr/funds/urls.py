"""Public pages of city funds: /<lang>/<city>/funds/…"""

from django.urls import path  # noqa: F401

urlpatterns = []

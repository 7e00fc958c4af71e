"""The city officers' pages of funds: /<lang>/<city>/workspace/officer/funds/…"""

from django.urls import path  # noqa: F401

urlpatterns = []

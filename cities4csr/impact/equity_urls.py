"""The equity lens's public page: /<lang>/<city>/equity/"""

from django.urls import path

from . import equity_views

urlpatterns = [
    path("", equity_views.EquityView.as_view(), name="equity"),
]

from django.db.models import Prefetch, QuerySet

from cities4csr.cities.models import Area

from .models import Action


def actions_of_city(*, city) -> QuerySet[Action]:
    areas = Prefetch("target_areas", queryset=Area.objects.filter(city=city).order_by("code"))
    return Action.objects.filter(city=city).prefetch_related(areas).order_by("number")

from .permissions import CityRulesPermission


class CityAPIMixin:
    """An API view under /api/v1/cities/<city>/: the city comes from the tenancy middleware."""

    permission_classes = [CityRulesPermission]

    @property
    def city(self):
        return self.request.city

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request city
            return self.get_serializer_class().Meta.model.objects.none()
        return self.city_queryset()

from rest_framework.permissions import SAFE_METHODS, BasePermission


class CityRulesPermission(BasePermission):
    """The API asks the same ``rules`` permissions as the pages.

    A view declares ``rules_permissions = {"GET": perm-or-None, "POST": perm, ...}``; a method
    not listed is refused. The object checked is the view's object when there is one, the
    city otherwise. Unauthenticated writes are refused before any rule runs.
    """

    def _perm(self, request, view):
        perms = getattr(view, "rules_permissions", {})
        if request.method not in perms and not (request.method in SAFE_METHODS and "GET" in perms):
            return False, None
        return True, perms.get(request.method, perms.get("GET"))

    def has_permission(self, request, view):
        listed, perm = self._perm(request, view)
        if not listed:
            return False
        if request.method not in SAFE_METHODS and not request.user.is_authenticated:
            return False
        if perm is None or getattr(view, "rules_check_object_only", False):
            return True
        return request.user.has_perm(perm, request.city)

    def has_object_permission(self, request, view, obj):
        _listed, perm = self._perm(request, view)
        return perm is None or request.user.has_perm(perm, obj)

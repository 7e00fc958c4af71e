"""How the API answers a refusal: the messages per field, in the reader's language, and beside
them a stable machine-readable code per message (``codes``), so that clients and tests never
match translated text.

    {"partners": ["The lead organisation cannot also be its own partner."],
     "codes": {"partners": ["lead_is_partner"]}}

Services raise Django's ValidationError (400) and PermissionDenied (403); a transition to the
state the object is already in answers 409 with the code ``already``."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler as drf_exception_handler

from cities4csr.core.constraints import from_integrity_error
from cities4csr.core.lifecycle import TransitionRepeated

NON_FIELD = "non_field_errors"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "already"


def _details(errors: list[DjangoValidationError]) -> list[ErrorDetail]:
    out = []
    for error in errors:
        for item in error.error_list if hasattr(error, "error_list") else [error]:
            message = item.message % item.params if item.params else item.message
            out.append(ErrorDetail(str(message), code=item.code or "invalid"))
    return out


def _from_django(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: _details(errors) for field, errors in exc.error_dict.items()}
    return {NON_FIELD: _details(exc.error_list)}


def exception_handler(exc, context):
    if isinstance(exc, IntegrityError):  # two writes at once: the constraint's words, never its name
        exc = from_integrity_error(exc)
    if isinstance(exc, TransitionRepeated):
        exc = Conflict(detail={NON_FIELD: _details(exc.error_list)})
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=_from_django(exc))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    # An error is JSON whatever the endpoint's own format (GeoJSON, CSV, XLSX): as documented.
    request = context.get("request")
    if request is not None:
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
    if isinstance(exc, exceptions.ValidationError | Conflict):
        codes = exc.get_codes()
        if isinstance(response.data, dict) and isinstance(codes, dict):
            response.data["codes"] = codes
        elif isinstance(response.data, list):
            response.data = {NON_FIELD: response.data, "codes": {NON_FIELD: codes}}
    elif isinstance(response.data, dict) and "detail" in response.data:  # 401, 403, 404, 405, 429
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        response.data["code"] = codes if isinstance(codes, str) else getattr(exc, "default_code", "error")
    return response


#: ``codes`` mirrors the messages: a list of codes per field, and for a nested field (a line of
#: ``items``, a key of ``answers``) the same shape again, an object by key or a list by position
CODES_SCHEMA = {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/ErrorCodeTree"}}
CODE_TREE_SCHEMA = {
    "oneOf": [
        {"type": "string"},
        {"type": "array", "items": {"$ref": "#/components/schemas/ErrorCodeTree"}},
        {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/ErrorCodeTree"}},
    ],
    "description": "A stable error code, or the codes of a nested field: a list (by position) or an object (by key).",
}


class ErrorSerializer(serializers.Serializer):
    """A refused request (400, 409): messages by field, and their stable codes."""

    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)
    codes = extend_schema_field(CODES_SCHEMA)(serializers.DictField)(
        help_text="for each field (and non_field_errors), the stable code of each message: e.g. required, invalid, "
        "lead_is_partner, unknown_line, duplicate_line, over_commit, need_closed, too_large, not_allowed, "
        "reason_required, already",
    )


ERRORS = {
    "401": "Not signed in, or the credentials are wrong.",
    "403": "Signed in, but not allowed.",
    "404": "No such object in this city (or not visible to the caller).",
    "429": "Too many requests: wait the seconds the Retry-After header says.",
}


def error_responses(result, generator, request, public):
    """drf-spectacular post-processing: every operation documents the errors every endpoint can
    give, with their JSON bodies (a 400 only where the request has a body or query parameters)."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(
        "Detail",
        {
            "type": "object",
            "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
            "required": ["detail", "code"],
        },
    )
    components.setdefault("ErrorCodeTree", CODE_TREE_SCHEMA)
    components.setdefault("Error", {"type": "object", "properties": {"codes": CODES_SCHEMA}})  # when no view named it
    detail = {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.setdefault("responses", {})
            for status_code, description in ERRORS.items():
                responses.setdefault(status_code, {"description": description, "content": detail})
            has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
            if method in ("post", "put", "patch") or has_query:
                responses.setdefault(
                    "400",
                    {
                        "description": "Refused: a parameter or the body is not valid; nothing was written.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result

"""Reads: a person's own keys in a city (nobody else's: a key is its owner's business)."""

from .models import ApiKey


def api_keys_of(*, actor, city):
    if actor is None or not actor.is_authenticated:
        return ApiKey.objects.none()
    return ApiKey.objects.filter(city=city, owner=actor).order_by("-created_at", "-id")


def api_key_of(*, actor, city, pk: int) -> ApiKey | None:
    return api_keys_of(actor=actor, city=city).filter(pk=pk).first()

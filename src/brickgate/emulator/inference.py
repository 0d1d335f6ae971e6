"""Inference routes (placeholder until the wire renderers land)."""

from __future__ import annotations

from starlette.routing import Route


def routes(*, ai_gateway: bool) -> list[Route]:
    return []

"""App mode's pure parts: when it is on, and the /api mounts every route answers under."""

from __future__ import annotations

import pytest

from brickgate.errors import ConfigError
from brickgate.gateway.databricks_app import app_mode, forwarded_email, unmounted


def scope(path: str, headers: list[tuple[bytes, bytes]] | None = None) -> dict[str, object]:
    return {"type": "http", "path": path, "root_path": "", "headers": headers or []}


@pytest.mark.parametrize(
    ("path", "inner"),
    [
        ("/api/openai/v1/chat/completions", "/v1/chat/completions"),
        ("/api/openai/v1/responses", "/v1/responses"),
        ("/api/anthropic/v1/messages", "/v1/messages"),
        (
            "/api/gemini/v1beta/models/gemini-3-5-flash:streamGenerateContent",
            "/v1beta/models/gemini-3-5-flash:streamGenerateContent",
        ),
        ("/api/v1/models", "/v1/models"),
        ("/v1/messages", "/v1/messages"),
        ("/api/openaix/v1/models", "/openaix/v1/models"),
        ("/apix/v1/models", "/apix/v1/models"),
    ],
)
def test_every_route_answers_under_each_api_mount(path: str, inner: str) -> None:
    assert unmounted(scope(path))["path"] == inner


def test_app_mode_is_on_only_with_the_platforms_port() -> None:
    assert app_mode({}) is None
    mode = app_mode({"DATABRICKS_APP_PORT": "8000", "DATABRICKS_APP_NAME": "gw"})
    assert mode is not None and (mode.port, mode.name, mode.principal_fallback) == (8000, "gw", False)
    assert app_mode(
        {"DATABRICKS_APP_PORT": "8000", "BRICKGATE_APP_PRINCIPAL_FALLBACK": "1"}
    ).principal_fallback  # type: ignore[union-attr]


def test_a_port_that_is_not_one_is_refused_with_the_fix() -> None:
    with pytest.raises(ConfigError) as err:
        app_mode({"DATABRICKS_APP_PORT": "eighty"})
    assert "unset it" in str(err.value)


def test_the_platforms_email_is_preferred_to_its_user_name() -> None:
    headers = [(b"x-forwarded-user", b"123@ws"), (b"x-forwarded-email", b"alice@example.com")]
    assert forwarded_email(scope("/", headers)) == "alice@example.com"
    assert forwarded_email(scope("/")) is None

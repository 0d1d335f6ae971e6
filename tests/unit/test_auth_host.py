"""Hosts as people paste them become `scheme://host[:port]`; garbage is refused with a clear error."""

from __future__ import annotations

import pytest

from brickgate.auth import normalize_host
from brickgate.errors import InvalidHost


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("adb-123.4.azuredatabricks.net", "https://adb-123.4.azuredatabricks.net"),
        ("https://dbc-a1b2.cloud.databricks.com/", "https://dbc-a1b2.cloud.databricks.com"),
        ("  https://dbc-a1b2.cloud.databricks.com  ", "https://dbc-a1b2.cloud.databricks.com"),
        ("https://dbc-a1b2.cloud.databricks.com:443", "https://dbc-a1b2.cloud.databricks.com"),
        ("https://adb-1.azuredatabricks.net/?o=1#job/2", "https://adb-1.azuredatabricks.net"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("http://localhost:8765/", "http://localhost:8765"),
    ],
)
def test_host_is_normalised(raw: str, expected: str) -> None:
    assert normalize_host(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "ftp://example.com",
        "https://",
        "https://exa mple.com",
        "https://host:99999",
        "https://u:p@host",
    ],
)
def test_malformed_host_raises_invalid_host_with_a_hint(raw: str) -> None:
    with pytest.raises(InvalidHost) as caught:
        normalize_host(raw)
    assert caught.value.hint and "https://" in caught.value.hint

"""Startup configuration from files, and the `python -m brickgate.emulator` entry point."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from brickgate.emulator import EmulatorConfig, load_config, start_in_thread
from tests.integration.emulator.http_calls import get


def test_toml_config_sets_tokens_and_adds_synthetic_endpoints(tmp_path: Path) -> None:
    path = tmp_path / "emu.toml"
    path.write_text('tokens = ["dapi-a"]\nai_gateway = false\nsynthetic_endpoints = 3\n')
    config = load_config(path)
    assert config.tokens == ("dapi-a",) and config.ai_gateway is False
    assert [s["name"] for s in config.endpoint_specs()][-3:] == [
        "synthetic-chat-0000",
        "synthetic-chat-0001",
        "synthetic-chat-0002",
    ]


def test_json_config_with_custom_endpoints_is_served(tmp_path: Path) -> None:
    path = tmp_path / "emu.json"
    path.write_text('{"endpoints": [{"name": "only-one", "kind": "custom", "behaviour": "plain"}]}')
    with start_in_thread(load_config(path)) as emu:
        names = [
            e["name"] for e in get(emu.url + "/api/2.0/serving-endpoints", emu.token).json()["endpoints"]
        ]
    assert names == ["only-one"]


def test_unknown_config_key_is_refused_with_the_valid_keys(tmp_path: Path) -> None:
    path = tmp_path / "emu.json"
    path.write_text('{"tokenz": []}')
    with pytest.raises(ValueError, match="unknown keys tokenz; valid keys:"):
        load_config(path)


def test_unknown_behaviour_is_refused_before_start() -> None:
    with pytest.raises(ValueError, match="unknown behaviour 'telepathy'"):
        start_in_thread(EmulatorConfig(endpoints=[{"name": "x", "behaviour": "telepathy"}]))


def test_module_entry_point_reports_a_bad_config_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "emu.json"
    path.write_text("[1, 2]")
    result = subprocess.run(
        [sys.executable, "-m", "brickgate.emulator", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr


def test_module_entry_point_reports_a_busy_port_without_traceback() -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "brickgate.emulator", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 2
    assert "pick another --port" in result.stderr and "Traceback" not in result.stderr


def test_module_entry_point_serves_once_it_announces_the_url() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "brickgate.emulator", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split(" on ")[1].split()[0]
        reply = get(url + "/api/2.0/serving-endpoints", "dapi-emulator-token")
        assert reply.status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0

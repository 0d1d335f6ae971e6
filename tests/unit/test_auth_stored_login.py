"""`brickgate login` stores host + token (or a profile) in a 0600 file, and refuses a looser one."""

from __future__ import annotations

import json
import logging
import stat

import pytest

from brickgate import home
from brickgate.auth import clear_login, load_login, save_login
from brickgate.errors import ConfigError


def test_saved_token_login_is_private_and_loads_back() -> None:
    save_login(host="https://h.example.com", token="dapi-secret-1")
    mode = stat.S_IMODE(home.credentials_path().stat().st_mode)
    assert mode == 0o600
    login = load_login()
    assert login is not None and (login.host, login.token) == ("https://h.example.com", "dapi-secret-1")


def test_saved_profile_login_loads_back() -> None:
    save_login(profile="emu")
    login = load_login()
    assert login is not None and login.profile == "emu" and login.token is None


def test_repr_of_a_login_hides_the_token() -> None:
    save_login(host="https://h.example.com", token="dapi-secret-2")
    assert "dapi-secret-2" not in repr(load_login())


def test_login_readable_by_others_is_refused_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    save_login(host="https://h.example.com", token="dapi-secret-3")
    home.credentials_path().chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="brickgate.auth"):
        assert load_login() is None
    assert "readable by other users" in caplog.text
    assert "dapi-secret-3" not in caplog.text


def test_clear_login_removes_the_file_and_reports_it() -> None:
    save_login(profile="emu")
    assert clear_login() is True
    assert load_login() is None
    assert clear_login() is False


def test_malformed_login_file_is_a_config_error() -> None:
    home.write_private(home.credentials_path(), json.dumps({"host": "x"}).encode())
    with pytest.raises(ConfigError, match="malformed"):
        load_login()


def test_half_a_login_is_rejected_before_writing() -> None:
    with pytest.raises(ConfigError):
        save_login(host="https://h.example.com")
    assert not home.credentials_path().exists()

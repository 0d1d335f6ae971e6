"""`~/.databrickscfg` is read without the SDK: profile names, default profile, missing-profile errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from brickgate.auth import list_profiles
from brickgate.auth.config_file import default_profile_name, missing_profile_error, read_sections
from brickgate.errors import ConfigError


def write_config(text: str) -> Path:
    path = Path(os.environ["DATABRICKS_CONFIG_FILE"])
    path.write_text(text)
    return path


def test_profiles_list_default_first_then_sorted_without_settings() -> None:
    write_config(
        "[__settings__]\ndefault_profile = zeta\n[zeta]\nhost = z\n[DEFAULT]\nhost = d\n[alpha]\nhost = a\n"
    )
    assert list_profiles() == ["DEFAULT", "alpha", "zeta"]


def test_duplicate_sections_are_listed_once() -> None:
    write_config("[dev]\nhost = a\n[dev]\ntoken = b\n")
    assert list_profiles() == ["dev"]


def test_missing_config_file_has_no_profiles() -> None:
    assert list_profiles() == []


def test_explicit_path_wins_over_environment(tmp_path: Path) -> None:
    other = tmp_path / "other.cfg"
    other.write_text("[only-here]\nhost = x\n")
    assert list_profiles(other) == ["only-here"]


def test_settings_default_profile_is_the_default() -> None:
    write_config("[__settings__]\ndefault_profile = emu\n[DEFAULT]\nhost = d\n[emu]\nhost = e\n")
    assert default_profile_name(read_sections()) == "emu"


def test_default_section_is_the_fallback_default() -> None:
    write_config("[DEFAULT]\nhost = d\n[emu]\nhost = e\n")
    assert default_profile_name(read_sections()) == "DEFAULT"


def test_default_section_keys_do_not_leak_into_other_profiles() -> None:
    write_config("[DEFAULT]\ntoken = dapi-default\n[emu]\nhost = e\n")
    assert "token" not in read_sections()["emu"]


def test_percent_signs_in_values_are_kept_verbatim() -> None:
    write_config("[p]\ntoken = abc%def\n")
    assert read_sections()["p"]["token"] == "abc%def"


def test_missing_profile_error_names_the_known_profiles() -> None:
    write_config("[DEFAULT]\nhost = d\n[emu]\nhost = e\n")
    err = missing_profile_error("prod")
    assert "'prod'" in err.message
    assert err.hint is not None and "DEFAULT, emu" in err.hint


def test_malformed_line_is_reported_by_number_without_its_content() -> None:
    path = write_config("[p]\nhost = https://h.example.com\ntoken s3cret-value-without-equals\n")
    with pytest.raises(ConfigError) as caught:
        read_sections()
    assert str(path) in caught.value.message and "line 3" in caught.value.message
    assert "s3cret-value" not in caught.value.describe()


def test_missing_section_header_is_reported_by_line() -> None:
    write_config("host = https://h.example.com\n")
    with pytest.raises(ConfigError, match="line 1"):
        read_sections()

"""config.toml is validated; every error names the file and the bad key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from brickgate import home
from brickgate.catalog.settings import CatalogSettings, load_settings
from brickgate.errors import ConfigError


def write(text: str) -> None:
    path = home.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_missing_file_means_defaults() -> None:
    settings = load_settings()
    assert settings == CatalogSettings()
    assert (settings.usd_per_dbu, settings.surface, settings.cache_ttl_seconds) == (0.07, "auto", 3600)


def test_values_and_model_overrides_are_read() -> None:
    write(
        'usd_per_dbu = 0.1\nsurface = "ai-gateway"\ncache_ttl_seconds = 60\n'
        '[models."databricks-claude-sonnet-4-5"]\napi = "chat"\ncontext_window = 100000\n'
        '[[endpoints]]\nname = "my-llama"\nfamily = "llama"\n'
    )
    settings = load_settings()
    assert settings.usd_per_dbu == 0.1 and settings.surface == "ai-gateway"
    assert settings.models["databricks-claude-sonnet-4-5"].set_fields() == {
        "api": "chat",
        "context_window": 100000,
    }
    assert settings.endpoints[0].name == "my-llama"


def test_bad_override_value_names_file_and_key() -> None:
    write('[models."databricks-claude-sonnet-4-5"]\napi = "grpc"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(home.config_path()) in caught.value.message
    assert "models.databricks-claude-sonnet-4-5.api" in caught.value.message


def test_unknown_override_key_is_rejected() -> None:
    write('[models."x"]\ncontext_windw = 5\n')
    with pytest.raises(ConfigError, match="context_windw"):
        load_settings()


def test_unknown_top_level_key_is_rejected() -> None:
    write("usd_per_dbus = 0.1\n")
    with pytest.raises(ConfigError, match="usd_per_dbus"):
        load_settings()


def test_other_components_tables_are_left_alone() -> None:
    write("[gateway]\nport = 4000\n")
    assert load_settings().usd_per_dbu == 0.07


def test_unknown_surface_is_rejected() -> None:
    write('surface = "both"\n')
    with pytest.raises(ConfigError, match="surface"):
        load_settings()


def test_price_in_dbu_and_usd_at_once_is_rejected() -> None:
    write('[models."x"]\ninput_dbu_per_mtok = 1\ninput_usd_per_mtok = 1\n')
    with pytest.raises(ConfigError, match="not both"):
        load_settings()


def test_unknown_family_is_rejected_with_the_choices() -> None:
    write('[[endpoints]]\nname = "x"\nfamily = "mistral"\n')
    with pytest.raises(ConfigError, match="claude"):
        load_settings()


def test_invalid_toml_is_a_config_error_naming_the_file() -> None:
    write("usd_per_dbu = = 1\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings()


def test_config_writable_by_other_users_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("usd_per_dbu = 0.1\n")
    os.chmod(path, 0o666)
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    assert "chmod 600" in (err.value.hint or "")
    os.chmod(path, 0o644)  # readable is fine: the file holds no secrets
    assert load_settings(path).usd_per_dbu == 0.1


def test_config_that_is_not_utf8_is_a_config_error_naming_the_file() -> None:
    path = home.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xfe usd_per_dbu = 0.1\n")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(path) in caught.value.message and "UTF-8" in caught.value.message


def test_error_in_a_list_entry_names_its_index_like_toml_does() -> None:
    write('[[endpoints]]\nfamily = "llama"\n')
    with pytest.raises(ConfigError, match=r"endpoints\[0\]\.name"):
        load_settings()

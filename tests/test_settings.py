"""Settings precedence: defaults < user file < working-folder file < environment < options."""

import re
from pathlib import Path

import pytest

from bcp_drill import settings as settings_module
from bcp_drill.i18n import Translator
from bcp_drill.settings import SettingsError, load_settings


@pytest.fixture
def user_config(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "user" / "bcp-drill.toml"
    path.parent.mkdir()
    monkeypatch.setattr(settings_module, "user_config_path", lambda: path)
    return path


def test_defaults(tmp_path, user_config):
    settings, sources = load_settings(cwd=tmp_path, environ={"LANG": "ja_JP.UTF-8"})
    assert settings.lang == "ja"
    assert settings.records.name == "records"
    assert set(sources.values()) == {"default"}


def test_each_layer_overrides_the_one_before(tmp_path, user_config):
    user_config.write_text('lang = "en"\norganisation = "User City"\nrecorder = "u"\n', encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    (work / "bcp-drill.toml").write_text('organisation = "多治見市 情報課"\nrecords = "recs"\n', encoding="utf-8")
    settings, sources = load_settings(
        options={"recorder": "option-person"},
        cwd=work,
        environ={"BCP_DRILL_LANG": "ja", "BCP_DRILL_RECORDER": "env-person"},
    )
    assert settings.organisation == "多治見市 情報課" and sources["organisation"] == "local_config"
    assert settings.records == work / "recs"  # relative to the file that names it
    assert settings.lang == "ja" and sources["lang"] == "environment"
    assert settings.recorder == "option-person" and sources["recorder"] == "option"


def test_content_folders_add_up(tmp_path, user_config):
    user_config.write_text('content = ["a"]\n', encoding="utf-8")
    settings, _ = load_settings(options={"content": [Path("/c")]}, cwd=tmp_path,
                                environ={"BCP_DRILL_CONTENT": "/b"})
    assert settings.content == [user_config.parent / "a", Path("/b"), Path("/c")]


def test_unknown_setting_is_an_error_with_a_suggestion(tmp_path, user_config):
    (tmp_path / "bcp-drill.toml").write_text('langage = "ja"\n', encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(cwd=tmp_path, environ={})
    assert caught.value.render(Translator("en")).endswith(
        "bcp-drill.toml: unknown setting 'langage' (did you mean 'lang'?)")
    assert "「langage」" in caught.value.render(Translator("ja"))


def test_toml_syntax_error_names_file_and_line(tmp_path, user_config):
    (tmp_path / "bcp-drill.toml").write_text('lang = "ja\n', encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(cwd=tmp_path, environ={})
    assert re.search(r"bcp-drill.toml: .*line 1", caught.value.render(Translator("en")))


def test_bad_environment_value_names_the_variable(tmp_path, user_config):
    with pytest.raises(SettingsError) as caught:
        load_settings(cwd=tmp_path, environ={"BCP_DRILL_LANG": "fr"})
    assert "BCP_DRILL_LANG" in caught.value.render(Translator("ja"))


def test_explicit_config_file(tmp_path, user_config):
    config = tmp_path / "other.toml"
    config.write_text('theme = "high-contrast"\n', encoding="utf-8")
    settings, sources = load_settings(cwd=tmp_path, environ={"BCP_DRILL_CONFIG": str(config)})
    assert settings.theme == "high-contrast"
    with pytest.raises(SettingsError) as caught:
        load_settings(cwd=tmp_path, config_path=tmp_path / "missing.toml", environ={})
    assert caught.value.render(Translator("en")).endswith("missing.toml: no such settings file")


def test_fiscal_years_and_era_names():
    from datetime import date

    from bcp_drill.fiscal import fiscal_year, fiscal_year_label, parse_fiscal_year

    assert fiscal_year(date(2026, 3, 31)) == 2025 and fiscal_year(date(2026, 4, 1)) == 2026
    assert fiscal_year_label(2025, "ja") == "令和7年度"
    assert fiscal_year_label(2019, "ja") == "令和元年度"
    assert fiscal_year_label(2017, "ja") == "平成29年度"
    assert fiscal_year_label(2025, "en") == "FY2025"
    for text, year in (("2025", 2025), ("FY2025", 2025), ("R7", 2025), ("令和7年度", 2025), ("令和元年度", 2019),
                       ("H29", 2017), ("平成29年度", 2017)):
        assert parse_fiscal_year(text) == year, text
    for bad in ("R72026", "25", "someday", "令和0年度", "12345"):
        assert parse_fiscal_year(bad) is None, bad

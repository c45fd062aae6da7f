"""`--help` from its kept text: the same words as building the parser, and built again as
soon as anything it was made from changes (a settings file, the environment, the width)."""

import os
import subprocess
import sys

import pytest

from bcp_drill.cli import main
from bcp_drill.startup import help_text


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    monkeypatch.setattr(help_text, "_KEPT", str(tmp_path / "kept" / "help.marshal"))
    for name in ("BCP_DRILL_LANG", "BCP_DRILL_CONFIG", "LC_ALL", "LC_MESSAGES", "LANGUAGE", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_kept_text_is_the_text_the_parser_gives(isolated, capsys):
    assert help_text.kept_help() is None
    assert main(["--help"]) == 0
    built = capsys.readouterr().out
    assert built.startswith("usage: bcp-drill") and "COMMAND" in built
    assert help_text.kept_help() == built


def test_a_changed_settings_file_or_width_is_not_answered_from_the_kept_text(isolated, capsys, monkeypatch):
    settings = isolated / "bcp-drill.toml"
    settings.write_text('lang = "en"\n', encoding="utf-8")
    main(["--help"])
    english = capsys.readouterr().out
    assert help_text.kept_help() == english
    settings.write_text('lang = "ja"\n', encoding="utf-8")
    assert help_text.kept_help() is None  # the file it was made from changed
    main(["--help"])
    japanese = capsys.readouterr().out
    assert japanese.startswith("使い方: bcp-drill") and help_text.kept_help() == japanese
    monkeypatch.setenv("COLUMNS", "200")
    assert help_text.kept_help() is None  # another width: built again
    main(["--help"])
    assert help_text.kept_help() == capsys.readouterr().out
    monkeypatch.delenv("COLUMNS")
    assert help_text.kept_help() == japanese  # the first width is still kept


def test_the_command_answers_from_the_kept_text_and_follows_a_change(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("BCP_DRILL_", "LC_")) and key not in ("LANG", "LANGUAGE", "COLUMNS")}
    env.update(LANG="C.UTF-8", XDG_CONFIG_HOME=str(tmp_path / "cfg"), HOME=str(tmp_path))
    settings = tmp_path / "cfg" / "bcp-drill" / "bcp-drill.toml"
    settings.parent.mkdir(parents=True)

    def help_text_now():
        return subprocess.run([sys.executable, "-m", "bcp_drill", "--help"], capture_output=True, text=True,
                              env=env, cwd=tmp_path, timeout=60).stdout

    settings.write_text('lang = "ja"\n', encoding="utf-8")
    first, second = help_text_now(), help_text_now()
    assert first == second and first.startswith("使い方: bcp-drill")
    settings.write_text('lang = "en"\n', encoding="utf-8")
    assert help_text_now().startswith("usage: bcp-drill")


def test_every_program_file_the_text_comes_from_is_there():
    # A renamed file would be stamped "absent" for ever, and a change to it never seen.
    assert help_text._PROGRAM and all(os.path.isfile(path) for path in help_text._PROGRAM)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_arguments_parse_the_same_without_building_every_command(lang):
    from bcp_drill.cli.parser import build_parser
    from bcp_drill.i18n import Translator

    t = Translator(lang)
    whole, options_only = build_parser(t), build_parser(t, with_commands=False)
    assert vars(options_only.parse_args([])) == vars(whole.parse_args([]))


def test_a_current_folder_that_is_gone_is_said_in_words(isolated, monkeypatch, capsys):
    def gone():
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(os, "getcwd", gone)
    assert help_text.kept_help() is None
    for argv in (["--help"], ["list"]):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert "the current folder no longer exists" in err and "Traceback" not in err

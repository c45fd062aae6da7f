"""The command line's parser: the options every command takes, argparse's words in the user's
language, and each command family's sub-commands (one module per family beside this one)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bcp_drill import __version__
from bcp_drill.cli import content, drills, figures, followups, programme, records, reports, reviews, spreadsheets
from bcp_drill.cli.family import Commands
from bcp_drill.i18n import LANGUAGES, Translator

# In the order `--help` lists them: drills and reviews first, what people come for.
FAMILIES = (drills, reviews, figures, followups, programme, reports, spreadsheets, records, content)


def common_options(t: Translator, suppress: bool) -> argparse.ArgumentParser:
    # Shared by the main parser and each command, so options work before or after it.
    default = argparse.SUPPRESS if suppress else None
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=LANGUAGES, default=default, help=t("cli.help_lang"))
    common.add_argument("--content", action="append", type=Path, metavar="DIR",
                        default=default, help=t("cli.help_content"))
    common.add_argument("--records", type=Path, metavar="DIR", default=default, help=t("cli.help_records"))
    common.add_argument("--config", type=Path, metavar="FILE", default=default, help=t("cli.help_config"))
    return common


# argparse's own words (usage, errors) in Japanese; English keeps argparse's originals.
_ARGPARSE_JA = {
    "usage: ": "使い方: ",
    "positional arguments": "引数",
    "options": "オプション",
    "show this help message and exit": "このヘルプを表示して終了する",
    "show program's version number and exit": "版を表示して終了する",
    "the following arguments are required: %s": "次の引数が必要です: %s",
    "unrecognized arguments: %s": "不明な引数があります: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "%(value)r は選べません（選べるもの: %(choices)s）",
    "expected one argument": "値を1つ指定してください",
    "%(prog)s: error: %(message)s\n": "%(prog)s: エラー: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "引数 %(argument_name)s: %(message)s",
}


def localise_argparse(lang: str) -> None:
    import gettext

    table = _ARGPARSE_JA if lang == "ja" else {}
    argparse._ = lambda text: table.get(text, gettext.gettext(text))  # type: ignore[attr-defined]  # looked up at call time


def build_parser(t: Translator, with_commands: bool = True) -> argparse.ArgumentParser:
    """The whole command line; without WITH_COMMANDS only the options before a command (enough
    to parse no arguments at all, the home screen's start, without building every command)."""
    parser = argparse.ArgumentParser(prog="bcp-drill", description=t("cli.description"),
                                     parents=[common_options(t, suppress=False)])
    parser.add_argument("--version", action="version", version=f"bcp-drill {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    if with_commands:
        commands = Commands(subparsers, common_options(t, suppress=True), t)
        for family in FAMILIES:
            family.register(commands)
    return parser

"""What a command family registers its sub-commands with, and the handler each one names.

A handler takes the parsed arguments and imports the command's module only when it runs:
building the parser (for --help or any command) imports no command's work."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Callable

from bcp_drill.i18n import Translator

if TYPE_CHECKING:
    from bcp_drill.commands import CommandContext

Handler = Callable[["CommandContext", argparse.Namespace], int]


class Commands:
    """The sub-command list, with the options every command takes and the words for help."""

    def __init__(self, subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser,
                 t: Translator) -> None:
        self._subparsers, self.common, self.t = subparsers, common, t

    def add(self, name: str, help_key: str, handler: Handler | None = None,
            within: argparse._SubParsersAction | None = None) -> argparse.ArgumentParser:
        """A command NAME described by catalog key HELP_KEY, run by HANDLER (a family's command
        with sub-commands of its own names none); WITHIN: a command's own sub-command list."""
        words = self.t(help_key)
        parser: argparse.ArgumentParser = (within or self._subparsers).add_parser(
            name, parents=[self.common], help=words, description=words)
        if handler is not None:
            parser.set_defaults(handler=handler)
        return parser


def zeros_option(parser: argparse.ArgumentParser, t: Translator) -> None:
    """--zeros: how a count of none is printed, for this command only (the setting `zeros` otherwise)."""
    parser.add_argument("--zeros", choices=("blank", "0"), help=t("cli.help_zeros"))


def output_options(parser: argparse.ArgumentParser, t: Translator, formats: tuple[str, ...] | None = None,
                   default: str | None = None, format_help: str = "cli.help_format",
                   output_help: str = "cli.help_output") -> None:
    """--format (when FORMATS), -o/--output and --force, as every command writing a file takes them."""
    from pathlib import Path

    if formats is not None:
        parser.add_argument("--format", choices=formats, default=default, help=t(format_help))
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help=t(output_help))
    parser.add_argument("--force", action="store_true", help=t("cli.help_force"))

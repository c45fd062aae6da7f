"""programme: the year's drill programme against what was held."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from bcp_drill.cli.family import Commands, output_options
from bcp_drill.render.formats import TABLE_FORMATS

if TYPE_CHECKING:
    from bcp_drill.commands import CommandContext


def register(commands: Commands) -> None:
    t = commands.t
    programme = commands.add("programme", "cli.help_programme", _programme)
    programme.add_argument("file", nargs="?", type=Path, metavar="FILE", help=t("cli.help_programme_file"))
    programme.add_argument("--year", metavar="FY", help=t("cli.help_year"))
    programme.add_argument("--ics", action="store_true", help=t("cli.help_programme_ics"))
    output_options(programme, t, TABLE_FORMATS, "text")


def _programme(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.programme import programme

    return programme(ctx, args.file, args.year, args.format, args.output, args.ics)

"""programme, roster and coverage: the year's drills and briefings, and whom they reached."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from bcp_drill.cli.family import Commands, output_options
from bcp_drill.render.formats import PROGRAMME_FORMATS

if TYPE_CHECKING:
    from bcp_drill.commands import CommandContext


def register(commands: Commands) -> None:
    t = commands.t
    programme = commands.add("programme", "cli.help_programme", _programme)
    programme.add_argument("file", nargs="?", type=Path, metavar="FILE", help=t("cli.help_programme_file"))
    programme.add_argument("--year", metavar="FY", help=t("cli.help_year"))
    programme.add_argument("--ics", action="store_true", help=t("cli.help_programme_ics"))
    programme.add_argument("--import", dest="sheet", type=Path, metavar="SHEET", help=t("cli.help_programme_import"))
    programme.add_argument("--title", metavar="TEXT", help=t("cli.help_programme_title"))
    programme.add_argument("--template", action="store_true", help=t("cli.help_programme_template"))
    output_options(programme, t, PROGRAMME_FORMATS, "text")

    roster = commands.add("roster", "cli.help_roster")
    own = roster.add_subparsers(dest="roster_command", metavar="import", required=True)
    take = commands.add("import", "cli.help_roster_import", _roster_import, within=own)
    take.add_argument("file", type=Path, metavar="FILE", help=t("cli.help_roster_file"))
    output_options(take, t)

    cover = commands.add("coverage", "cli.help_coverage", _coverage)
    cover.add_argument("--roster", type=Path, metavar="FILE", help=t("cli.help_coverage_roster"))
    cover.add_argument("--year", metavar="FY", help=t("cli.help_year"))
    output_options(cover, t, PROGRAMME_FORMATS, "text")


def _roster_import(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.programme import roster_import

    return roster_import(ctx, args.file, args.output)


def _coverage(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.programme import coverage

    return coverage(ctx, args.roster, args.year, args.format, args.output)


def _programme(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.programme import programme, programme_sheet_in, programme_sheet_out

    if args.sheet is not None:
        return programme_sheet_in(ctx, args.sheet, args.year, args.title, args.output)
    if args.template:
        return programme_sheet_out(ctx, args.file, args.year, args.output)
    return programme(ctx, args.file, args.year, args.format, args.output, args.ics)

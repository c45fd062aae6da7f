"""import, injects and measures: the files and spreadsheets a city keeps, in and out."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from bcp_drill.cli.family import Commands, output_options
from bcp_drill.render.formats import INJECT_TABLE_FORMATS

if TYPE_CHECKING:
    from bcp_drill.commands import CommandContext


def register(commands: Commands) -> None:
    t = commands.t
    importer = commands.add("import", "cli.help_import", _import)
    importer.add_argument("file", nargs="?", type=Path, metavar="FILE", help=t("cli.help_import_file"))
    importer.add_argument("--template", metavar="SCENARIO", help=t("cli.help_import_template"))
    output_options(importer, t)

    injects = commands.add("injects", "cli.help_injects")
    own = injects.add_subparsers(dest="injects_command", metavar="export|import|cards", required=True)
    export = commands.add("export", "cli.help_injects_export", _injects, within=own)
    export.add_argument("scenario", metavar="SCENARIO", help=t("cli.help_run_scenario"))
    output_options(export, t, INJECT_TABLE_FORMATS, "xlsx")
    take = commands.add("import", "cli.help_injects_import", _injects, within=own)
    take.add_argument("file", type=Path, metavar="FILE", help=t("cli.help_injects_file"))
    take.add_argument("--scenario", required=True, metavar="SCENARIO", help=t("cli.help_run_scenario"))
    output_options(take, t, output_help="cli.help_injects_output")
    cards = commands.add("cards", "cli.help_injects_cards", _injects, within=own)
    cards.add_argument("scenario", metavar="SCENARIO", help=t("cli.help_run_scenario"))
    output_options(cards, t)

    measures = commands.add("measures", "cli.help_measures")
    own = measures.add_subparsers(dest="measures_command", metavar="import|template", required=True)
    take_measures = commands.add("import", "cli.help_measures_import", _measures, within=own)
    take_measures.add_argument("file", type=Path, metavar="FILE", help=t("cli.help_measures_file"))
    take_measures.add_argument("--id", dest="checklist_id", metavar="ID", help=t("cli.help_measures_id"))
    take_measures.add_argument("--title", metavar="TEXT", help=t("cli.help_measures_title"))
    output_options(take_measures, t)
    blank = commands.add("template", "cli.help_measures_template", _measures, within=own)
    blank.add_argument("--years", nargs="+", metavar="FY", default=[], help=t("cli.help_measures_years"))
    output_options(blank, t)


def _import(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.spreadsheets import import_file

    return import_file(ctx, args.file, args.template, args.output)


def _injects(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.spreadsheets import injects

    return injects(ctx, args.injects_command, getattr(args, "scenario", None), getattr(args, "file", None),
                   getattr(args, "format", "html"), args.output)


def _measures(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.spreadsheets import measures

    return measures(ctx, args.measures_command, getattr(args, "file", None), getattr(args, "checklist_id", None),
                    getattr(args, "title", None), getattr(args, "years", []), args.output)

"""report and sheet: the after-action and plan-review reports, and printable check sheets."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bcp_drill.cli.family import Commands, output_options
from bcp_drill.render.formats import REPORT_FORMATS, SHEET_FORMATS

if TYPE_CHECKING:
    from bcp_drill.commands import CommandContext


def register(commands: Commands) -> None:
    t = commands.t
    report = commands.add("report", "cli.help_report", _report)
    report.add_argument("record", nargs="?", metavar="DRILL", help=t("cli.help_report_record"))
    report.add_argument("--review", metavar="REVIEW", help=t("cli.help_report_review"))
    output_options(report, t, REPORT_FORMATS, "md", format_help="cli.help_report_format")

    sheet = commands.add("sheet", "cli.help_sheet", _sheet)
    sheet.add_argument("target", metavar="SCENARIO|CHECKLIST", help=t("cli.help_sheet_target"))
    output_options(sheet, t, SHEET_FORMATS, "html")


def _report(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.reports import report

    return report(ctx, args.record, args.review, args.format, args.output)


def _sheet(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.reports import sheet

    return sheet(ctx, args.target, args.format, args.output)

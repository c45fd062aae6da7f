"""report and sheet: the after-action and plan-review reports, and printable check sheets."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bcp_drill.cli.family import Commands, output_options, zeros_option
from bcp_drill.render.formats import PUBLISH_FORMATS, REPORT_FORMATS, SHEET_FORMATS

if TYPE_CHECKING:
    from bcp_drill.commands import CommandContext


def register(commands: Commands) -> None:
    t = commands.t
    report = commands.add("report", "cli.help_report", _report)
    report.add_argument("record", nargs="?", metavar="DRILL", help=t("cli.help_report_record"))
    report.add_argument("--review", metavar="REVIEW", help=t("cli.help_report_review"))
    zeros_option(report, t)
    output_options(report, t, REPORT_FORMATS, "md", format_help="cli.help_report_format")

    publish = commands.add("publish", "cli.help_publish", _publish)
    publish.add_argument("--measures", required=True, metavar="REVIEW", help=t("cli.help_publish_measures"))
    publish.add_argument("--items", required=True, metavar="REVIEW", help=t("cli.help_publish_items"))
    publish.add_argument("--totals", action="store_true", help=t("cli.help_publish_totals"))
    zeros_option(publish, t)
    output_options(publish, t, PUBLISH_FORMATS, "docx")

    sheet = commands.add("sheet", "cli.help_sheet", _sheet)
    sheet.add_argument("target", metavar="SCENARIO|CHECKLIST", help=t("cli.help_sheet_target"))
    output_options(sheet, t, SHEET_FORMATS, "html")


def _report(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.reports import report

    return report(ctx, args.record, args.review, args.format, args.output, ctx.blank_zeros(args.zeros))


def _publish(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.reports import publish

    return publish(ctx, args.measures, args.items, args.format, args.output, args.totals, ctx.blank_zeros(args.zeros))


def _sheet(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.reports import sheet

    return sheet(ctx, args.target, args.format, args.output)

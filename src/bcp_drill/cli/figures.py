"""tally, trend and plan-summary: the figures of reviews and drills."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bcp_drill.cli.family import Commands, output_options, zeros_option
from bcp_drill.render.formats import PLAN_SUMMARY_FORMATS, TABLE_FORMATS

if TYPE_CHECKING:
    from bcp_drill.commands import CommandContext


def register(commands: Commands) -> None:
    t = commands.t
    tally = commands.add("tally", "cli.help_tally", _tally)
    tally.add_argument("record", nargs="?", metavar="RECORD", help=t("cli.help_tally_record"))
    tally.add_argument("--checklist", metavar="ID", help=t("cli.help_tally_checklist"))
    tally.add_argument("--year", metavar="FY", help=t("cli.help_year"))
    tally.add_argument("--drills", action="store_true", help=t("cli.help_tally_drills"))
    tally.add_argument("--scenario", metavar="ID", help=t("cli.help_tally_scenario"))
    tally.add_argument("--blank-zero", action="store_const", const="blank", dest="zeros", help=t("cli.help_blank_zero"))
    zeros_option(tally, t)
    output_options(tally, t, TABLE_FORMATS, "text")

    plan = commands.add("plan-summary", "cli.help_plan_summary", _plan_summary)
    plan.add_argument("checklist", metavar="CHECKLIST", help=t("cli.help_review_checklist"))
    plan.add_argument("--years", nargs=2, required=True, metavar=("FIRST", "LAST"), help=t("cli.help_plan_years"))
    zeros_option(plan, t)
    output_options(plan, t, PLAN_SUMMARY_FORMATS, "md")

    trend = commands.add("trend", "cli.help_trend", _trend)
    trend.add_argument("scenario", metavar="SCENARIO", help=t("cli.help_trend_scenario"))


def _tally(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.figures import tally

    return tally(ctx, args.record, args.checklist, args.year, args.drills, args.scenario, args.format, args.output,
                 ctx.blank_zeros(args.zeros))


def _plan_summary(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.figures import plan_summary

    return plan_summary(ctx, args.checklist, args.years, args.format, args.output, ctx.blank_zeros(args.zeros))


def _trend(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.figures import trend

    return trend(ctx, args.scenario)

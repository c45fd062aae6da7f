"""review: rate a checklist's items for a 年度, on the screen or in plain mode."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bcp_drill.cli.family import Commands

if TYPE_CHECKING:
    from bcp_drill.commands import CommandContext


def register(commands: Commands) -> None:
    t = commands.t
    review = commands.add("review", "cli.help_review", _review)
    review.add_argument("checklist", metavar="CHECKLIST", help=t("cli.help_review_checklist"))
    review.add_argument("--plain", action="store_true", help=t("cli.help_plain"))
    review.add_argument("--year", metavar="FY", help=t("cli.help_year"))


def _review(ctx: CommandContext, args: argparse.Namespace) -> int:
    if args.plain:
        from bcp_drill.commands.plain import review_plain

        return review_plain(ctx, args.checklist, args.year)
    from bcp_drill.commands.tui import launch

    return launch(ctx, checklist=args.checklist, year_text=args.year)

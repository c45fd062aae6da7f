"""followups and followups update: the follow-up issue list and its changes."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bcp_drill.cli.family import Commands, output_options
from bcp_drill.records.values import CAPABILITIES, FOLLOWUP_STATUSES, PRIORITIES
from bcp_drill.render.formats import TABLE_FORMATS

if TYPE_CHECKING:
    from bcp_drill.commands import CommandContext


def days(text: str) -> int:
    """A number of days: 14, 14d or 14日."""
    number = text.strip().removesuffix("d").removesuffix("日").strip()
    if not number.isdigit():
        raise argparse.ArgumentTypeError(text)
    return int(number)


def register(commands: Commands) -> None:
    t = commands.t
    followups = commands.add("followups", "cli.help_followups", _followups)
    followups.add_argument("--status", choices=FOLLOWUP_STATUSES, help=t("cli.help_followups_status"))
    followups.add_argument("--owner", metavar="TEXT", help=t("cli.help_followups_owner"))
    followups.add_argument("--source", metavar="TEXT", help=t("cli.help_followups_source"))
    followups.add_argument("--overdue", action="store_true", help=t("cli.help_followups_overdue"))
    followups.add_argument("--main-issues", action="store_true", help=t("cli.help_followups_main_issues"))
    followups.add_argument("--due-within", type=days, metavar="DAYS", help=t("cli.help_followups_due_within"))
    followups.add_argument("--ics", action="store_true", help=t("cli.help_followups_ics"))
    output_options(followups, t, TABLE_FORMATS, "text")
    own = followups.add_subparsers(dest="followups_command", metavar="update")
    update = commands.add("update", "cli.help_followup_update", _update, within=own)
    update.add_argument("followup_id", metavar="ID", help=t("cli.help_followup_id"))
    update.add_argument("--status", dest="new_status", choices=FOLLOWUP_STATUSES)
    update.add_argument("--priority", choices=PRIORITIES)
    update.add_argument("--category", choices=CAPABILITIES)
    update.add_argument("--owner-organisation", metavar="TEXT")
    update.add_argument("--owner-person", metavar="TEXT")
    update.add_argument("--start", metavar="YYYY-MM-DD")
    update.add_argument("--due", metavar="YYYY-MM-DD")
    update.add_argument("--action", dest="corrective_action", metavar="TEXT", help=t("cli.help_followup_action"))
    update.add_argument("--evidence", dest="closure_evidence", metavar="TEXT", help=t("cli.help_followup_evidence"))
    update.add_argument("--no-evidence", action="store_true", help=t("cli.help_followup_no_evidence"))
    update.add_argument("--main-issue", metavar="TEXT", help=t("cli.help_followup_main_issue"))
    update.add_argument("--issue-order", type=int, metavar="N", help=t("cli.help_followup_issue_order"))
    update.add_argument("--comment", metavar="TEXT", default="")


def _followups(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.followups import followups

    return followups(ctx, args.status, args.owner, args.source, args.overdue, args.format, args.output,
                     args.main_issues, args.due_within, args.ics)


def _update(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.followups import update

    changes: dict[str, object] = {
        "status": args.new_status, "priority": args.priority, "category": args.category,
        "owner_organisation": args.owner_organisation, "owner_person": args.owner_person,
        "start": args.start, "due": args.due, "corrective_action": args.corrective_action,
        "closure_evidence": args.closure_evidence, "main_issue": args.main_issue, "issue_order": args.issue_order,
        "comment": args.comment}
    return update(ctx, args.followup_id, changes, args.no_evidence)

"""verify and seal-key: what proves a record."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bcp_drill.cli.family import Commands

if TYPE_CHECKING:
    from bcp_drill.commands import CommandContext


def register(commands: Commands) -> None:
    t = commands.t
    verify = commands.add("verify", "cli.help_verify", _verify)
    verify.add_argument("record_ids", nargs="*", metavar="RECORD", help=t("cli.help_verify_records"))
    seal_key = commands.add("seal-key", "cli.help_seal_key", _seal_key)
    seal_key.add_argument("action", nargs="?", default="show", choices=("show", "new", "adopt"),
                          help=t("cli.help_seal_key_action"))


def _verify(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.records import verify

    return verify(ctx, args.record_ids)


def _seal_key(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.records import seal_key

    return seal_key(ctx, args.action)

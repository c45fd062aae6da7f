"""run, resume, join and serve: a drill at a terminal (the screen or plain mode) or in browsers."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bcp_drill.cli.family import Commands
from bcp_drill.records.values import CONSOLE_ROLES

if TYPE_CHECKING:
    from bcp_drill.commands import CommandContext


def register(commands: Commands) -> None:
    t = commands.t
    run = commands.add("run", "cli.help_run", _run)
    run.add_argument("scenario", metavar="SCENARIO", help=t("cli.help_run_scenario"))
    run.add_argument("--plain", action="store_true", help=t("cli.help_plain"))
    run.add_argument("--type", dest="drill_type", metavar="TYPE", help=t("cli.help_plain_type"))
    run.add_argument("--place", metavar="TEXT", help=t("cli.help_plain_place"))
    run.add_argument("--participant", action="append", metavar="'NAME, ROLE[, ORG]'",
                     help=t("cli.help_plain_participant"))
    run.add_argument("--t0", metavar="HH:MM", help=t("cli.help_plain_t0"))
    run.add_argument("--condition", action="append", metavar="ID=VALUE", help=t("cli.help_plain_condition"))
    run.add_argument("--unreachable", action="append", metavar="NAME", help=t("call_in.help_unreachable"))

    resume = commands.add("resume", "cli.help_resume", _resume)
    resume.add_argument("record", nargs="?", metavar="RECORD", help=t("cli.help_resume_record"))
    resume.add_argument("--plain", action="store_true", help=t("cli.help_plain"))

    join = commands.add("join", "cli.help_join", _join)
    join.add_argument("record", nargs="?", metavar="DRILL", help=t("cli.help_join_record"))
    join.add_argument("--role", choices=CONSOLE_ROLES, default="player", help=t("cli.help_join_role"))
    join.add_argument("--team", metavar="ROLE", default="", help=t("cli.help_join_team"))
    join.add_argument("--console", metavar="NAME", help=t("cli.help_join_console"))
    join.add_argument("--plain", action="store_true", help=t("cli.help_plain"))

    serve = commands.add("serve", "cli.help_serve", _serve)
    serve.add_argument("--host", default="localhost", help=t("cli.help_serve_host"))
    serve.add_argument("--port", type=int, default=8000, help=t("cli.help_serve_port"))
    serve.add_argument("--token", help=t("cli.help_serve_token"))
    serve.add_argument("--no-token", action="store_true", help=t("cli.help_serve_no_token"))
    serve.add_argument("--public-url", metavar="URL", help=t("cli.help_serve_public_url"))
    serve.add_argument("--allow-host", action="append", default=[], metavar="NAME", help=t("cli.help_serve_allow_host"))
    serve.add_argument("--max-consoles", type=int, metavar="N", help=t("cli.help_serve_max_consoles"))


def _run(ctx: CommandContext, args: argparse.Namespace) -> int:
    if args.plain:
        from bcp_drill.commands.plain import run_plain

        return run_plain(ctx, args.scenario, args.drill_type, args.place, args.participant, args.t0, args.condition,
                         args.unreachable)
    from bcp_drill.commands.tui import launch

    return launch(ctx, scenario=args.scenario)


def _resume(ctx: CommandContext, args: argparse.Namespace) -> int:
    if args.plain:
        from bcp_drill.commands.plain import resume_plain

        return resume_plain(ctx, args.record)
    from bcp_drill.commands.tui import launch

    return launch(ctx, record_id=args.record, resume_latest=True)


def _join(ctx: CommandContext, args: argparse.Namespace) -> int:
    if args.plain:
        from bcp_drill.commands.plain import join_plain

        return join_plain(ctx, args.record, args.role, args.team, args.console)
    from bcp_drill.commands.tui import launch

    return launch(ctx, record_id=args.record, resume_latest=True, join=(args.role, args.team, args.console))


def _serve(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.tui import serve

    return serve(ctx, args.host, args.port, args.token, args.no_token, args.public_url, args.allow_host,
                 args.max_consoles)

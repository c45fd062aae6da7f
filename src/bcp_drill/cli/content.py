"""validate, list, schema and settings: the content files and the settings in use."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from bcp_drill.cli.family import Commands

if TYPE_CHECKING:
    from bcp_drill.commands import CommandContext


def register(commands: Commands) -> None:
    t = commands.t
    validate = commands.add("validate", "cli.help_validate", _validate)
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=t("cli.help_validate_paths"))
    commands.add("list", "cli.help_list", _list)
    schema = commands.add("schema", "cli.help_schema", _schema)
    schema.add_argument("kind", choices=["scenario", "checklist", "scale", "systems"], help=t("cli.help_schema_kind"))
    commands.add("settings", "cli.help_settings", _settings)


def _validate(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.content import validate

    return validate(ctx, args.paths)


def _list(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.content import list_content

    return list_content(ctx)


def _schema(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.content import schema

    return schema(ctx, args.kind)


def _settings(ctx: CommandContext, args: argparse.Namespace) -> int:
    from bcp_drill.commands.content import show_settings

    return show_settings(ctx)

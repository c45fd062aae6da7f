"""validate, list, schema and settings: commands about the content and the set-up."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bcp_drill.commands import CommandContext
from bcp_drill.content.library import ContentLibrary
from bcp_drill.content.models import DOCUMENT_KINDS, Checklist, Scenario
from bcp_drill.render.text_table import format_table, truncate

TITLE_WIDTH = 40


def validate(ctx: CommandContext, paths: list[Path]) -> int:
    """Check files (default: every content folder); print every problem; 1 if any."""
    targets = [p if p.is_absolute() else ctx.cwd / p for p in paths] or ctx.content_dirs()
    # A scenario checked on its own may name a register kept beside it or in the content folders.
    registers_from = [p.parent for p in targets if not p.is_dir()] + ctx.content_dirs() if paths else []
    # A whole process (not a test calling in): the files are read on every core.
    library = ContentLibrary.load(targets, cwd=ctx.cwd, lasting=ctx.whole_process,
                                  workers=(os.cpu_count() or 1) if ctx.whole_process else 1,
                                  registers_from=registers_from)
    t = ctx.t
    for problem in library.problems:
        ctx.print(problem.render(t))
    for warning in library.warnings:  # said, but the files are valid: the exit code stays 0
        ctx.print(f"{t('cli.warning_prefix')}: {warning.render(t)}")
    checked = len(library.files)
    if library.problems:
        ctx.print(t("cli.validate_failed", files=checked, problems=len(library.problems)))
        return 1
    ctx.print(t("cli.validate_ok", files=checked))
    return 0


def list_content(ctx: CommandContext) -> int:
    """Every scenario and checklist with its counts and file."""
    library = ctx.library()
    t, lang = ctx.t, ctx.settings.lang

    ctx.print(f"{t('cli.list_scenarios')}")
    rows = []
    for scenario_id, loaded in sorted(library.scenarios.items()):
        scenario = loaded.document
        assert isinstance(scenario, Scenario)
        rows.append([scenario_id, truncate(scenario.title.get(lang), TITLE_WIDTH), scenario.version,
                     len(scenario.phases), len(scenario.steps), len(scenario.injects), loaded.display])
    headers = [t("cli.col_id"), t("cli.col_title"), t("cli.col_version"), t("cli.col_phases"),
               t("cli.col_steps"), t("cli.col_injects"), t("cli.col_file")]
    ctx.print(format_table(headers, rows, ["<", "<", "<", ">", ">", ">", "<"]) if rows else t("cli.list_none"))
    ctx.print()

    ctx.print(f"{t('cli.list_checklists')}")
    rows = []
    for checklist_id, loaded in sorted(library.checklists.items()):
        checklist = loaded.document
        assert isinstance(checklist, Checklist)
        rows.append([checklist_id, truncate(checklist.title.get(lang), TITLE_WIDTH), checklist.version,
                     checklist.scale_id, len(checklist.sections),
                     sum(1 for _ in checklist.all_items()), loaded.display])
    headers = [t("cli.col_id"), t("cli.col_title"), t("cli.col_version"), t("cli.col_scale"),
               t("cli.col_sections"), t("cli.col_items"), t("cli.col_file")]
    ctx.print(format_table(headers, rows, ["<", "<", "<", "<", ">", ">", "<"]) if rows else t("cli.list_none"))
    if library.overridden:
        ctx.print()
        for (kind, document_id), shipped in sorted(library.overridden.items()):
            table = library.scenarios if kind == "scenario" else library.checklists
            used = table[document_id].display if document_id in table else "-"
            ctx.print(t("cli.list_overrides", id=document_id, used=used, shipped=shipped))
    if library.problems:
        ctx.print()
        ctx.print(t("cli.list_problems", problems=len(library.problems)))
        return 1
    return 0


def schema(ctx: CommandContext, kind: str) -> int:
    """The JSON Schema of one kind of content file, generated from its model."""
    ctx.print(json.dumps(DOCUMENT_KINDS[kind].model_json_schema(), ensure_ascii=False, indent=2))
    return 0


def show_settings(ctx: CommandContext) -> int:
    t = ctx.t
    rows = []
    from bcp_drill.settings import FIELDS

    for name in FIELDS:
        value = getattr(ctx.settings, name)
        shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        rows.append([name, shown, t(f"settings_source.{ctx.sources[name]}")])
    ctx.print(format_table([t("cli.settings_key"), t("cli.settings_value"), t("cli.settings_source")], rows))
    ctx.print()
    ctx.print(t("cli.content_dirs") + ":")
    for path in ctx.content_dirs():
        ctx.print(f"  {path}")
    return 0

"""Entry point: parse arguments, build the settings, dispatch to a command."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from bcp_drill import __version__
from bcp_drill.i18n import LANGUAGES, Translator, language_from_locale
from bcp_drill.records.values import (
    CAPABILITIES,
    CONSOLE_ROLES,
    FOLLOWUP_STATUSES,
    PRIORITIES,
)
from bcp_drill.render.formats import (
    INJECT_TABLE_FORMATS,
    PLAN_SUMMARY_FORMATS,
    REPORT_FORMATS,
    SHEET_FORMATS,
    TABLE_FORMATS,
)

if TYPE_CHECKING:  # the heavy modules (pydantic models, content) load only for a real command
    from bcp_drill.commands import CommandContext
    from bcp_drill.settings import SettingsError


def _common_options(t: Translator, suppress: bool) -> argparse.ArgumentParser:
    # Shared by the main parser and each command, so options work before or after it.
    default = argparse.SUPPRESS if suppress else None
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=LANGUAGES, default=default, help=t("cli.help_lang"))
    common.add_argument("--content", action="append", type=Path, metavar="DIR",
                        default=default, help=t("cli.help_content"))
    common.add_argument("--records", type=Path, metavar="DIR", default=default, help=t("cli.help_records"))
    common.add_argument("--config", type=Path, metavar="FILE", default=default, help=t("cli.help_config"))
    return common


# argparse's own words (usage, errors) in Japanese; English keeps argparse's originals.
_ARGPARSE_JA = {
    "usage: ": "使い方: ",
    "positional arguments": "引数",
    "options": "オプション",
    "show this help message and exit": "このヘルプを表示して終了する",
    "show program's version number and exit": "版を表示して終了する",
    "the following arguments are required: %s": "次の引数が必要です: %s",
    "unrecognized arguments: %s": "不明な引数があります: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "%(value)r は選べません（選べるもの: %(choices)s）",
    "expected one argument": "値を1つ指定してください",
    "%(prog)s: error: %(message)s\n": "%(prog)s: エラー: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "引数 %(argument_name)s: %(message)s",
}


def _localise_argparse(lang: str) -> None:
    import gettext

    table = _ARGPARSE_JA if lang == "ja" else {}
    argparse._ = lambda text: table.get(text, gettext.gettext(text))  # type: ignore[attr-defined]  # looked up at call time


def build_parser(t: Translator, with_commands: bool = True) -> argparse.ArgumentParser:
    """The whole command line; without WITH_COMMANDS only the options before a command (enough
    to parse no arguments at all, the home screen's start, without building every command)."""
    parser = argparse.ArgumentParser(prog="bcp-drill", description=t("cli.description"),
                                     parents=[_common_options(t, suppress=False)])
    parser.add_argument("--version", action="version", version=f"bcp-drill {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    if not with_commands:
        return parser
    common = [_common_options(t, suppress=True)]

    verify = commands.add_parser("verify", parents=common, help=t("cli.help_verify"),
                                 description=t("cli.help_verify"))
    verify.add_argument("record_ids", nargs="*", metavar="RECORD", help=t("cli.help_verify_records"))
    seal_key = commands.add_parser("seal-key", parents=common, help=t("cli.help_seal_key"),
                                   description=t("cli.help_seal_key"))
    seal_key.add_argument("action", nargs="?", default="show", choices=("show", "new", "adopt"),
                          help=t("cli.help_seal_key_action"))
    validate = commands.add_parser("validate", parents=common, help=t("cli.help_validate"),
                                   description=t("cli.help_validate"))
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=t("cli.help_validate_paths"))

    commands.add_parser("list", parents=common, help=t("cli.help_list"), description=t("cli.help_list"))

    schema = commands.add_parser("schema", parents=common, help=t("cli.help_schema"),
                                 description=t("cli.help_schema"))
    schema.add_argument("kind", choices=["scenario", "checklist", "scale", "systems"], help=t("cli.help_schema_kind"))

    commands.add_parser("settings", parents=common, help=t("cli.help_settings"),
                        description=t("cli.help_settings"))

    run = commands.add_parser("run", parents=common, help=t("cli.help_run"), description=t("cli.help_run"))
    run.add_argument("scenario", metavar="SCENARIO", help=t("cli.help_run_scenario"))
    run.add_argument("--plain", action="store_true", help=t("cli.help_plain"))
    run.add_argument("--type", dest="drill_type", metavar="TYPE", help=t("cli.help_plain_type"))
    run.add_argument("--place", metavar="TEXT", help=t("cli.help_plain_place"))
    run.add_argument("--participant", action="append", metavar="'NAME, ROLE[, ORG]'",
                     help=t("cli.help_plain_participant"))
    run.add_argument("--t0", metavar="HH:MM", help=t("cli.help_plain_t0"))
    run.add_argument("--condition", action="append", metavar="ID=VALUE", help=t("cli.help_plain_condition"))

    resume = commands.add_parser("resume", parents=common, help=t("cli.help_resume"),
                                 description=t("cli.help_resume"))
    resume.add_argument("record", nargs="?", metavar="RECORD", help=t("cli.help_resume_record"))
    resume.add_argument("--plain", action="store_true", help=t("cli.help_plain"))

    join = commands.add_parser("join", parents=common, help=t("cli.help_join"), description=t("cli.help_join"))
    join.add_argument("record", nargs="?", metavar="DRILL", help=t("cli.help_join_record"))
    join.add_argument("--role", choices=CONSOLE_ROLES, default="player", help=t("cli.help_join_role"))
    join.add_argument("--team", metavar="ROLE", default="", help=t("cli.help_join_team"))
    join.add_argument("--console", metavar="NAME", help=t("cli.help_join_console"))
    join.add_argument("--plain", action="store_true", help=t("cli.help_plain"))

    serve = commands.add_parser("serve", parents=common, help=t("cli.help_serve"), description=t("cli.help_serve"))
    serve.add_argument("--host", default="localhost", help=t("cli.help_serve_host"))
    serve.add_argument("--port", type=int, default=8000, help=t("cli.help_serve_port"))
    serve.add_argument("--token", help=t("cli.help_serve_token"))
    serve.add_argument("--no-token", action="store_true", help=t("cli.help_serve_no_token"))
    serve.add_argument("--public-url", metavar="URL", help=t("cli.help_serve_public_url"))
    serve.add_argument("--allow-host", action="append", default=[], metavar="NAME", help=t("cli.help_serve_allow_host"))
    serve.add_argument("--max-consoles", type=int, metavar="N", help=t("cli.help_serve_max_consoles"))

    review = commands.add_parser("review", parents=common, help=t("cli.help_review"),
                                 description=t("cli.help_review"))
    review.add_argument("checklist", metavar="CHECKLIST", help=t("cli.help_review_checklist"))
    review.add_argument("--plain", action="store_true", help=t("cli.help_plain"))
    review.add_argument("--year", metavar="FY", help=t("cli.help_year"))

    formats = list(TABLE_FORMATS)
    tally = commands.add_parser("tally", parents=common, help=t("cli.help_tally"), description=t("cli.help_tally"))
    tally.add_argument("record", nargs="?", metavar="RECORD", help=t("cli.help_tally_record"))
    tally.add_argument("--checklist", metavar="ID", help=t("cli.help_tally_checklist"))
    tally.add_argument("--year", metavar="FY", help=t("cli.help_year"))
    tally.add_argument("--drills", action="store_true", help=t("cli.help_tally_drills"))
    tally.add_argument("--scenario", metavar="ID", help=t("cli.help_tally_scenario"))
    tally.add_argument("--blank-zero", action="store_true", help=t("cli.help_blank_zero"))
    tally.add_argument("--format", choices=formats, default="text", help=t("cli.help_format"))
    tally.add_argument("-o", "--output", type=Path, metavar="FILE", help=t("cli.help_output"))
    tally.add_argument("--force", action="store_true", help=t("cli.help_force"))

    followups = commands.add_parser("followups", parents=common, help=t("cli.help_followups"),
                                    description=t("cli.help_followups"))
    followups.add_argument("--status", choices=FOLLOWUP_STATUSES,
                           help=t("cli.help_followups_status"))
    followups.add_argument("--owner", metavar="TEXT", help=t("cli.help_followups_owner"))
    followups.add_argument("--source", metavar="TEXT", help=t("cli.help_followups_source"))
    followups.add_argument("--overdue", action="store_true", help=t("cli.help_followups_overdue"))
    followups.add_argument("--main-issues", action="store_true", help=t("cli.help_followups_main_issues"))
    followups.add_argument("--format", choices=formats, default="text", help=t("cli.help_format"))
    followups.add_argument("-o", "--output", type=Path, metavar="FILE", help=t("cli.help_output"))
    followups.add_argument("--force", action="store_true", help=t("cli.help_force"))
    followup_commands = followups.add_subparsers(dest="followups_command", metavar="update")
    update = followup_commands.add_parser("update", parents=common, help=t("cli.help_followup_update"),
                                          description=t("cli.help_followup_update"))
    update.add_argument("followup_id", metavar="ID", help=t("cli.help_followup_id"))
    update.add_argument("--status", dest="new_status", choices=FOLLOWUP_STATUSES)
    update.add_argument("--priority", choices=PRIORITIES)
    update.add_argument("--category", choices=CAPABILITIES)
    update.add_argument("--owner-organisation", metavar="TEXT")
    update.add_argument("--owner-person", metavar="TEXT")
    update.add_argument("--start", metavar="YYYY-MM-DD")
    update.add_argument("--due", metavar="YYYY-MM-DD")
    update.add_argument("--action", dest="corrective_action", metavar="TEXT", help=t("cli.help_followup_action"))
    update.add_argument("--evidence", dest="closure_evidence", metavar="TEXT",
                        help=t("cli.help_followup_evidence"))
    update.add_argument("--no-evidence", action="store_true", help=t("cli.help_followup_no_evidence"))
    update.add_argument("--main-issue", metavar="TEXT", help=t("cli.help_followup_main_issue"))
    update.add_argument("--comment", metavar="TEXT", default="")

    report = commands.add_parser("report", parents=common, help=t("cli.help_report"),
                                 description=t("cli.help_report"))
    report.add_argument("record", nargs="?", metavar="DRILL", help=t("cli.help_report_record"))
    report.add_argument("--review", metavar="REVIEW", help=t("cli.help_report_review"))
    report.add_argument("--format", choices=REPORT_FORMATS, default="md",
                        help=t("cli.help_report_format"))
    report.add_argument("-o", "--output", type=Path, metavar="FILE", help=t("cli.help_output"))
    report.add_argument("--force", action="store_true", help=t("cli.help_force"))

    sheet = commands.add_parser("sheet", parents=common, help=t("cli.help_sheet"), description=t("cli.help_sheet"))
    sheet.add_argument("target", metavar="SCENARIO|CHECKLIST", help=t("cli.help_sheet_target"))
    sheet.add_argument("--format", choices=SHEET_FORMATS, default="html", help=t("cli.help_format"))
    sheet.add_argument("-o", "--output", type=Path, metavar="FILE", help=t("cli.help_output"))
    sheet.add_argument("--force", action="store_true", help=t("cli.help_force"))

    importer = commands.add_parser("import", parents=common, help=t("cli.help_import"),
                                   description=t("cli.help_import"))
    importer.add_argument("file", nargs="?", type=Path, metavar="FILE", help=t("cli.help_import_file"))
    importer.add_argument("--template", metavar="SCENARIO", help=t("cli.help_import_template"))
    importer.add_argument("-o", "--output", type=Path, metavar="FILE", help=t("cli.help_output"))
    importer.add_argument("--force", action="store_true", help=t("cli.help_force"))

    injects = commands.add_parser("injects", parents=common, help=t("cli.help_injects"),
                                  description=t("cli.help_injects"))
    injects_commands = injects.add_subparsers(dest="injects_command", metavar="export|import|cards", required=True)
    export = injects_commands.add_parser("export", parents=common, help=t("cli.help_injects_export"),
                                         description=t("cli.help_injects_export"))
    export.add_argument("scenario", metavar="SCENARIO", help=t("cli.help_run_scenario"))
    export.add_argument("--format", choices=INJECT_TABLE_FORMATS, default="xlsx", help=t("cli.help_format"))
    export.add_argument("-o", "--output", type=Path, metavar="FILE", help=t("cli.help_output"))
    export.add_argument("--force", action="store_true", help=t("cli.help_force"))
    take = injects_commands.add_parser("import", parents=common, help=t("cli.help_injects_import"),
                                       description=t("cli.help_injects_import"))
    take.add_argument("file", type=Path, metavar="FILE", help=t("cli.help_injects_file"))
    take.add_argument("--scenario", required=True, metavar="SCENARIO", help=t("cli.help_run_scenario"))
    take.add_argument("-o", "--output", type=Path, metavar="FILE", help=t("cli.help_injects_output"))
    take.add_argument("--force", action="store_true", help=t("cli.help_force"))
    cards = injects_commands.add_parser("cards", parents=common, help=t("cli.help_injects_cards"),
                                        description=t("cli.help_injects_cards"))
    cards.add_argument("scenario", metavar="SCENARIO", help=t("cli.help_run_scenario"))
    cards.add_argument("-o", "--output", type=Path, metavar="FILE", help=t("cli.help_output"))
    cards.add_argument("--force", action="store_true", help=t("cli.help_force"))

    measures = commands.add_parser("measures", parents=common, help=t("cli.help_measures"),
                                   description=t("cli.help_measures"))
    measures_commands = measures.add_subparsers(dest="measures_command", metavar="import|template", required=True)
    take_measures = measures_commands.add_parser("import", parents=common, help=t("cli.help_measures_import"),
                                                 description=t("cli.help_measures_import"))
    take_measures.add_argument("file", type=Path, metavar="FILE", help=t("cli.help_measures_file"))
    take_measures.add_argument("--id", dest="checklist_id", metavar="ID", help=t("cli.help_measures_id"))
    take_measures.add_argument("--title", metavar="TEXT", help=t("cli.help_measures_title"))
    take_measures.add_argument("-o", "--output", type=Path, metavar="FILE", help=t("cli.help_output"))
    take_measures.add_argument("--force", action="store_true", help=t("cli.help_force"))
    blank = measures_commands.add_parser("template", parents=common, help=t("cli.help_measures_template"),
                                         description=t("cli.help_measures_template"))
    blank.add_argument("--years", nargs="+", metavar="FY", default=[], help=t("cli.help_measures_years"))
    blank.add_argument("-o", "--output", type=Path, metavar="FILE", help=t("cli.help_output"))
    blank.add_argument("--force", action="store_true", help=t("cli.help_force"))

    plan = commands.add_parser("plan-summary", parents=common, help=t("cli.help_plan_summary"),
                               description=t("cli.help_plan_summary"))
    plan.add_argument("checklist", metavar="CHECKLIST", help=t("cli.help_review_checklist"))
    plan.add_argument("--years", nargs=2, required=True, metavar=("FIRST", "LAST"), help=t("cli.help_plan_years"))
    plan.add_argument("--format", choices=PLAN_SUMMARY_FORMATS, default="md", help=t("cli.help_format"))
    plan.add_argument("-o", "--output", type=Path, metavar="FILE", help=t("cli.help_output"))
    plan.add_argument("--force", action="store_true", help=t("cli.help_force"))

    trend = commands.add_parser("trend", parents=common, help=t("cli.help_trend"), description=t("cli.help_trend"))
    trend.add_argument("scenario", metavar="SCENARIO", help=t("cli.help_trend_scenario"))
    return parser


def _settings_failed(error: SettingsError, lang: str | None) -> int:
    """Settings that cannot be used: say which and why, in the language asked for or the locale's."""
    t = Translator(lang if lang in LANGUAGES else language_from_locale())
    print(f"bcp-drill: {t('cli.error_prefix')}: {error.render(t)}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    whole_process = argv is None  # started from the shell (the console script or -m)
    argv = list(sys.argv[1:] if argv is None else argv)
    from bcp_drill.console_streams import prepare_streams

    prepare_streams(sys.stdin, sys.stdout, sys.stderr)
    if argv == ["--version"]:  # answered before any catalog or settings file is read
        print(f"bcp-drill {__version__}")
        return 0
    try:
        os.getcwd()  # settings files and relative paths are found from here
    except FileNotFoundError:
        t = Translator(language_from_locale())
        print(f"bcp-drill: {t('cli.error_prefix')}: {t('cli.cwd_missing')}", file=sys.stderr)
        return 1
    # The language must be known before --help is printed: read it cheaply (config_files),
    # so --help and --version import nothing heavy.
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang", choices=LANGUAGES)
    early.add_argument("--config", type=Path)
    known, _ = early.parse_known_args(argv)
    from bcp_drill.config_files import early_lang, settings_candidates

    asks_help = argv in (["--help"], ["-h"])
    if asks_help:  # what the text is made from, stamped before it is read (help_text.py)
        from bcp_drill import help_text

        candidates = [str(path) for path in settings_candidates(Path.cwd(), dict(os.environ))]
        taken = help_text.stamps(candidates)
    lang = early_lang(known.lang, known.config)
    _localise_argparse(lang)
    parser = build_parser(Translator(lang), with_commands=bool(argv))
    if asks_help:
        text = parser.format_help()
        help_text.keep_help(text, candidates, taken)
        sys.stdout.write(text)
        return 0
    args = parser.parse_args(argv)

    from bcp_drill.commands import CommandContext
    from bcp_drill.errors import UserError, describe
    from bcp_drill.settings import SettingsError, load_settings

    options = {key: getattr(args, key, None) for key in ("lang", "records", "content")}
    try:
        settings, sources = load_settings(options, config_path=getattr(args, "config", None))
    except SettingsError as error:
        return _settings_failed(error, lang)
    ctx = CommandContext(settings=settings, sources=sources, cwd=Path.cwd(), force=getattr(args, "force", False),
                         whole_process=whole_process)
    try:
        return dispatch(ctx, args)
    except UserError as error:  # a damaged record, a refused write: said, never a traceback
        return ctx.fail(error.render(ctx.t))
    except OSError as error:  # a read-only folder, a full disk
        return ctx.fail(describe(error, ctx.t))
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); stop quietly as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # last resort: a message and a saved traceback, not a dump
        return ctx.fail(ctx.t("cli.internal_error", error=f"{type(error).__name__}: {error}",
                              log=str(_save_traceback())))


def _save_traceback() -> Path:
    import traceback
    from datetime import datetime

    import platformdirs

    folder = Path(platformdirs.user_log_dir("bcp-drill", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"crash-{datetime.now():%Y%m%d-%H%M%S}.log"
    path.write_text(traceback.format_exc(), encoding="utf-8")
    return path


class _LazyModule:
    """A command module imported on first use."""

    def __init__(self, load: Callable[[str], Any], name: str) -> None:
        self._load, self._name = load, name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._load(self._name), attribute)


def dispatch(ctx: CommandContext, args: argparse.Namespace) -> int:
    # Only the command module the command needs is imported: each costs start-up time.
    from importlib import import_module

    def module(name: str) -> Any:
        return import_module(f"bcp_drill.commands.{name}")

    content, plain, reports, review, tui = (_LazyModule(module, name) for name in
                                            ("content", "plain", "reports", "review", "tui"))

    if args.command == "verify":
        return reports.verify(ctx, args.record_ids)
    if args.command == "seal-key":
        return reports.seal_key(ctx, args.action)
    if args.command == "validate":
        return content.validate(ctx, args.paths)
    if args.command == "list":
        return content.list_content(ctx)
    if args.command == "schema":
        return content.schema(ctx, args.kind)
    if args.command == "settings":
        return content.show_settings(ctx)
    if args.command == "tally":
        return review.tally(ctx, args.record, args.checklist, args.year, args.drills, args.scenario,
                            args.format, args.output, args.blank_zero)
    if args.command == "followups" and args.followups_command == "update":
        return review.update(ctx, args.followup_id, {
            "status": args.new_status, "priority": args.priority, "category": args.category,
            "owner_organisation": args.owner_organisation, "owner_person": args.owner_person,
            "start": args.start, "due": args.due, "corrective_action": args.corrective_action,
            "closure_evidence": args.closure_evidence, "main_issue": args.main_issue, "comment": args.comment},
            args.no_evidence)
    if args.command == "followups":
        return review.followups(ctx, args.status, args.owner, args.source, args.overdue, args.format,
                                args.output, args.main_issues)
    if args.command == "report":
        return reports.report(ctx, args.record, args.review, args.format, args.output)
    if args.command == "sheet":
        return reports.sheet(ctx, args.target, args.format, args.output)
    if args.command == "import":
        return reports.import_file(ctx, args.file, args.template, args.output)
    if args.command == "plan-summary":
        return reports.plan_summary(ctx, args.checklist, args.years, args.format, args.output)
    if args.command == "measures":
        return reports.measures(ctx, args.measures_command, getattr(args, "file", None),
                                getattr(args, "checklist_id", None), getattr(args, "title", None),
                                getattr(args, "years", []), args.output)
    if args.command == "injects":
        return reports.injects(ctx, args.injects_command, getattr(args, "scenario", None), getattr(args, "file", None),
                               getattr(args, "format", "html"), args.output)
    if args.command == "trend":
        return reports.trend(ctx, args.scenario)
    if args.command == "run" and args.plain:
        return plain.run_plain(ctx, args.scenario, args.drill_type, args.place, args.participant, args.t0,
                               args.condition)
    if args.command == "run":
        return tui.launch(ctx, scenario=args.scenario)
    if args.command == "serve":
        return tui.serve(ctx, args.host, args.port, args.token, args.no_token, args.public_url, args.allow_host,
                         args.max_consoles)
    if args.command == "join" and args.plain:
        return plain.join_plain(ctx, args.record, args.role, args.team, args.console)
    if args.command == "join":
        return tui.launch(ctx, record_id=args.record, resume_latest=True,
                          join=(args.role, args.team, args.console))
    if args.command == "resume" and args.plain:
        return plain.resume_plain(ctx, args.record)
    if args.command == "resume":
        return tui.launch(ctx, record_id=args.record, resume_latest=True)
    if args.command == "review" and args.plain:
        return plain.review_plain(ctx, args.checklist, args.year)
    if args.command == "review":
        return tui.launch(ctx, checklist=args.checklist, year_text=args.year)
    return tui.launch(ctx)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

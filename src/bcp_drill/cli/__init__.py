"""The command line: parse the arguments, build the settings, run the command's handler.

Each command family registers its sub-commands and handlers in a module of this package
(drills, reviews, figures, followups, reports, spreadsheets, records, content); parser.py puts
them together. What each command does is in bcp_drill/commands/."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bcp_drill import __version__
from bcp_drill.i18n import LANGUAGES, Translator, language_from_locale

if TYPE_CHECKING:  # the heavy modules (pydantic models, content) load only for a real command
    from bcp_drill.commands import CommandContext
    from bcp_drill.settings import SettingsError


def _settings_failed(error: SettingsError, lang: str | None) -> int:
    """Settings that cannot be used: say which and why, in the language asked for or the locale's."""
    t = Translator(lang if lang in LANGUAGES else language_from_locale())
    print(f"bcp-drill: {t('cli.error_prefix')}: {error.render(t)}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    whole_process = argv is None  # started from the shell (the console script or -m)
    argv = list(sys.argv[1:] if argv is None else argv)
    from bcp_drill.startup.console_streams import prepare_streams

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
    from bcp_drill.startup.config_files import early_lang, settings_candidates

    asks_help = argv in (["--help"], ["-h"])
    if asks_help:  # what the text is made from, stamped before it is read (help_text.py)
        from bcp_drill.startup import help_text

        candidates = [str(path) for path in settings_candidates(Path.cwd(), dict(os.environ))]
        taken = help_text.stamps(candidates)
    lang = early_lang(known.lang, known.config)
    from bcp_drill.cli.parser import build_parser, localise_argparse

    localise_argparse(lang)
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
    except BrokenPipeError:  # (an OSError too: caught first)
        # The reader went away (e.g. `| head`); stop quietly as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as error:  # a read-only folder, a full disk
        return ctx.fail(describe(error, ctx.t))
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


def dispatch(ctx: CommandContext, args: argparse.Namespace) -> int:
    """The handler the command registered (cli/<family>.py); no command: the home screen."""
    handler = getattr(args, "handler", None)
    if handler is None:
        from bcp_drill.commands.tui import launch

        return launch(ctx)
    result: int = handler(ctx, args)
    return result


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

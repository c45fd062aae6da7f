"""Starting the TUI: the home screen, a new drill (`run`) or a resumed one (`resume`)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Callable

from bcp_drill.commands import CommandContext

if TYPE_CHECKING:
    from bcp_drill.content.outline import ContentOutline
    from bcp_drill.records.store import RecordStore
    from bcp_drill.tui.app import StartRequest


def _needs_terminal(ctx: CommandContext, quiet: bool = False) -> int | None:
    """None when the screen can be drawn here; else the failure (said unless QUIET)."""
    import os

    if os.environ.get("TEXTUAL_DRIVER", "").endswith(":WebDriver"):  # a browser through `bcp-drill serve`
        return None
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return 1 if quiet else ctx.fail(ctx.t("cli.needs_terminal"))
    return None


def launch(ctx: CommandContext, scenario: str | None = None, record_id: str | None = None,
           resume_latest: bool = False, checklist: str | None = None,
           join: tuple[str, str, str | None] | None = None, year_text: str | None = None) -> int:
    from bcp_drill.tui.app import StartRequest, resolve_start

    t = ctx.t
    year = None
    if year_text is not None:  # checked before anything is drawn, as plain mode does
        from bcp_drill.fiscal import parse_fiscal_year

        year = parse_fiscal_year(year_text)
        if year is None:
            return ctx.fail(t("cli.bad_year", value=year_text))

    def store() -> RecordStore:
        from bcp_drill.commands.records import record_store

        return record_store(ctx.settings)

    if not (scenario or checklist or record_id or resume_latest):
        # The home screen needs no content and no records: each is read the first time a
        # screen asks for it.
        return _run(ctx, lambda: ctx.library(), store, StartRequest())
    asked = StartRequest(scenario_id=scenario, checklist_id=checklist, fiscal_year=year)
    if (scenario or checklist) and _needs_terminal(ctx, quiet=True) is None:
        # The app draws its first frame, then reads the content and finds SCENARIO or
        # CHECKLIST in it (an unknown one ends it with the same message as below).
        return _run(ctx, lambda: ctx.library_for(scenario, checklist), store, asked,
                    kept_outline=lambda: ctx.kept_outline(scenario, checklist))
    from bcp_drill.content import cache

    with cache.used():  # the TUI's content: the validated copy in the user's cache folder while no file changed
        library = ctx.library_for(scenario, checklist)
    if library.problems:
        print(t("cli.content_problems_warning", problems=len(library.problems)), file=ctx.err)
    found = resolve_start(library, asked, t)
    if isinstance(found, str):
        return ctx.fail(found)
    if scenario or checklist:
        return _run(ctx, library, store, found)  # refused for want of a terminal, after the reference was checked

    records = store()
    if resume_latest and record_id is None:
        unfinished = records.unfinished("drill" if join else None)
        if not unfinished:
            return ctx.fail(t("cli.nothing_to_join" if join else "cli.nothing_to_resume", folder=str(records.root)))
        record_id = unfinished[0].record_id
    if record_id is not None and not records.exists(record_id):
        return ctx.fail(t("cli.record_not_found", record=record_id, folder=str(records.root)))

    return _run(ctx, library, records, StartRequest(record_id=record_id, join=join))


def _run(ctx: CommandContext, library: Any, store: RecordStore | Callable[[], RecordStore], start: StartRequest,
         kept_outline: Callable[[], ContentOutline | None] | None = None) -> int:
    from bcp_drill.settings import writable_config_path
    from bcp_drill.tui.app import BcpDrillApp
    from bcp_drill.tui.context import TuiContext

    refusal = _needs_terminal(ctx)
    if refusal is not None:
        return refusal
    app = BcpDrillApp(TuiContext(ctx.settings, library, store, writable_config_path(ctx.cwd), kept_outline), start)
    app.run()
    if app.failure is not None:
        return ctx.fail(app.failure)
    return app.return_code or 0


def serve(ctx: CommandContext, host: str, port: int, token: str | None, no_token: bool,
          public_url: str | None, allow_hosts: list[str] | None = None, max_consoles: int | None = None) -> int:
    """The TUI in web browsers (bcp_drill/serve.py): each browser is a console of its own."""
    import socket

    from bcp_drill.serve import app_command, is_local, make_gate, make_server, new_token

    t = ctx.t
    local = is_local(host)
    if no_token and not local:
        return ctx.fail(t("cli.serve_needs_token", host=host))
    if max_consoles is not None and max_consoles < 1:
        return ctx.fail(t("cli.serve_bad_max_consoles", value=max_consoles))
    if no_token:
        token = None
    elif token is None:  # on localhost too: any page the browser opens can reach localhost
        token = new_token()
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        return ctx.fail(t("cli.serve_missing"))
    shown_host = socket.gethostname() if host in ("0.0.0.0", "::", "") else host
    url = (public_url or f"http://{shown_host}:{port}").rstrip("/")
    command = app_command(ctx.settings.records, ctx.settings.lang, list(ctx.settings.content))
    gate = make_gate(host, port, shown_host, public_url, list(allow_hosts or []), token,
                     max_consoles or ctx.settings.serve_max_consoles)
    gate.full_text = t("cli.serve_full", consoles=gate.max_consoles)
    gate.refused_text = t("cli.serve_foreign")
    gate.token_text = t("cli.serve_token_required")
    server = make_server(command, host, port, gate, "bcp-drill", shown_url=url, public_url=public_url)
    ctx.print(t("cli.serve_url", url=f"{url}/?token={token}" if token else f"{url}/"))
    if token:
        ctx.print(t("cli.serve_token_once"))
    if not local:
        ctx.print(t("cli.serve_not_encrypted"))
    try:
        server.serve()
    except OSError as error:
        return ctx.fail(t("cli.serve_failed", host=host, port=port, reason=error.strerror or str(error)))
    return 0

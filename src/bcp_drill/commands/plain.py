"""run --plain, review --plain, resume --plain: the line dialogue on standard input/output."""

from __future__ import annotations

import sys

from bcp_drill.commands import CommandContext
from bcp_drill.commands.records import store_of
from bcp_drill.drill.setup import (
    condition_value,
    parse_condition_options,
    parse_participants,
    parse_t0,
)
from bcp_drill.errors import UserError, describe
from bcp_drill.fiscal import fiscal_year, fiscal_year_label, parse_fiscal_year
from bcp_drill.plain.console import PlainConsole, PlainRunner


def _console(ctx: CommandContext) -> PlainConsole:
    return PlainConsole(ctx.t, sys.stdin, ctx.out)


def run_plain(ctx: CommandContext, scenario_ref: str, drill_type: str | None, place: str | None,
              participants: list[str] | None, t0_text: str | None,
              condition_options: list[str] | None = None) -> int:
    from bcp_drill.drill.session import DrillSession
    from bcp_drill.drill.view import reference_text
    from bcp_drill.plain.drill import PlainDrill

    t = ctx.t
    library = ctx.library_for(scenario_ref)
    scenario = library.scenario(scenario_ref)
    if scenario is None:
        return ctx.fail(library.not_found("scenario", scenario_ref, t))
    console = _console(ctx)
    store = store_of(ctx)
    console.say(t("tui.setup_title", title=scenario.title.get(t.lang)))
    if scenario.notes:
        console.say(f"{t('tui.scenario_notes')}: {scenario.notes.get(t.lang)}")
    for reference in scenario.sources:
        console.say(f"{t('tui.scenario_source')}: {reference_text(reference, t)}")
    types = [d.value for d in scenario.drill_types]
    if drill_type is None:
        answer = console.ask_optional("plain.ask_type", types[0], choices=", ".join(types))
        if answer is None:
            return 1
        drill_type = answer
    if drill_type not in types:
        return ctx.fail(t("plain.bad_type", value=drill_type, choices=", ".join(types)))
    if place is None:
        place = console.ask_optional("tui.setup_place")
        if place is None:
            return 1
    lines = participants
    if lines is None:
        console.say(t("plain.ask_participants"))
        lines = []
        while (line := console.ask("  > ")) not in (None, ""):
            lines.append(line)
    people, problems = parse_participants("\n".join(lines))
    if problems:
        first = problems[0]
        return ctx.fail(t(f"tui.{first.code}", line=first.line, value=first.value))
    if t0_text is None:
        t0_text = console.ask_optional("plain.ask_t0") or ""
    t0 = parse_t0(t0_text, store.clock())
    if t0 is None:
        return ctx.fail(t("tui.bad_t0", value=t0_text))
    conditions, bad = parse_condition_options(condition_options or [], scenario)
    if bad:
        return ctx.fail(t(f"plain.{bad[0].code}", value=bad[0].value,
                          known=", ".join(c.id for c in scenario.conditions) or "-"))
    for condition in scenario.conditions:
        if condition.fixed is not None:
            value = condition.value(condition.fixed)
            console.say(t("plain.condition_fixed", condition=condition.title.get(t.lang),
                          value=value.title.get(t.lang) if value else condition.fixed))
            continue
        while condition.id not in conditions:
            choices = "  ".join(f"{n}. {v.title.get(t.lang)} ({v.id})" for n, v in enumerate(condition.values, 1))
            answer = console.ask_optional("plain.ask_condition", condition=condition.title.get(t.lang),
                                          choices=choices)
            if answer is None:
                return 1
            value_id = condition_value(condition, answer)
            if value_id is None:
                console.say(t("plain.bad_condition", value=answer))
            else:
                conditions[condition.id] = value_id
    source = library.scenarios[scenario.id]
    try:
        session = DrillSession.start(store, source, drill_type, place=place, participants=people, t0=t0,
                                     conditions=conditions)
    except (UserError, OSError) as error:
        return ctx.fail(t("tui.cannot_create_record", reason=describe(error, t)))
    try:
        return PlainDrill(session, console).run()
    finally:
        session.close()


def review_plain(ctx: CommandContext, checklist_ref: str, year_text: str | None) -> int:
    from bcp_drill.plain.review import PlainReview
    from bcp_drill.review.session import ReviewSession, latest_review_before

    t = ctx.t
    library = ctx.library_for(checklist_ref)
    checklist = library.checklist(checklist_ref)
    if checklist is None:
        return ctx.fail(library.not_found("checklist", checklist_ref, t))
    console = _console(ctx)
    store = store_of(ctx)
    console.say(t("review.setup_title", title=checklist.title.get(t.lang)))
    this_year = fiscal_year(store.clock().astimezone().date())
    if year_text is None:
        year_text = console.ask_optional("plain.ask_year", str(this_year), label=fiscal_year_label(this_year, t.lang))
        if year_text is None:
            return 1
    year = parse_fiscal_year(year_text)
    if year is None:
        return ctx.fail(t("cli.bad_year", value=year_text))
    previous = latest_review_before(store, checklist.id, year)  # next year's review starts from it
    if previous is not None and previous.started is not None:
        console.say(t("review.starts_from", year=fiscal_year_label(previous.started.fiscal_year, t.lang),
                      record=previous.started.record_id))
    try:
        session = ReviewSession.start(store, library.checklists[checklist.id], library.scale_of(checklist),
                                      fiscal_year_value=year, reviewer=ctx.settings.recorder,
                                      organisation=ctx.settings.organisation, previous=previous)
    except (UserError, OSError) as error:
        return ctx.fail(t("tui.cannot_create_record", reason=describe(error, t)))
    try:
        return PlainReview(session, console).run()
    finally:
        session.close()


def resume_plain(ctx: CommandContext, record_id: str | None) -> int:
    from bcp_drill.drill.session import DrillSession
    from bcp_drill.plain.drill import PlainDrill
    from bcp_drill.plain.review import PlainReview
    from bcp_drill.review.session import ReviewSession

    t = ctx.t
    store = store_of(ctx)
    everything = {s.record_id: s for s in store.summaries()}
    damaged = everything.get(record_id or "")
    if damaged is not None and damaged.error is not None:  # say it is damaged and where, not "no record"
        return ctx.fail(damaged.error.render(t))
    summaries = {r: s for r, s in everything.items() if s.error is None}
    if record_id is None:
        from bcp_drill.render.tables import left_out_note

        unfinished = [s for s in everything.values() if s.error is None and not s.finished]
        newest = unfinished[0].record_id if unfinished else ""
        for summary in everything.values():  # a newer record that does not verify is named, never skipped silently
            if summary.error is not None and summary.record_id > newest:
                print(f"bcp-drill: {t('cli.warning_prefix')}: {left_out_note(t, summary.record_id, summary.error)}",
                      file=ctx.err)
        if not unfinished:
            return ctx.fail(t("cli.nothing_to_resume", folder=str(store.root)))
        record_id = newest
    if record_id not in summaries:
        return ctx.fail(t("cli.record_not_found", record=record_id, folder=str(store.root)))
    console = _console(ctx)
    session: DrillSession | ReviewSession
    runner: PlainRunner
    try:
        if summaries[record_id].kind == "review":
            review = ReviewSession.resume(store, record_id)
            session, runner = review, PlainReview(review, console)
        else:
            drill = DrillSession.resume(store, record_id)
            session, runner = drill, PlainDrill(drill, console)
    except UserError as error:
        return ctx.fail(error.render(t))
    if session.journal.recovered_tail is not None:
        console.say(t("journal.recovered", path=str(session.journal.recovered_tail)))
    try:
        return runner.run()
    finally:
        session.close()


def join_plain(ctx: CommandContext, record_id: str | None, role: str, team: str, console_id: str | None) -> int:
    """Join a drill under way as one console of a team drill (its own journal, see drill/team.py)."""
    from bcp_drill.drill.team import join_drill
    from bcp_drill.plain.drill import PlainDrill

    t = ctx.t
    store = store_of(ctx)
    if record_id is None:
        under_way = store.unfinished("drill")
        if not under_way:
            return ctx.fail(t("cli.nothing_to_join", folder=str(store.root)))
        record_id = under_way[0].record_id
    if not store.exists(record_id):
        return ctx.fail(t("cli.record_not_found", record=record_id, folder=str(store.root)))
    try:
        session = join_drill(store, record_id, role, team, console_id)
    except UserError as error:
        return ctx.fail(error.render(t))
    console = _console(ctx)
    console.say(t("plain.joined", console=session.console, role=t(f"console_role.{role}"),
                  offset=f"{session.clock_offset:+.0f}"))
    try:
        return PlainDrill(session, console).run()
    finally:
        session.close()

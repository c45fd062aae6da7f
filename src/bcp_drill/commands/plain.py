"""run --plain, review --plain, resume --plain: the line dialogue on standard input/output."""

from __future__ import annotations

import sys

from bcp_drill.commands import CommandContext
from bcp_drill.commands.records import store_of
from bcp_drill.drill.opening import Notice
from bcp_drill.drill.setup import RosterPerson, SetupError
from bcp_drill.errors import UserError, describe
from bcp_drill.fiscal import fiscal_year, fiscal_year_label, parse_fiscal_year
from bcp_drill.plain.console import PlainConsole, PlainRunner
from bcp_drill.wallclock import local_date


def _console(ctx: CommandContext) -> PlainConsole:
    return PlainConsole(ctx.t, sys.stdin, ctx.out)


def _roster_people(ctx: CommandContext) -> list[RosterPerson]:
    """The roster's people (./programmes/roster.yaml), offered at set-up; one that does not read is said."""
    from bcp_drill.programme.reminders import PROGRAMME_FOLDER
    from bcp_drill.programme.roster import setup_roster

    roster = setup_roster(ctx.cwd / PROGRAMME_FOLDER, ctx.t)
    for problem in roster.problems:
        print(f"bcp-drill: {ctx.t('cli.warning_prefix')}: {ctx.t('call_in.roster_unreadable', problem=problem)}",
              file=ctx.err)
    return roster.people


def run_plain(ctx: CommandContext, scenario_ref: str, drill_type: str | None, place: str | None,
              participants: list[str] | None, t0_text: str | None,
              condition_options: list[str] | None = None, unreachable: list[str] | None = None) -> int:
    from bcp_drill.drill.opening import start_drill
    from bcp_drill.drill.setup import (
        DRILL_TYPE,
        PARTICIPANTS,
        PLACE,
        RECORDER,
        T0,
        UNREACHABLE,
        read_setup,
        setup_questions,
    )
    from bcp_drill.plain.drill import PlainDrill, ask_setup, introduce_scenario

    library = ctx.library_for(scenario_ref)
    scenario = library.scenario(scenario_ref)
    if scenario is None:
        return ctx.fail(library.not_found("scenario", scenario_ref, ctx.t))
    console = _console(ctx)
    store = store_of(ctx)
    introduce_scenario(console, scenario)
    people = _roster_people(ctx)
    questions = setup_questions(scenario, store.recorder, people)
    given = {DRILL_TYPE: drill_type, PLACE: place, T0: t0_text, RECORDER: store.recorder,  # the settings' recorder
             PARTICIPANTS: None if participants is None else "\n".join(participants),
             UNREACHABLE: None if unreachable is None else "\n".join(unreachable)}
    answers = ask_setup(console, scenario, questions,
                        {key: answer for key, answer in given.items() if answer is not None},
                        condition_options or [], store.clock())
    if answers is None:  # the input ended
        return 1
    if isinstance(answers, SetupError):
        return ctx.fail(answers.message(ctx.t))
    setup = read_setup(questions, answers, store.clock())
    if isinstance(setup, SetupError):
        return ctx.fail(setup.message(ctx.t))
    session = start_drill(store, library.scenarios[scenario.id], setup)
    if isinstance(session, Notice):
        return ctx.fail(session.text(ctx.t))
    return PlainDrill(session, console, people).run_and_close()


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
    this_year = fiscal_year(local_date(store.clock()))
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
    return PlainReview(session, console, ctx.blank_zeros(), store).run_and_close()


def resume_plain(ctx: CommandContext, record_id: str | None) -> int:
    from bcp_drill.drill.opening import record_to_resume, resume_drill, resume_session
    from bcp_drill.plain.drill import PlainDrill
    from bcp_drill.plain.review import PlainReview
    from bcp_drill.render.tables import left_out_note
    from bcp_drill.review.session import ReviewSession

    t = ctx.t
    store = store_of(ctx)
    choice = record_to_resume(store, record_id)
    for skipped, why in choice.unreadable:  # newer records that do not verify: named, never skipped silently
        print(f"bcp-drill: {t('cli.warning_prefix')}: {left_out_note(t, skipped, why)}", file=ctx.err)
    if isinstance(choice.chosen, Notice):
        return ctx.fail(choice.chosen.text(t))
    chosen = choice.chosen.record_id
    console = _console(ctx)
    runner: PlainRunner
    if choice.chosen.kind == "review":
        review = resume_session(ReviewSession.resume, store, chosen)
        if isinstance(review, Notice):
            return ctx.fail(review.text(t))
        opened, runner = review.notices, PlainReview(review.session, console, ctx.blank_zeros(), store)
    else:
        drill = resume_drill(store, chosen)
        if isinstance(drill, Notice):
            return ctx.fail(drill.text(t))
        opened, runner = drill.notices, PlainDrill(drill.session, console, _roster_people(ctx))
    for notice in opened:
        console.say(notice.text(t))
    return runner.run_and_close()


def join_plain(ctx: CommandContext, record_id: str | None, role: str, team: str, console_id: str | None) -> int:
    """Join a drill under way as one console of a team drill (its own journal, see drill/team.py)."""
    from bcp_drill.drill.opening import join_as_console
    from bcp_drill.plain.drill import PlainDrill

    t = ctx.t
    session = join_as_console(store_of(ctx), record_id, role, team, console_id)
    if isinstance(session, Notice):
        return ctx.fail(session.text(t))
    console = _console(ctx)
    console.say(t("plain.joined", console=session.console, role=t(f"console_role.{role}"),
                  offset=f"{session.clock_offset:+.0f}"))
    return PlainDrill(session, console, _roster_people(ctx)).run_and_close()

"""A scenario that holds a real plan: conditions, steps that wait, relative and absent targets.

The fixture (tests/data/plan/plan-scenario.yaml) is transcribed from a municipal action
table: office hours or not, a fixed seismic intensity, a check sheet of twelve checks.
"""

import random
import re

import pytest

from bcp_drill.content.library import ContentLibrary
from bcp_drill.drill.counts import StepStatus
from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.state import DrillState
from bcp_drill.drill.view import DrillView, objective_results
from bcp_drill.drill.wording import target_label
from bcp_drill.errors import SessionRefused
from bcp_drill.i18n import Translator
from bcp_drill.records.journal import read_journal
from support.drills import DATA, FakeClock, make_store


def plan_source():
    library = ContentLibrary.load([DATA / "plan"], cwd=DATA)
    assert not library.problems, library.problems
    return library.scenarios["plan-quake"]


def start(tmp_path, hours="off_hours", **kwargs):
    clock = FakeClock()
    store = make_store(tmp_path, clock)
    session = DrillSession.start(store, plan_source(), "tabletop", conditions={"hours": hours}, **kwargs)
    return session, clock


def statuses(session):
    view = DrillView(session.state, session.now())
    return {v.step.id: v.status for v in view.steps}


def test_the_condition_values_are_recorded_in_the_first_event_fixed_ones_included(tmp_path):
    session, _ = start(tmp_path)
    assert session.journal.events[0].conditions == {"hours": "off_hours", "intensity": "six_upper"}


@pytest.mark.parametrize("conditions, code", [
    ({}, "condition_required"),
    ({"hours": "night"}, "unknown_condition_value"),
    ({"hours": "office", "intensity": "five_upper"}, "condition_fixed"),
    ({"hours": "office", "season": "winter"}, "unknown_condition"),
])
def test_a_drill_does_not_start_without_valid_condition_values(tmp_path, conditions, code):
    store = make_store(tmp_path, FakeClock())
    with pytest.raises(SessionRefused) as refused:
        DrillSession.start(store, plan_source(), "tabletop", conditions=conditions)
    assert refused.value.code == code
    assert not list((tmp_path / "records").glob("*.jsonl"))  # nothing written


def test_steps_that_do_not_apply_are_never_overdue_and_never_counted(tmp_path):
    session, clock = start(tmp_path, hours="off_hours")
    clock.advance(hours=5)
    shown = statuses(session)
    assert shown["visitors"] == StepStatus.NOT_APPLICABLE  # office hours only
    assert shown["callin"] == StepStatus.UPCOMING  # applies, and has no target: never overdue
    figures = DrillView(session.state, session.now()).figures.overall
    assert (figures.total, figures.not_applicable) == (8, 1)
    with pytest.raises(SessionRefused) as refused:
        session.complete_step("visitors", "P")
    assert refused.value.code == "step_not_applicable"
    # The office-hours inject is not given out of hours, and cannot be given by hand either.
    assert "visitors-panic" not in session.state.delivered
    assert [i.id for i in session.state.pending_injects()] == ["power-back", "aftershock"]
    with pytest.raises(SessionRefused):
        session.deliver_inject("visitors-panic", manual=True)


def test_in_office_hours_the_other_steps_apply(tmp_path):
    session, clock = start(tmp_path, hours="office")
    clock.advance(minutes=6)
    session.deliver_due_injects()
    assert "visitors-panic" in session.state.delivered
    shown = statuses(session)
    assert shown["callin"] == StepStatus.NOT_APPLICABLE and shown["visitors"] == StepStatus.DUE


def test_a_waiting_step_is_waiting_not_overdue_and_its_target_counts_from_its_predecessor(tmp_path):
    session, clock = start(tmp_path)
    clock.advance(hours=2)
    assert statuses(session)["server-room"] == StepStatus.WAITING  # safety has no outcome yet
    session.complete_step("safety", "S")  # at T+2:00, so server-room is due by T+2:30
    view = DrillView(session.state, session.now())
    assert view.step("server-room").deadline_seconds == 150 * 60
    assert view.step("server-room").status == StepStatus.UPCOMING
    assert "T+2:30" in target_label(view.step("server-room"), Translator("en"))
    clock.advance(minutes=31)
    assert statuses(session)["server-room"] == StepStatus.OVERDUE
    session.complete_step("server-room", "M")
    view = DrillView(session.state, session.now())
    assert view.step("server-room").status == StepStatus.DONE_LATE and view.step("server-room").late_minutes == 1


def test_a_step_that_waits_for_a_step_not_applicable_does_not_wait_for_it(tmp_path):
    session, _ = start(tmp_path, hours="off_hours")
    session.complete_step("safety", "P")
    session.complete_step("server-room", "P")
    assert statuses(session)["report-hq"] == StepStatus.UPCOMING  # visitors does not apply


def test_a_step_waits_for_an_inject(tmp_path):
    session, clock = start(tmp_path)
    assert statuses(session)["restart"] == StepStatus.WAITING
    clock.advance(minutes=91)
    session.deliver_due_injects()
    assert statuses(session)["restart"] == StepStatus.UPCOMING


def test_a_step_without_a_target_is_done_but_neither_on_time_nor_late(tmp_path):
    session, clock = start(tmp_path)
    clock.advance(minutes=40)
    session.complete_step("callin", "P")
    session.complete_step("safety", "S")  # T+0:40, target T+0:30: late
    view = DrillView(session.state, session.now())
    assert view.step("callin").status == StepStatus.DONE_NO_TARGET
    assert target_label(view.step("callin"), Translator("ja")) == "目標なし"
    counts = view.figures.overall
    assert (counts.done, counts.on_time, counts.late, counts.done_no_target) == (2, 0, 1, 1)
    assert counts.on_time_rate == 0.0  # only the step with a target is in the rate


def test_objectives_leave_out_steps_that_do_not_apply(tmp_path):
    session, _ = start(tmp_path, hours="off_hours")
    session.complete_step("callin", "P")
    session.complete_step("safety", "S")
    o1 = next(r for r in objective_results(session.state) if r.objective_id == "o1")
    assert o1.derived == "S"
    assert {c.step_id: c.basis for c in o1.contributions}["visitors"] == "not_applicable"


def test_any_check_of_a_long_check_sheet_can_be_ticked(tmp_path):
    session, _ = start(tmp_path)
    session.toggle_check("server-room", 11)  # the twelfth
    assert session.state.steps["server-room"].checks == {11}
    with pytest.raises(SessionRefused):
        session.toggle_check("server-room", 12)


def test_random_sessions_of_the_plan_scenario_replay_to_the_same_state(tmp_path):
    """Conditions, waiting and relative targets are derived from events alone: replaying the
    journal gives exactly the statuses the live session showed."""
    steps = ["visitors", "callin", "safety", "server-room", "restart", "report-hq", "where", "move-alt",
             "paper-forms"]
    for seed in range(12):
        rng = random.Random(seed)
        session, clock = start(tmp_path / str(seed), hours=rng.choice(["office", "off_hours"]))
        for _ in range(30):
            clock.advance(seconds=rng.randint(0, 900))
            step = rng.choice(steps)
            try:
                match rng.randrange(9):
                    case 0 | 1:
                        session.complete_step(step, rng.choice("PSMU"))
                    case 5:
                        session.decide("where", rng.choice(["stay", "alternate", "paper"]), rng.choice("PSMU"))
                    case 6:
                        session.record_system_state(rng.choice(["core", "web", "mail", "lgwan"]),
                                                    rng.choice(["down", "degraded", "alternate", "restored"]))
                    case 7:
                        session.record_value(step, rng.randrange(6), str(rng.randint(0, 120)))
                    case 8:
                        session.record_deputy(step, "lead", rng.randint(1, 3), "unreachable")
                    case 2:
                        session.step_not_done(step, "reason", skipped=rng.random() < 0.5)
                    case 3:
                        session.deliver_due_injects()
                    case _:
                        session.reopen_step(step)
            except SessionRefused:
                pass
        events = read_journal(session.journal.path).events
        replayed = DrillState.from_events(session.scenario, events)
        now = clock()
        assert statuses(session) == {v.step.id: v.status for v in DrillView(replayed, now).steps}, seed
        assert DrillView(replayed, now).figures == DrillView(session.state, now).figures, seed
        assert (replayed.systems, replayed.values, replayed.deputies) == (
            session.state.systems, session.state.values, session.state.deputies), seed
        assert DrillView(replayed, now).systems == DrillView(session.state, now).systems, seed
        session.close()


def decided_until_where(tmp_path):
    session, clock = start(tmp_path)
    clock.advance(minutes=20)
    session.complete_step("safety", "P")
    clock.advance(minutes=10)
    session.complete_step("server-room", "P")  # T+0:30: `where` is due by T+0:45
    return session, clock


def test_steps_a_decision_enables_wait_for_it_and_the_other_options_steps_do_not_apply(tmp_path):
    session, clock = decided_until_where(tmp_path)
    shown = statuses(session)
    assert shown["move-alt"] == StepStatus.WAITING and shown["paper-forms"] == StepStatus.WAITING
    with pytest.raises(SessionRefused) as refused:
        session.complete_step("where", "P")  # a decision is recorded with its option
    assert refused.value.code == "decision_required"
    clock.advance(minutes=12)
    decided = session.decide("where", "alternate", "S", decided_by="総務部長")
    made = decided.event
    assert (made.option_id, made.decided_by, made.elapsed_seconds) == ("alternate", "総務部長", 42 * 60)
    assert decided.triggered == ("alt-ready",)  # what the front ends announce
    shown = statuses(session)
    assert shown["where"] == StepStatus.DONE_ON_TIME
    assert shown["move-alt"] == StepStatus.UPCOMING and shown["paper-forms"] == StepStatus.NOT_APPLICABLE
    assert shown["restart"] == StepStatus.WAITING  # for its inject; only `paper` would skip it
    # The option's inject is given with the decision, at the same drill time.
    assert session.state.delivered["alt-ready"].elapsed_seconds == 42 * 60
    assert DrillView(session.state, session.now()).step("move-alt").deadline_seconds == (42 + 60) * 60
    with pytest.raises(SessionRefused) as refused:
        session.decide("where", "stay", "P")
    assert refused.value.code == "decision_already_recorded"


def test_a_decision_with_consequences_recorded_is_not_withdrawn_behind_their_back(tmp_path):
    session, _ = decided_until_where(tmp_path)
    session.decide("where", "paper", "P")
    assert statuses(session)["restart"] == StepStatus.NOT_APPLICABLE  # `paper` skips it
    session.complete_step("paper-forms", "S")
    with pytest.raises(SessionRefused) as refused:
        session.reopen_step("where")
    assert refused.value.code == "decision_has_consequences" and "paper-forms" in str(refused.value.params)
    session.reopen_step("paper-forms")
    session.reopen_step("where")
    assert statuses(session)["paper-forms"] == StepStatus.WAITING
    session.decide("where", "stay", "P")
    shown = statuses(session)
    assert shown["paper-forms"] == StepStatus.NOT_APPLICABLE and shown["move-alt"] == StepStatus.NOT_APPLICABLE


def test_a_decision_not_taken_leaves_its_options_steps_not_applicable(tmp_path):
    session, _ = decided_until_where(tmp_path)
    session.step_not_done("where", "部長と連絡が取れなかった")
    shown = statuses(session)
    assert shown["move-alt"] == StepStatus.NOT_APPLICABLE and shown["paper-forms"] == StepStatus.NOT_APPLICABLE
    assert shown["restart"] == StepStatus.WAITING  # skipped only when `paper` is chosen


def test_the_systems_register_is_pinned_with_the_drill(tmp_path):
    session, _ = start(tmp_path)
    first = session.journal.events[0]
    assert first.systems_file.endswith("systems.yaml") and "基幹系システム" in first.systems_yaml
    from bcp_drill.drill.pinned import pinned_scenario

    assert [s.id for s in pinned_scenario(first).systems] == ["core", "web", "mail", "lgwan"]


def test_system_states_and_the_recovery_time_objective(tmp_path):
    from bcp_drill.drill.view import system_view

    session, clock = start(tmp_path)
    scenario = session.scenario
    clock.advance(minutes=5)
    session.record_system_state("core", "down", "サーバー室浸水")
    clock.advance(minutes=55)
    session.record_system_state("core", "alternate", "クラウドへ切替")
    clock.advance(minutes=60)
    session.record_system_state("core", "degraded")  # the alternate fails: not recovered any more
    clock.advance(minutes=30)
    session.record_system_state("core", "restored")  # T+2:30, RTO 4:00
    session.record_system_state("web", "down")
    with pytest.raises(SessionRefused):
        session.record_system_state("payroll", "down")
    with pytest.raises(SessionRefused):
        session.record_system_state("web", "broken")
    clock.advance(minutes=40)  # T+3:10: the web site's RTO (3:00) has passed unrecovered
    elapsed = session.elapsed()
    core = system_view(session.state, scenario.system("core"), elapsed)
    assert (core.state, core.recovered_at, core.rto_status) == ("restored", 150 * 60, "met")
    assert [e.state for e in core.history] == ["down", "alternate", "degraded", "restored"]
    web = system_view(session.state, scenario.system("web"), elapsed)
    assert (web.state, web.recovered_at, web.rto_status) == ("down", None, "missed")
    mail = system_view(session.state, scenario.system("mail"), elapsed)
    assert (mail.rto_status, mail.remaining_seconds) == ("open", (1440 - 190) * 60)
    lgwan = system_view(session.state, scenario.system("lgwan"), elapsed)
    assert lgwan.rto_status == "not_recorded"  # RTO passed, but nobody recorded a state
    # Replaying the journal gives the same systems.
    replayed = DrillState.from_events(scenario, read_journal(session.journal.path).events)
    assert replayed.systems == session.state.systems


def test_measured_values_are_read_flagged_against_their_threshold_and_replayed(tmp_path):
    from bcp_drill.drill.view import value_views
    from bcp_drill.drill.wording import check_text, value_text

    session, _ = start(tmp_path)
    t = Translator("ja")
    session.record_value("server-room", 4, "２５分")  # full-width digits and the unit: 25
    session.record_value("safety", 0, "72.5%")
    session.record_value("safety", 1, "2名が道路寸断で参集できず")
    with pytest.raises(SessionRefused) as refused:
        session.record_value("safety", 0, "many")
    assert refused.value.code == "value_not_a_number"
    with pytest.raises(SessionRefused) as refused:
        session.record_value("safety", 0, "120")
    assert refused.value.code == "percent_out_of_range"
    with pytest.raises(SessionRefused) as refused:
        session.record_value("server-room", 0, "5")  # ラックの転倒 takes no value
    assert refused.value.code == "check_takes_no_value"
    ups = {v.index: v for v in value_views(session.state, session.scenario.step("server-room"))}[4]
    assert (ups.recorded.number, ups.flag) == (25.0, "below")
    assert value_text(ups, t) == "２５分 (!) 下限 30分 を下回る"
    assert value_text(ups, Translator("en")) == "２５分 (= 25 min) (!) under its threshold (at least 30 min)"
    rate, note = value_views(session.state, session.scenario.step("safety"))
    assert (rate.flag, value_text(rate, t)) == ("below", "72.5% (!) 下限 80% を下回る")
    assert (note.flag, value_text(note, t)) == ("", "2名が道路寸断で参集できず")
    session.record_value("safety", 0, "85")  # a later value replaces it
    assert check_text(session.state, session.scenario.step("safety"), 0, t) == "安否回答率 = 85% [下限 80%]"
    replayed = DrillState.from_events(session.scenario, read_journal(session.journal.path).events)
    assert replayed.values == session.state.values


def test_a_measured_check_counts_as_done_wherever_checks_are_counted(tmp_path):
    """Both checks of `safety` take a value: measured, each counts as done (the report's
    "sub-checks 2/2", the runner's [x]) though no key ticked them."""
    session, _ = start(tmp_path)
    session.record_value("safety", 0, "75")
    assert DrillView(session.state, session.now()).step("safety").checks_done == 1
    session.record_value("safety", 1, "2名が参集できず")
    shown = DrillView(session.state, session.now()).step("safety")
    assert (shown.done_checks, shown.checks_done) == (frozenset({0, 1}), 2)
    session.toggle_check("safety", 0)  # ticked as well: still one check
    assert DrillView(session.state, session.now()).step("safety").checks_done == 2
    assert session.state.checks_done("server-room") == frozenset()


def test_injects_as_an_msel_contingencies_are_never_given_by_the_clock_and_responses_are_compared(tmp_path):
    from bcp_drill.drill.view import inject_responses
    from bcp_drill.drill.wording import response_text

    session, clock = start(tmp_path)
    clock.advance(minutes=95)
    delivered = [e.inject_id for e in session.deliver_due_injects()]
    assert delivered == ["power-back"]  # the aftershock (T+1:00) is a contingency: by hand only
    assert "aftershock" in [i.id for i in session.state.pending_injects()]
    clock.advance(minutes=12)
    session.complete_step("restart", "S")
    view = DrillView(session.state, session.now())
    by_id = {r.inject.id: r for r in inject_responses(view)}
    assert by_id["power-back"].given_at == 95 * 60
    assert response_text(by_id["power-back"], Translator("en")) == \
        "Restart servers after power returns: [+] done (no target) S (00:12:00 after it)"
    assert by_id["aftershock"].given_at is None
    assert "visitors-panic" not in by_id  # office hours only: not part of this drill


def test_an_outcome_recorded_before_its_inject_was_given_is_not_read_as_a_response_to_it(tmp_path):
    """The mini scenario's i1 (T+3) names s1; s1 done at T+1 is shown as recorded before i1."""
    from bcp_drill.drill.view import inject_responses
    from bcp_drill.drill.wording import response_text
    from support.drills import mini_library

    clock = FakeClock()
    session = DrillSession.start(make_store(tmp_path, clock), mini_library().scenarios["mini"], "tabletop")
    clock.advance(minutes=1)
    session.complete_step("s1", "P")
    clock.advance(minutes=2)
    assert [e.inject_id for e in session.deliver_due_injects()] == ["i1"]
    [i1] = inject_responses(DrillView(session.state, session.now()))
    text = response_text(i1, Translator("en"))
    assert text.endswith(" P (recorded 00:02:00 before it was given)") and "after it" not in text
    assert response_text(i1, Translator("ja")).endswith(" (付与の 00:02:00 前に記録)")


def test_a_deputy_acting_for_an_unreachable_lead_is_recorded_with_the_reason(tmp_path):
    from bcp_drill.drill.wording import deputy_text, roles_text

    session, _ = start(tmp_path)
    t = Translator("en")
    assert roles_text(session.scenario.step("server-room"), session.scenario, t) == \
        "IT staff (ICT team) + Facilities staff"
    session.record_deputy("safety", "lead", 1, "the head could not be reached", person="Sato")
    with pytest.raises(SessionRefused) as refused:
        session.record_deputy("safety", "lead", 3, "x")
    assert refused.value.code == "unknown_deputy"
    with pytest.raises(SessionRefused) as refused:
        session.record_deputy("safety", "staff", 1, "x")
    assert refused.value.code == "role_not_on_step"
    with pytest.raises(SessionRefused):
        session.record_deputy("safety", "lead", 1, " ")
    assert deputy_text(session.state, session.scenario.step("safety"), t) == \
        "deputy 1 of ICT lead, Deputy head (Sato), acted: the head could not be reached"
    replayed = DrillState.from_events(session.scenario, read_journal(session.journal.path).events)
    assert replayed.deputies == session.state.deputies


def test_a_decision_never_drops_a_recorded_outcome_without_a_word(tmp_path):
    """`restart` can only be skipped by the decision (paper skips it): it may be recorded first,
    and choosing paper is then refused, naming it, until its outcome is withdrawn. A step only a
    decision enables (`move-alt`) takes no outcome before the decision is made."""
    session, clock = start(tmp_path)
    clock.advance(minutes=5)
    session.complete_step("safety", "P")
    session.complete_step("server-room", "P")
    with pytest.raises(SessionRefused) as waiting:
        session.complete_step("move-alt", "P")
    assert (waiting.value.code, waiting.value.params["decision"]) == ("step_waits_for_decision", "where")
    with pytest.raises(SessionRefused):
        session.step_not_done("paper-forms", "誰もいない")
    session.deliver_inject("power-back")
    session.complete_step("restart", "S")
    before = read_journal(session.journal.path).events
    with pytest.raises(SessionRefused) as refused:
        session.decide("where", "paper", "P")
    assert refused.value.code == "decision_sets_aside" and refused.value.params["steps"] == "restart (S)"
    said = refused.value.message(Translator("en"))
    assert "would rule out steps that already have outcomes (restart (S))" in said and "withdraw them first" in said
    assert read_journal(session.journal.path).events == before  # nothing was written
    assert statuses(session)["restart"] == StepStatus.DONE_NO_TARGET  # still counted
    session.decide("where", "stay", "P")  # an option that rules it out of nothing is fine
    assert statuses(session)["restart"] == StepStatus.DONE_NO_TARGET
    session.reopen_step("where")
    session.reopen_step("restart")
    session.decide("where", "paper", "P")  # once withdrawn, the choice stands, and says so in the record
    assert statuses(session)["restart"] == StepStatus.NOT_APPLICABLE
    session.close()


def test_comparisons_are_like_with_like_and_say_the_conditions(tmp_path, capsys):
    """An office-hours drill is never compared with an out-of-hours one: trend, the report's
    comparison and tally --drills keep them apart and say the conditions; two drills on one day
    are told apart by their start time."""
    from bcp_drill.cli import main

    clock = FakeClock()
    store = make_store(tmp_path, clock)
    ids = {}
    for name, hours in (("office", "office"), ("night1", "off_hours"), ("night2", "off_hours")):
        clock.advance(hours=2)
        session = DrillSession.start(store, plan_source(), "tabletop", conditions={"hours": hours})
        clock.advance(minutes=10 if name != "night2" else 50)
        session.complete_step("safety", "P")
        session.end()
        session.close()
        ids[name] = session.record_id

    def run(*args):
        code = main([*args, "--records", str(store.root), "--content", str(DATA / "plan"), "--lang", "en"])
        return code, capsys.readouterr()

    code, out = run("trend", "plan-quake")
    assert code == 0
    assert "trend over 2 drills" in out.out
    assert f"Drill {ids['office']} played other conditions (Time of occurrence: Office hours" in out.out
    assert "Every drill compared here played the same conditions: Time of occurrence: Out of hours" in out.out
    header = next(line for line in out.out.splitlines() if line.startswith("Step"))
    assert re.search(r"2026-11-25 \d\d:\d\d .*2026-11-25 \d\d:\d\d", header), header  # one day: told apart by time
    code, out = run("report", ids["night2"], "--format", "md")
    assert code == 0 and ids["night1"] in out.out and f"Drill {ids['office']} played other conditions" in out.out
    code, out = run("tally", "--drills", "--format", "csv")
    rows = [line.split(",") for line in out.out.splitlines()]
    header = next(r for r in rows if r and r[0].lstrip("\ufeff") == "Scenario")
    assert "Conditions" in header
    scenario_rows = [r for r in rows[rows.index(header) + 1:] if r and r[0].startswith("Earthquake")]
    assert len(scenario_rows) == 2 and sorted(r[header.index("Drills")] for r in scenario_rows) == ["1", "2"]


def test_the_timeline_says_a_step_had_no_target_once(tmp_path):
    from bcp_drill.drill.wording import timeline_lines

    session, clock = start(tmp_path)
    clock.advance(minutes=4)
    session.decide("where", "paper", "P")  # enables paper-forms, which has no target
    session.complete_step("paper-forms", "P")
    events = read_journal(session.journal.path).events
    for lang, words in (("en", "Done Hand out paper forms (P, no target)"),
                        ("ja", "完了 紙の様式を配布（P、目標なし）")):
        lines = [line.text for line in timeline_lines(session.state, events, Translator(lang))]
        assert words in lines

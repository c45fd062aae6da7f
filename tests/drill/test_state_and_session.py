"""The drill state is a pure function of the events; the session writes them durably."""

from bcp_drill.drill.counts import StepStatus
from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.state import DrillState
from bcp_drill.errors import SessionRefused
from bcp_drill.records import events as ev
from bcp_drill.records.journal import read_journal
from support.drills import FakeClock, make_store, mini_library


def start(tmp_path, clock=None):
    clock = clock or FakeClock()
    library = mini_library()
    store = make_store(tmp_path, clock)
    session = DrillSession.start(store, library.scenarios["mini"], "tabletop", place="本庁舎 3F",
                                 participants=[ev.Participant(name="山田", role="lead")])
    return session, store, clock, library


def test_start_pins_the_scenario(tmp_path):
    session, store, _, library = start(tmp_path)
    first = session.journal.events[0]
    assert isinstance(first, ev.DrillStarted)
    assert first.scenario_id == "mini" and first.scenario_version == "1.0"
    assert first.scenario_sha256 == library.scenarios["mini"].sha256
    assert first.participants[0].name == "山田"
    assert session.record_id.endswith("-mini")


def test_clock_pause_resume_and_advance(tmp_path):
    session, _, clock, _ = start(tmp_path)
    clock.advance(seconds=90)
    assert session.elapsed() == 90
    session.pause()
    clock.advance(minutes=10)
    assert session.elapsed() == 90  # paused time does not count
    session.resume_clock()
    clock.advance(seconds=30)
    assert session.elapsed() == 120
    assert session.advance_to_next_phase()  # tabletop jump to the 10-minute checkpoint
    assert session.elapsed() == 600
    clock.advance(seconds=5)
    assert session.elapsed() == 605
    assert not session.advance_to_next_phase()  # no later phase


def test_step_statuses_follow_the_target_times(tmp_path):
    session, _, clock, _ = start(tmp_path)
    state = session.state
    assert state.status("s1", clock()) == StepStatus.DUE  # target T+5, due within 5 minutes
    assert state.status("s2", clock()) == StepStatus.UPCOMING
    clock.advance(minutes=4)
    session.complete_step("s1", "S")
    assert state.status("s1", clock()) == StepStatus.DONE_ON_TIME
    clock.advance(minutes=17)  # T+21, s2's target was T+20
    assert state.status("s2", clock()) == StepStatus.OVERDUE
    session.complete_step("s2", "M")
    assert state.status("s2", clock()) == StepStatus.DONE_LATE
    assert state.late_by_seconds(state.steps["s2"]) == 60


def test_corrections_are_new_events(tmp_path):
    session, _, clock, _ = start(tmp_path)
    session.complete_step("s1", "P")
    session.step_not_done("s1", "担当者不在")
    assert session.state.steps["s1"].outcome == "not_done"
    session.reopen_step("s1")
    assert session.state.steps["s1"].outcome is None
    note = session.add_note("誤記", "s1")
    session.retract_note(note.seq, "wrong step")
    assert session.state.notes_for("s1") == []
    types = [e.type for e in read_journal(session.journal.path).events]
    assert types == ["drill_started", "step_completed", "step_not_done", "step_reopened",
                     "note_added", "note_retracted"]


def test_injects_are_delivered_when_due_and_once(tmp_path):
    session, _, clock, _ = start(tmp_path)
    assert session.deliver_due_injects() == []
    clock.advance(minutes=3)
    delivered = session.deliver_due_injects()
    assert [e.inject_id for e in delivered] == ["i1"]
    assert session.deliver_due_injects() == []
    assert session.deliver_inject("i1", manual=True) is None


def test_replaying_the_journal_rebuilds_the_same_state(tmp_path):
    session, store, clock, library = start(tmp_path)
    clock.advance(minutes=2)
    session.toggle_check("s1", 0)
    session.complete_step("s1", "P")
    session.raise_problem("連絡網が古い", "s1", priority="high", owner_organisation="情報政策課")
    session.pause()
    clock.advance(hours=2)  # the process dies while paused
    record_id = session.record_id
    session.close()

    resumed = DrillSession.resume(store, record_id)
    assert resumed.elapsed() == 120
    assert resumed.state.paused
    assert resumed.state.steps["s1"].rating == "P" and resumed.state.steps["s1"].checks == {0}
    assert [p.problem_id for p in resumed.state.problems] == ["P01"]
    assert resumed.state.problems[0].title == "連絡網が古い"


def test_end_with_hotwash(tmp_path):
    session, _, clock, _ = start(tmp_path)
    clock.advance(minutes=30)
    session.record_hotwash("初動が速かった", "連絡先の更新")
    session.end()
    clock.advance(minutes=30)
    assert session.elapsed() == 1800  # the clock stops at the end
    assert session.state.hotwash.strengths == "初動が速かった"


def test_state_from_events_is_pure(tmp_path):
    session, _, clock, library = start(tmp_path)
    clock.advance(minutes=1)
    session.complete_step("s2", "U")
    events = list(session.journal.events)
    one = DrillState.from_events(library.scenarios["mini"].document, events)
    two = DrillState.from_events(library.scenarios["mini"].document, events)
    assert one.steps["s2"].rating == two.steps["s2"].rating == "U"
    assert [one.status(s, clock()) for s in one.steps] == [two.status(s, clock()) for s in two.steps]


def act(session, rng, step, action):
    if action == 0:
        session.complete_step(step, rng.choice("PSMU"))
    elif action == 1:
        session.step_not_done(step, "reason", skipped=rng.random() < 0.5)
    elif action == 2:
        session.reopen_step(step)
    elif action == 3:
        session.add_note(f"note {rng.random():.3f}", step)
    elif action == 4 and session.state.notes:
        session.retract_note(rng.choice(session.state.notes).seq)
    elif action == 5:
        session.toggle_clock()
    elif action == 6:
        session.advance_to_next_phase()
    elif action == 7:
        session.deliver_due_injects()
    elif action == 8:
        session.raise_problem("p", step)
    else:
        session.toggle_check(step, 0)  # s2 has no sub-check: refused


def test_random_sessions_replay_to_the_same_state(tmp_path):
    """Whatever order actions come in, replaying the journal gives exactly the live state."""
    import random

    from bcp_drill.records.journal import read_journal

    for seed in range(20):
        rng = random.Random(seed)
        session, store, clock, library = start(tmp_path / str(seed))
        for _ in range(40):
            clock.advance(seconds=rng.randint(0, 400))
            step = rng.choice(["s1", "s2"])
            action = rng.randrange(10)
            written = len(session.journal.events)
            try:
                act(session, rng, step, action)
            except SessionRefused:
                assert len(session.journal.events) == written  # a refusal writes nothing
        events = read_journal(session.journal.path).events
        replayed = DrillState.from_events(library.scenarios["mini"].document, events)
        live = session.state
        now = clock()
        assert replayed.elapsed_seconds(now) == live.elapsed_seconds(now), seed
        assert replayed.paused == live.paused
        for step_id in ("s1", "s2"):
            a, b = replayed.steps[step_id], live.steps[step_id]
            assert (a.outcome, a.rating, a.elapsed_seconds, a.reason, a.checks) == (
                b.outcome, b.rating, b.elapsed_seconds, b.reason, b.checks), seed
        assert [(n.seq, n.withdrawn) for n in replayed.notes] == [(n.seq, n.withdrawn) for n in live.notes]
        assert [p.problem_id for p in replayed.problems] == [p.problem_id for p in live.problems]
        assert set(replayed.delivered) == set(live.delivered)
        session.close()


def test_a_sub_check_that_does_not_exist_is_refused(tmp_path):
    import pytest

    session, _, _, _ = start(tmp_path)
    with pytest.raises(SessionRefused):
        session.toggle_check("s2", 0)  # s2 of the mini scenario has no sub-checks
    assert [e.type for e in session.journal.events] == ["drill_started"]


def test_every_drill_event_type_changes_the_state_through_a_handler():
    """A new drill event type without a handler would be dropped silently on replay."""
    import typing

    from bcp_drill.drill.state import _HANDLERS

    union = typing.get_args(typing.get_args(ev.Event)[0])
    review_or_followup = {ev.ReviewStarted, ev.ItemRated, ev.ItemRatingCleared, ev.AssessmentRecorded,
                          ev.EvidenceRecorded, ev.ReviewFinished, ev.ReviewReopened, ev.FollowUpUpdated}
    assert set(union) - review_or_followup == set(_HANDLERS)

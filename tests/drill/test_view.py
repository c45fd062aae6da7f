"""The drill read model: what every screen and report states about a drill, from its record."""

from datetime import timedelta

import pytest

from bcp_drill.drill.counts import StepStatus, format_percent
from bcp_drill.drill.view import DrillView
from bcp_drill.drill.wording import progress_text, timeline_lines
from bcp_drill.i18n import Translator
from bcp_drill.records.journal import read_journal
from support.drills import started_mini_drill


@pytest.fixture
def drill(tmp_path):
    session, store, clock = started_mini_drill(tmp_path)
    yield session, store, clock
    session.close()


def view_of(session) -> DrillView:
    return DrillView(session.state, session.now())


def test_a_step_rated_u_is_not_done_and_not_on_time(drill):
    session, _, clock = drill
    clock.advance(minutes=2)
    session.complete_step("s1", "U")  # attempted in time, unable to perform
    view = view_of(session)
    assert view.step("s1").status == StepStatus.UNABLE
    assert view.step("s1").late_minutes is None
    counts = view.figures.overall
    assert (counts.done, counts.on_time, counts.not_done, counts.pending) == (0, 0, 1, 1)
    assert counts.ratings["U"] == 1
    assert counts.on_time_rate == 0.0  # attempted once, never done on time
    assert progress_text(view, Translator("en")) == "done 0/2, not done 1, skipped 0"


def test_done_counts_only_steps_done_and_skipped_steps_stay_out_of_the_rate(drill):
    session, _, clock = drill
    clock.advance(minutes=4)
    session.complete_step("s1", "S")
    session.step_not_done("s2", "out of scope", skipped=True)
    counts = view_of(session).figures.overall
    assert (counts.done, counts.skipped, counts.attempted) == (1, 1, 1)
    assert format_percent(counts.on_time_rate) == "100%"
    assert view_of(session).open_steps == []


def test_an_objective_counts_a_step_not_done_as_u_and_names_the_step(drill):
    session, _, clock = drill
    clock.advance(minutes=3)
    session.complete_step("s1", "P")
    session.step_not_done("s2", "no key to the server room")
    [result] = view_of(session).objectives
    assert (result.rating, result.derived) == ("U", "U")
    assert result.decided_by.step_id == "s2" and result.decided_by.basis == "not_done"
    assert [c.rating for c in result.contributions] == ["P", "U"]


def test_an_objective_is_provisional_while_steps_are_open_and_u_for_steps_never_done(drill):
    session, _, clock = drill
    clock.advance(minutes=3)
    session.complete_step("s1", "S")
    [running] = view_of(session).objectives
    assert (running.rating, running.provisional) == ("S", True)  # s2 has no outcome yet
    session.end()
    [ended] = view_of(session).objectives
    assert (ended.rating, ended.provisional) == ("U", False)
    assert ended.decided_by.step_id == "s2" and ended.decided_by.basis == "not_performed"


def test_a_skipped_step_does_not_count_for_its_objective(drill):
    session, _, _ = drill
    session.complete_step("s1", "M")
    session.step_not_done("s2", "not part of this drill", skipped=True)
    [result] = view_of(session).objectives
    assert result.rating == "M" and result.decided_by.step_id == "s1"
    assert result.contributions[1].basis == "skipped" and result.contributions[1].rating is None


def test_an_evaluator_override_replaces_the_rating_and_keeps_the_derived_one(drill):
    session, _, _ = drill
    session.complete_step("s1", "P")
    session.step_not_done("s2", "vendor did not answer")
    session.end()
    session.rate_objective("o1", "M", "the vendor is outside the drill's scope")
    [result] = view_of(session).objectives
    assert (result.rating, result.derived) == ("M", "U")
    assert result.override.reason == "the vendor is outside the drill's scope"
    session.rate_objective("o1", None, "withdrawn after the debrief")
    [result] = view_of(session).objectives
    assert (result.rating, result.override) == ("U", None)


def test_the_timeline_strikes_withdrawn_notes_and_corrected_outcomes(drill):
    session, _, clock = drill
    t = Translator("en")
    note = session.add_note("rack 3 on fire", "s1")
    clock.advance(minutes=1)
    session.complete_step("s1", "P")
    session.retract_note(note.seq, "it was rack 4")
    session.reopen_step("s1")
    session.complete_step("s1", "S")
    events = read_journal(session.journal.path).events
    entries = {e.seq: e for e in timeline_lines(session.state, events, t)}
    assert entries[note.seq].struck and "withdrawn by #" in entries[note.seq].correction
    assert "it was rack 4" in entries[note.seq].correction
    first_outcome = next(e for e in events if e.type == "step_completed")
    last_outcome = [e for e in events if e.type == "step_completed"][-1]
    assert entries[first_outcome.seq].struck and "corrected by #" in entries[first_outcome.seq].correction
    assert not entries[last_outcome.seq].struck  # what stands is not struck
    assert view_of(session).notes("s1") == []


def test_the_timeline_of_a_replayed_record_matches_the_live_one(drill):
    session, _, clock = drill
    t = Translator("ja")
    session.add_note("a", "s1")
    clock.advance(seconds=30)
    session.pause()
    clock.advance(minutes=5)
    session.resume_clock()
    session.complete_step("s1", "S")
    live = [(e.seq, e.elapsed_seconds, e.kind) for e in timeline_lines(session.state, session.journal.events, t)]
    assert live[-1] == (5, 30, "step")  # paused time does not count
    assert clock() - session.journal.events[0].at == timedelta(minutes=5, seconds=30)

"""The sessions are the one place that decides what may be written; a refusal writes nothing."""

from datetime import date

import pytest

from bcp_drill.drill.session import DrillSession
from bcp_drill.errors import RecordClosed, SessionRefused
from bcp_drill.followups.update import find_followup, update_followup
from bcp_drill.records.journal import read_journal
from bcp_drill.records.values import FOLLOWUP_STATUSES, HSEEP_RATINGS, FollowUpStatus, HseepRating
from bcp_drill.review.session import ReviewSession
from support.drills import FakeClock, make_store, mini_library, started_mini_drill


@pytest.fixture
def drill(tmp_path):
    session, store, clock = started_mini_drill(tmp_path)
    yield session, store, clock
    session.close()


@pytest.fixture
def review(tmp_path):
    library = mini_library()
    store = make_store(tmp_path, FakeClock())
    session = ReviewSession.start(store, library.checklists["mini-review"],
                                  library.scale_of(library.checklist("mini-review")), fiscal_year_value=2026)
    yield session, store
    session.close()


def written(session) -> list[str]:
    return [e.type for e in read_journal(session.journal.path).events]


def test_an_ended_drill_refuses_every_record_but_an_evaluation(drill):
    session, _, clock = drill
    note = session.add_note("before the end", "s1")
    session.complete_step("s1", "P")
    session.end()
    before = written(session)
    refused = [
        lambda: session.complete_step("s2", "S"),
        lambda: session.step_not_done("s2", "no staff"),
        lambda: session.reopen_step("s1"),
        lambda: session.toggle_check("s1", 0),
        lambda: session.add_note("late note", "s1"),
        lambda: session.add_note("late drill note"),
        lambda: session.retract_note(note.seq),
        lambda: session.raise_problem("late problem", "s1"),
        lambda: session.deliver_inject("i1", manual=True),
        lambda: session.pause(),
        lambda: session.advance_to_next_phase(),
        lambda: session.record_hotwash("a", "b"),
    ]
    for attempt in refused:
        with pytest.raises(RecordClosed) as caught:
            attempt()
        assert caught.value.code == "drill_ended"
    assert session.deliver_due_injects() == []  # nothing arrives after the end
    assert written(session) == before
    # Evaluation may follow the drill: an evaluator's rating is still taken, with a reason.
    session.rate_objective("o1", "M", "the call-in list was out of date")
    assert written(session)[-1] == "objective_rated"


@pytest.mark.parametrize("attempt, code", [
    (lambda s: s.complete_step("nope", "P"), "unknown_step"),
    (lambda s: s.complete_step("s1", "A"), "unknown_rating"),
    (lambda s: s.step_not_done("s1", "   "), "reason_required"),
    (lambda s: s.reopen_step("s1"), "no_outcome_to_withdraw"),
    (lambda s: s.toggle_check("s2", 0), "unknown_check"),
    (lambda s: s.add_note(" ", "s1"), "text_required"),
    (lambda s: s.retract_note(99), "unknown_note"),
    (lambda s: s.raise_problem("", "s1"), "title_required"),
    (lambda s: s.raise_problem("x", "s1", category="money"), "unknown_choice"),
    (lambda s: s.deliver_inject("i9"), "unknown_inject"),
    (lambda s: s.rate_objective("o9", "P", "why"), "unknown_objective"),
    (lambda s: s.rate_objective("o1", "P", " "), "reason_required"),
    (lambda s: s.rate_objective("o1", None, "why"), "no_override_to_withdraw"),
])
def test_a_write_the_rules_do_not_allow_is_refused_with_its_reason(drill, attempt, code):
    session, _, _ = drill
    with pytest.raises(SessionRefused) as caught:
        attempt(session)
    assert caught.value.code == code
    assert written(session) == ["drill_started"]


def test_a_note_is_withdrawn_once(drill):
    session, _, _ = drill
    note = session.add_note("wrong step", "s1")
    session.retract_note(note.seq, "typo")
    with pytest.raises(SessionRefused) as caught:
        session.retract_note(note.seq)
    assert caught.value.code == "note_already_withdrawn"
    withdrawn = session.state.note(note.seq)
    assert withdrawn.withdrawn is not None and withdrawn.withdrawn.reason == "typo"
    assert session.state.notes_for("s1") == []


def test_a_finished_review_refuses_changes_until_reopened(review):
    session, _ = review
    session.rate("a1", "status", "continuing-on-target")
    session.finish()
    before = written(session)
    for attempt in (lambda: session.rate("a1", "status", "finished-abolished"),
                    lambda: session.clear("a1"),
                    lambda: session.assess("a1", "text"),
                    lambda: session.record_evidence("a1", "text"),
                    lambda: session.raise_problem("late", "a1")):
        with pytest.raises(RecordClosed) as caught:
            attempt()
        assert caught.value.code == "review_finished"
    assert written(session) == before
    session.reopen()
    session.rate("a1", "status", "finished-abolished")
    assert written(session)[-2:] == ["review_reopened", "item_rated"]


def test_review_refuses_unknown_items_and_options(review):
    session, _ = review
    with pytest.raises(SessionRefused, match="unknown_item"):
        session.rate("zz", "status", "continuing-on-target")
    with pytest.raises(SessionRefused, match="unknown_option"):
        session.rate("a1", "status", "great")
    assert written(session) == ["review_started"]


def test_a_follow_up_is_done_only_with_evidence_or_an_explicit_no(drill):
    session, store, _ = drill
    session.raise_problem("old contact list", "s1", due=date(2027, 3, 31))
    followup_id = f"{session.record_id}/P01"
    with pytest.raises(SessionRefused) as caught:
        update_followup(store, followup_id, status="done")
    assert caught.value.code == "evidence_required"
    with pytest.raises(SessionRefused, match="unknown_value"):
        update_followup(store, followup_id, status="finished")
    with pytest.raises(SessionRefused, match="followup_not_found"):
        update_followup(store, f"{session.record_id}/P09", status="open")
    assert not (store.root / "followups.jsonl").exists()  # nothing was written by a refusal
    event = update_followup(store, followup_id, priority="high", closed_without_evidence=True)
    assert not event.closed_without_evidence  # nothing was closed by this change
    event = update_followup(store, followup_id, status="done", closed_without_evidence=True)
    assert event.closed_without_evidence
    assert find_followup(store, followup_id).status == "done"
    update_followup(store, followup_id, status="open")
    event = update_followup(store, followup_id, status="done", closure_evidence="新しい連絡先一覧 2027-01")
    assert not event.closed_without_evidence  # evidence given: no "without" flag


def test_the_value_lists_are_derived_from_the_event_types():
    from typing import get_args

    assert HSEEP_RATINGS == get_args(HseepRating) == ("P", "S", "M", "U")
    assert FOLLOWUP_STATUSES == get_args(FollowUpStatus)
    from bcp_drill.drill.ratings import RATINGS

    assert RATINGS is HSEEP_RATINGS


def test_an_observation_names_a_known_objective_and_may_follow_the_end(drill):
    session, _, clock = drill
    with pytest.raises(SessionRefused) as refused:
        session.record_observation("improvement", "  ")
    assert refused.value.code == "observation_required"
    with pytest.raises(SessionRefused) as refused:
        session.record_observation("improvement", "slow call-in", objective_id="o9")
    assert refused.value.code == "unknown_objective"
    with pytest.raises(SessionRefused):
        session.record_observation("praise", "good")
    session.end()
    clock.advance(minutes=30)  # evaluators write up after the hotwash
    seen = session.record_observation("improvement", "slow call-in ", objective_id="o1", capability="organisation",
                                      analysis="the list was old", recommendation="update it every April")
    assert (seen.objective_id, seen.capability, seen.observation) == ("o1", "organisation", "slow call-in")
    assert written(session)[-2:] == ["drill_ended", "observation_recorded"]
    assert [o.analysis for o in session.state.observations] == ["the list was old"]


def test_a_follow_up_is_found_by_its_short_id_when_one_record_has_it(drill):
    session, store, clock = drill
    session.raise_problem("old contact list", "s1")
    session.raise_problem("no spare UPS", "s1")
    assert find_followup(store, "P02").id == f"{session.record_id}/P02"
    clock.advance(minutes=5)
    other = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    other.raise_problem("a second P01", "s1")
    with pytest.raises(SessionRefused) as caught:
        update_followup(store, "P01", status="open")
    assert caught.value.code == "followup_ambiguous"
    assert caught.value.params["ids"] == f"{session.record_id}/P01, {other.record_id}/P01"
    with pytest.raises(SessionRefused, match="followup_not_found"):
        find_followup(store, "P07")
    assert update_followup(store, "P02", priority="high").followup_id == f"{session.record_id}/P02"
    other.close()


def test_a_problem_starts_on_the_wall_clocks_day(tmp_path):
    """Raised at 20:00 UTC on 30 November, it is 05:00 on 1 December in Japan: its start date."""
    from datetime import datetime, timezone

    from bcp_drill import wallclock

    wallclock.use_zone(wallclock.JST)  # (conftest puts UTC back)
    clock = FakeClock(datetime(2026, 11, 30, 20, 0, tzinfo=timezone.utc))
    session = DrillSession.start(make_store(tmp_path, clock), mini_library().scenarios["mini"], "tabletop")
    assert session.raise_problem("UPS alarm", "s1").start == date(2026, 12, 1)
    session.close()

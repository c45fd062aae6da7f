"""Drills as readiness evidence: drills recorded through DrillSession, then a review of the shipped
readiness checklist proposes their results and a rating; only the reviewer's accept writes."""

from datetime import datetime, timezone

import pytest

from bcp_drill.content.library import ContentLibrary
from bcp_drill.drill.counts import StepStatus
from bcp_drill.drill.session import DrillSession
from bcp_drill.i18n import Translator
from bcp_drill.records import events as ev
from bcp_drill.review.evidence import (
    ACHIEVED,
    NOT_ACHIEVED,
    PARTIAL,
    accept,
    evidence_text,
    session_proposals,
    suggested_text,
)
from bcp_drill.review.session import ReviewSession
from conftest import REPO
from support.drills import FakeClock, make_store

R8_DRILL = datetime(2026, 6, 10, 1, 0, tzinfo=timezone.utc)  # 令和8年度
R7_DRILL = datetime(2025, 9, 1, 1, 0, tzinfo=timezone.utc)  # 令和7年度


@pytest.fixture(scope="module")
def library():
    return ContentLibrary.load([REPO / "scenarios", REPO / "checklists"], cwd=REPO)


def callin_drill(store, clock, library, s03_minutes, s03_rating="P", followup="P", end=True):
    """The safety-callin drill: s01 on time, s03 at S03_MINUTES rated S03_RATING, s04 and s05 FOLLOWUP."""
    session = DrillSession.start(store, library.scenarios["safety-callin-drill"], "functional")
    clock.advance(minutes=2)
    session.complete_step("s01", "P")
    session.complete_step("s02", "P")
    clock.advance(minutes=s03_minutes - 2)
    session.complete_step("s03", s03_rating)
    session.complete_step("s04", followup)
    session.complete_step("s05", followup)
    session.complete_step("s06", "P")
    if end:
        session.end()
    session.close()
    return session.record_id


def readiness_review(store, library, year=2026):
    checklist = library.checklist("ict-bcp-readiness")
    return ReviewSession.start(store, library.checklists["ict-bcp-readiness"], library.scale_of(checklist),
                               fiscal_year_value=year, reviewer="reviewer")


def test_the_shipped_checklist_names_drill_steps_and_objectives_that_exist(library):
    checklist = library.checklist("ict-bcp-readiness")
    call_in = checklist.item("org.call-in")
    assert [(e.scenario, e.step) for e in call_in.evidence_from][0] == ("safety-callin-drill", "s03")
    assert library.warnings == [] and library.problems == []
    linked = {i.id for i in checklist.all_items() if i.evidence_from}
    assert {"org.call-in", "site.server-room", "pwr.emergency-power", "sys.priority-work"} <= linked


def test_a_drill_done_on_time_proposes_done_and_nothing_is_written_until_accepted(tmp_path, library):
    clock = FakeClock(R8_DRILL)
    store = make_store(tmp_path, clock)
    record = callin_drill(store, clock, library, s03_minutes=25)
    review = readiness_review(store, library)
    proposals = session_proposals(store, review)
    call_in = proposals["org.call-in"]
    [callin, quake] = call_in.findings
    assert callin.result is not None and callin.result.record_id == record and callin.in_year
    assert callin.result.status is StepStatus.DONE_ON_TIME and callin.result.rating == "P"
    assert callin.result.held_on.isoformat() == "2026-06-10"
    assert quake.result is None and quake.grade is None  # no earthquake drill held: no evidence, no penalty
    assert call_in.grade == ACHIEVED and call_in.suggested == {"status": "done"}
    assert proposals["org.safety-confirmation"].suggested == {"status": "done"}  # both objectives P
    assert proposals["site.server-room"].has_evidence is False and proposals["site.server-room"].suggested == {}
    t = Translator("en")
    assert suggested_text(call_in, review.scale, t) == "Status: Done"
    text = evidence_text(call_in, t)
    assert "safety-callin-drill s03 Tally answers at 30 minutes" in text and record in text
    assert "2026-06-10" in text and "[v]" in text
    # A proposal is never a rating by itself: only the review's first event is in the journal.
    assert [e.type for e in review.journal.events] == ["review_started"]
    assert review.state.items["org.call-in"].ratings == {}
    written = accept(review, call_in, t)
    assert [type(e) for e in written] == [ev.ItemRated, ev.EvidenceRecorded]
    assert review.state.items["org.call-in"].ratings == {"status": "done"}
    assert review.state.items["org.call-in"].evidence == text
    assert accept(review, call_in, t) == []  # accepted twice: nothing more is written
    review.close()
    # What was written is the reviewer's act, read back from the record.
    reopened = ReviewSession.resume(store, review.record_id)
    assert reopened.state.items["org.call-in"].ratings == {"status": "done"}
    assert reopened.state.items["org.call-in"].evidence == text
    reopened.close()


def test_a_rejected_proposal_writes_nothing_and_the_reviewer_rates_as_they_judge(tmp_path, library):
    clock = FakeClock(R8_DRILL)
    store = make_store(tmp_path, clock)
    callin_drill(store, clock, library, s03_minutes=25)
    review = readiness_review(store, library)
    proposal = session_proposals(store, review)["org.call-in"]
    assert proposal.suggested == {"status": "done"}
    review.rate("org.call-in", "status", "partly")  # the reviewer changes it
    assert review.state.items["org.call-in"].ratings == {"status": "partly"}
    assert review.state.items["org.call-in"].evidence == ""
    assert [e.type for e in review.journal.events] == ["review_started", "item_rated"]
    review.close()


def test_late_or_challenged_steps_propose_partly_and_unable_proposes_not_done(tmp_path, library):
    clock = FakeClock(R8_DRILL)
    store = make_store(tmp_path, clock)
    callin_drill(store, clock, library, s03_minutes=40, followup="U")  # s03 late; s04, s05 unable
    review = readiness_review(store, library)
    proposals = session_proposals(store, review)
    late = proposals["org.call-in"].findings[0]
    assert late.result.status is StepStatus.DONE_LATE and late.grade == PARTIAL
    assert proposals["org.call-in"].suggested == {"status": "partly"}
    safety = proposals["org.safety-confirmation"]  # obj-response P (s01 P, s03 P late), obj-followup U
    assert [f.grade for f in safety.findings] == [ACHIEVED, NOT_ACHIEVED]
    assert safety.grade == NOT_ACHIEVED and safety.suggested == {"status": "not-done"}
    review.close()


def test_the_newest_drill_of_the_year_counts_and_an_earlier_years_drill_is_at_best_partly(tmp_path, library):
    clock = FakeClock(R7_DRILL)
    store = make_store(tmp_path, clock)
    old = callin_drill(store, clock, library, s03_minutes=25)
    review = readiness_review(store, library)  # 令和8年度, with only a 令和7年度 drill
    finding = session_proposals(store, review)["org.call-in"].findings[0]
    assert finding.result.record_id == old and not finding.in_year and finding.grade == PARTIAL
    assert "earlier fiscal year" in evidence_text(session_proposals(store, review)["org.call-in"], Translator("en"))
    clock.now = R8_DRILL
    callin_drill(store, clock, library, s03_minutes=40, s03_rating="M")
    clock.advance(days=30)
    newest = callin_drill(store, clock, library, s03_minutes=20)
    clock.advance(days=1)
    callin_drill(store, clock, library, s03_minutes=50, end=False)  # under way: not settled, not used
    proposal = session_proposals(store, review)["org.call-in"]
    assert proposal.findings[0].result.record_id == newest and proposal.suggested == {"status": "done"}
    # A review of 令和7年度 never takes a later year's drill.
    earlier_review = readiness_review(store, library, year=2025)
    assert session_proposals(store, earlier_review)["org.call-in"].findings[0].result.record_id == old
    review.close()
    earlier_review.close()


def test_a_finished_review_refuses_an_accept_and_writes_nothing(tmp_path, library):
    from bcp_drill.errors import RecordClosed

    clock = FakeClock(R8_DRILL)
    store = make_store(tmp_path, clock)
    callin_drill(store, clock, library, s03_minutes=25)
    review = readiness_review(store, library)
    proposal = session_proposals(store, review)["org.call-in"]
    review.finish()
    with pytest.raises(RecordClosed):
        accept(review, proposal, Translator("ja"))
    assert [e.type for e in review.journal.events] == ["review_started", "review_finished"]
    review.close()


def test_evidence_lines_naming_what_the_scenario_lacks_are_warned_at_their_line(tmp_path):
    shipped = (REPO / "checklists" / "ict-bcp-readiness.yaml").read_text(encoding="utf-8")
    folder = tmp_path / "checklists"
    folder.mkdir()
    changed = shipped.replace("safety-callin-drill, step: s03}", "safety-callin-drill, step: s33}")
    changed = changed.replace("{scenario: earthquake-offhours, step: s06}", "{scenario: earthquake-ofhours, step: s06}")
    (folder / "ict-bcp-readiness.yaml").write_text(changed, encoding="utf-8")
    library = ContentLibrary.load([REPO / "scenarios", folder], cwd=tmp_path)
    assert library.problems == [] and "ict-bcp-readiness" in library.checklists  # still reviewed
    t = Translator("en")
    said = sorted(w.render(t) for w in library.warnings)
    line_s33 = next(n for n, text in enumerate(changed.splitlines(), 1) if "s33" in text)
    line_quake = next(n for n, text in enumerate(changed.splitlines(), 1) if "earthquake-ofhours" in text)
    assert any(f"ict-bcp-readiness.yaml:{line_s33}:" in w and "step 's33' is not in scenario safety-callin-drill" in w
               and "did you mean 's03'" in w for w in said), said
    assert any(f"ict-bcp-readiness.yaml:{line_quake}:" in w and "earthquake-ofhours" in w
               and "did you mean 'earthquake-offhours'" in w for w in said), said
    # Checked on its own (no scenario loaded), the checklist is not warned about.
    alone = ContentLibrary.load([folder], cwd=tmp_path)
    assert alone.warnings == [] and alone.problems == []


def test_a_line_naming_both_a_step_and_an_objective_is_refused_at_its_line(tmp_path):
    shipped = (REPO / "checklists" / "ict-bcp-readiness.yaml").read_text(encoding="utf-8")
    folder = tmp_path / "checklists"
    folder.mkdir()
    both = shipped.replace("{scenario: earthquake-offhours, step: s04}]",
                           "{scenario: earthquake-offhours, step: s04, objective: obj-assess}]", 1)
    (folder / "r.yaml").write_text(both, encoding="utf-8")
    library = ContentLibrary.load([folder], cwd=tmp_path)
    [problem] = library.problems
    assert "name a step or an objective, not both" in problem.render(Translator("en"))
    assert problem.line is not None and "obj-assess" in both.splitlines()[problem.line - 1]

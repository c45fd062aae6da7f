"""A fixed drill and a fixed review, hostile text included, for report and export tests."""

from datetime import date, timedelta

from drill_support import DATA, FakeClock, make_store

from bcp_drill.content.library import ContentLibrary
from bcp_drill.drill.session import DrillSession
from bcp_drill.records import events as ev
from bcp_drill.review.followups import update_followup
from bcp_drill.review.session import ReviewSession

HOSTILE = "<script>alert('x')</script> & =SUM(A1)"


def fixed_records(tmp_path):
    """Two drills of the mini scenario (for a trend) and one review; returns (store, drill, review)."""
    clock = FakeClock()
    store = make_store(tmp_path, clock, recorder="山田")
    library = ContentLibrary.load([DATA / "content"], cwd=DATA)
    drill_ids = []
    for minutes_s1, minutes_s2 in ((6, 25), (4, 18)):
        started = clock.now
        drill = DrillSession.start(store, library.scenarios["mini"], "tabletop", place="本庁舎 3F",
                                   participants=[ev.Participant(name="山田 太郎", role="lead", organisation="情報政策課"),
                                                 ev.Participant(name=HOSTILE, role="player")])
        clock.now = started + timedelta(minutes=3)
        drill.deliver_due_injects()
        clock.now = started + timedelta(minutes=minutes_s1)
        drill.complete_step("s1", "S")
        drill.add_note("連絡網 | 2名不通", "s1")
        clock.now = started + timedelta(minutes=minutes_s2)
        drill.complete_step("s2", "P")
        drill.raise_problem(HOSTILE, "s1", description="+cmd|' /C calc'!A0", priority="high",
                            owner_organisation="情報政策課", due=date(2027, 3, 31))
        drill.record_hotwash("初動が速い", "連絡先の更新")
        drill.end()
        drill.close()
        drill_ids.append(drill.record_id)
        clock.advance(days=30)
    update_followup(store, f"{drill_ids[-1]}/P01", status="in_progress", corrective_action="@連絡網を更新")
    review = ReviewSession.start(store, library.checklists["mini-review"],
                                 library.scale_of(library.checklist("mini-review")), fiscal_year_value=2026,
                                 organisation="多治見市 情報政策課")
    review.rate("a1", "status", "continuing-on-target")
    review.rate("a1", "carryover", "same-scale")
    review.rate("a2", "status", "finished-abolished")
    review.rate("a2", "carryover", "abolish")
    review.assess("a1", "⇒ 毎年度確認している。\n=HYPERLINK(\"http://x\")")
    review.record_evidence("a1", "評価表 <2026>")
    review.record_evidence("a2", "=HYPERLINK(\"http://evil\")")
    review.raise_problem("ホームページの鮮度", "a1", owner_organisation="広報課", due=date(2027, 3, 31))
    review.close()
    return store, drill_ids[-1], review.record_id

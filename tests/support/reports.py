"""A fixed drill and a fixed review, hostile text included, for report and export tests."""

from datetime import date, timedelta

from bcp_drill.content.library import ContentLibrary
from bcp_drill.drill.session import DrillSession
from bcp_drill.followups.update import update_followup
from bcp_drill.records import events as ev
from bcp_drill.review.session import ReviewSession
from support.drills import DATA, FakeClock, make_store

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
                                   participants=[
                                       ev.Participant(name="山田 太郎", role="lead", organisation="情報政策課"),
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


def earthquake_drilled_twice(tmp_path, repo):
    """The shipped earthquake scenario drilled twice, a month apart, as a team would: every step
    that applies recorded, a decision taken, problems raised (one again in the second drill while
    still open), a hotwash. Returns (store, library, [first id, second id])."""
    clock = FakeClock()
    store = make_store(tmp_path, clock, recorder="記録係 佐藤")
    library = ContentLibrary.load([repo / "scenarios"], cwd=repo)
    source = library.scenarios["earthquake-offhours"]
    scenario = source.document
    ids = []
    for drill_number, (slack, ratings) in enumerate(((9, "SMPS"), (3, "PSSP")), 1):
        started = clock.now
        drill = DrillSession.start(store, source, "tabletop", place="本庁舎 4F 会議室", participants=[
            ev.Participant(name="山田 太郎", role="lead", organisation="情報政策課"),
            ev.Participant(name="鈴木 花子", role="player", organisation="情報政策課"),
            ev.Participant(name="田中 一郎", role="player", organisation="総務課"),
            ev.Participant(name="高橋 次郎", role="evaluator", organisation="危機管理課")])
        for index, step in enumerate(scenario.steps):
            if not drill.state.applies(step):
                continue
            target = step.target_minutes if step.target_minutes is not None else 30 * (index + 1)
            clock.now = max(clock.now, started + timedelta(minutes=target + slack * (index % 3) - 4))
            drill.deliver_due_injects()
            rating = ratings[index % len(ratings)]
            if step.options:
                drill.decide(step.id, step.options[-1].id, rating, decided_by="山田 太郎")
            else:
                drill.complete_step(step.id, rating)
        first_step, fourth_step = scenario.steps[0].id, scenario.steps[3].id
        drill.raise_problem("安否確認システムの自動配信が夜間に届かない", first_step, priority="high",
                            corrective_action="配信設定と登録アドレスを見直す", owner_organisation="情報政策課",
                            owner_person="鈴木", due=date(2026, 12, 10))
        drill.raise_problem(f"発電機の燃料補給の連絡先が古い（第{drill_number}回）", fourth_step, priority="high",
                            corrective_action="燃料業者との協定と連絡先を更新する", owner_organisation="管財課",
                            due=date(2027, 1, 31))
        drill.raise_problem("衛星電話の操作に時間がかかった", None, priority="medium",
                            corrective_action="操作手順書を電話機に添付する", owner_organisation="危機管理課")
        drill.record_observation("improvement", "燃料業者に夜間の連絡がつかなかった", objective_id="obj-assess",
                                 capability="equipment", analysis="協定に夜間の窓口がない",
                                 recommendation="協定に夜間の窓口と代替業者を加える")
        drill.record_observation("strength", "衛星電話で本部と連絡を保てた", objective_id="obj-report")
        drill.record_hotwash("参集前に自宅から安否確認を始められた\n本部への第一報が定時に出た\n衛星電話で連絡がついた\n予備の項目",
                             "燃料補給の手配に時間がかかった\n紙様式の保管場所が分からなかった\n基幹システムの確認順が曖昧")
        drill.end()
        drill.close()
        ids.append(drill.record_id)
        if drill_number == 1:
            update_followup(store, f"{drill.record_id}/P02", status="done", closure_evidence="協定を更新（2026-12-01）")
        clock.advance(days=30)
    return store, library, ids

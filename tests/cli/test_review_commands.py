"""tally and followups on the command line, in every format."""

import csv
import io
import json
from datetime import date

import pytest

from bcp_drill.cli import main
from bcp_drill.content.library import ContentLibrary
from bcp_drill.drill.session import DrillSession
from bcp_drill.records import events as ev
from bcp_drill.records.journal import read_journal
from bcp_drill.review.session import ReviewSession
from review.test_tally import SEED_RATINGS
from support.drills import DATA, FakeClock, make_store


@pytest.fixture
def records(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("BCP_DRILL_RECORDER", "山田")
    clock = FakeClock()
    store = make_store(tmp_path, clock, recorder="山田")
    library = ContentLibrary.load([DATA / "content"], cwd=DATA)
    review = ReviewSession.start(store, library.checklists["seed-measures"],
                                 library.scale_of(library.checklist("seed-measures")), fiscal_year_value=2019)
    for pillar, ratings in SEED_RATINGS.items():
        for number, (status, carry) in enumerate(ratings, 1):
            review.rate(f"{pillar}-m{number:02d}", "status", status)
            if f"{pillar}-m{number:02d}" != "p3-m10":
                review.rate(f"{pillar}-m{number:02d}", "carryover", carry)
    review.raise_problem("=HYPERLINK(\"x\")", "p1-m01", owner_organisation="情報政策課", due=date(2020, 3, 31))
    review.close()
    clock.advance(minutes=5)
    drill = DrillSession.start(store, library.scenarios["mini"], "tabletop",
                               participants=[ev.Participant(name="佐藤", role="player")])
    clock.advance(minutes=4)
    drill.complete_step("s1", "P")
    clock.advance(minutes=30)
    drill.complete_step("s2", "S")
    drill.raise_problem("UPS 警報", "s2", priority="high")
    drill.end()
    drill.close()
    return store, review.record_id, drill.record_id


def run(capsys, store, *args):
    code = main([*args, "--records", str(store.root)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_tally_text_has_the_seed_layout_and_flags_unrated(capsys, records):
    store, review_id, _ = records
    code, out, _ = run(capsys, store, "tally", "--lang", "ja", "--zeros", "0")
    assert code == 0
    lines = out.splitlines()
    # The seed's headings: 施策の評価 over 継続中 and 完了・廃止・中止, then 次期計画への引継ぎ.
    assert lines[2].split() == ["施策の評価", "次期計画への引継ぎ", "未評価"]
    assert lines[3].split() == ["継続中", "完了・廃止・中止"]
    from bcp_drill.render.text_table import cell_width

    def column(line: str, word: str) -> int:  # where WORD starts on the terminal
        return cell_width(line[:line.index(word)])

    assert column(lines[3], "継続中") < column(lines[2], "施策の評価") < column(lines[3], "完了・廃止・中止") \
        < column(lines[2], "次期計画への引継ぎ")
    header = lines[4].split()
    assert header[:9] == ["基本施策（柱）", "施策数", "目標以上", "目標通り", "実施中", "変わらず",
                          "目標以上", "目標通り", "廃止・中止"]
    total = next(line for line in lines if line.startswith("合計")).split()
    assert total == ["合計", "30", "2", "17", "4", "1", "0", "6", "0", "2", "22", "0", "5", "0", "1", "OK"]
    # By default (the setting `zeros`: blank), a count of none is left empty, as the seed prints it.
    code, out, _ = run(capsys, store, "tally", "--lang", "ja")
    total = next(line for line in out.splitlines() if line.startswith("合計")).split()
    assert total == ["合計", "30", "2", "17", "4", "1", "6", "2", "22", "5", "1", "OK"]
    assert "[~] p3-m10  施策3-10  (一部評価済み。未評価: 次期計画への引継ぎ)" in out  # rated, but not carried over


def test_tally_csv_is_excel_ready(capsys, records, tmp_path):
    store, review_id, _ = records
    target = tmp_path / "tally.csv"
    code, out, _ = run(capsys, store, "tally", review_id, "--format", "csv", "-o", str(target), "--lang", "ja")
    assert code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    # Two header rows above the labels (not flattened names), each heading over its first column.
    assert rows[0][:3] == ["", "", "施策の評価"] and rows[0][9] == "次期計画への引継ぎ"
    assert rows[1][2] == "継続中" and rows[1][6] == "完了・廃止・中止"
    assert rows[2][:3] == ["基本施策（柱）", "施策数", "目標以上"]
    assert rows[3][:4] == ["(1) にぎわいと活力を創出する情報化", "12", "1", "8"]


def test_tally_json_and_year_filter(capsys, records):
    store, review_id, _ = records
    code, out, _ = run(capsys, store, "tally", "--year", "令和元年度", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["record"] == review_id and data["fiscal_year"] == 2019
    assert data["rows"][-1]["counts"]["status.continuing-on-target"] == 17
    assert data["rows"][-1]["unrated"] == {"carryover": ["p3-m10"]}
    # Labels travel with the codes, so another program can print the same table.
    column = next(c for c in data["columns"] if c["key"] == "status.continuing-on-target")
    assert (column["label"], column["group"], column["supergroup"]) == ("On target", "Continuing", "Status")
    assert (data["section_titles"]["p1"] == "(1) にぎわいと活力を創出する情報化"
            and data["section_titles"][""] == "Total")
    code, _, err = run(capsys, store, "tally", "--year", "R5")
    assert code == 1 and "no review of FY2023 (records folder: " in err
    assert "reviews there: seed-measures (FY2019)" in err
    code, _, err = run(capsys, store, "tally", "--year", "someday")
    assert code == 1 and "cannot read the fiscal year" in err


def test_tally_markdown(capsys, records):
    store, _, _ = records
    code, out, _ = run(capsys, store, "tally", "--format", "md", "--lang", "en", "--zeros", "0")
    assert code == 0
    assert out.startswith("## ")
    assert "| Total | 30 | 2 | 17 | 4 | 1 | 0 | 6 | 0 | 2 | 22 | 0 | 5 | 0 | 1 | OK |" in out


def test_drill_tally(capsys, records):
    store, _, drill_id = records
    code, out, _ = run(capsys, store, "tally", "--drills", "--lang", "en")
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith(drill_id)).split()
    # steps, P S M U, on time, late, not done, skipped, pending, on-time rate, people
    assert row[-12:] == ["2", "1", "1", "0", "0", "1", "1", "0", "0", "0", "50%", "1"]
    assert "Drill participants per fiscal year" in out
    code, out, _ = run(capsys, store, "tally", drill_id, "--format", "json")
    tables = json.loads(out)
    assert [t["title"] for t in tables][1].startswith("Per phase")


def test_followups_list_filters_and_formats(capsys, records):
    store, review_id, drill_id = records
    code, out, _ = run(capsys, store, "followups", "--lang", "en")
    assert code == 0 and "Follow-up list (2 items)" in out
    code, out, _ = run(capsys, store, "followups", "--overdue", "--format", "json")
    [item] = json.loads(out)
    assert item["id"] == f"{review_id}/P01" and item["overdue"] and item["source_ref"] == "p1-m01"
    assert item["source_title"] == "施策1-1"
    code, out, _ = run(capsys, store, "followups", "--source", "mini", "--format", "json")
    assert [i["title"] for i in json.loads(out)] == ["UPS 警報"]
    code, out, _ = run(capsys, store, "followups", "--owner", "情報政策課", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    assert rows[1][1] == "'=HYPERLINK(\"x\")"  # a formula typed by a user is neutralised


def test_followup_update_is_an_event_with_who_and_when(capsys, records):
    store, review_id, _ = records
    followup_id = f"{review_id}/P01"
    code, out, _ = run(capsys, store, "followups", "update", followup_id, "--status", "done",
                       "--evidence", "HP 更新手順を制定", "--due", "2020-06-30")
    assert code == 0 and "updated" in out
    [update] = read_journal(store.path_of("followups")).events
    assert (update.followup_id, update.status, update.closure_evidence, update.due, update.by) == (
        followup_id, "done", "HP 更新手順を制定", date(2020, 6, 30), "山田")
    code, out, _ = run(capsys, store, "followups", "--status", "done", "--format", "json")
    [item] = json.loads(out)
    assert item["status"] == "done" and not item["overdue"] and len(item["history"]) == 1


def test_followup_update_errors(capsys, records):
    store, review_id, _ = records
    code, _, err = run(capsys, store, "followups", "update", "nope/P01", "--status", "done")
    assert code == 1 and "no follow-up 'nope/P01'" in err
    code, _, err = run(capsys, store, "followups", "update", f"{review_id}/P01")
    assert code == 1 and "nothing to change" in err
    code, _, err = run(capsys, store, "followups", "update", f"{review_id}/P01", "--due", "soon")
    assert code == 1 and "Cannot read the date" in err


def test_done_without_evidence_needs_saying_so(capsys, records):
    store, review_id, _ = records
    followup_id = f"{review_id}/P01"
    code, _, err = run(capsys, store, "followups", "update", followup_id, "--status", "done")
    assert code == 1 and "needs closure evidence" in err and "--no-evidence" in err
    assert not store.path_of("followups").exists()
    code, out, _ = run(capsys, store, "followups", "update", followup_id, "--status", "done", "--no-evidence")
    assert code == 0
    [update] = read_journal(store.path_of("followups")).events
    assert update.closed_without_evidence and str(update.seq) in out


def test_one_setting_prints_zeros_the_same_way_in_tally_and_the_review_report(capsys, records, monkeypatch, tmp_path):
    store, review_id, _ = records
    for setting, expected in (("0", "| 合計 | 30 | 2 | 17 | 4 | 1 | 0 | 6 | 0 |"),
                              ("blank", "| 合計 | 30 | 2 | 17 | 4 | 1 |  | 6 |  |")):
        monkeypatch.setenv("BCP_DRILL_ZEROS", setting)
        code, out, _ = run(capsys, store, "tally", "--format", "md", "--lang", "ja")
        assert code == 0 and expected in out, out
        code, _, _ = run(capsys, store, "report", "--review", review_id, "--format", "md", "--lang", "ja",
                         "-o", str(tmp_path / f"review-{setting}.md"))
        assert code == 0 and expected in (tmp_path / f"review-{setting}.md").read_text(encoding="utf-8")

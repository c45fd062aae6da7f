"""A plan's measures sheet, in the city's own column order, becomes a checklist to review."""

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from bcp_drill.cli import main
from bcp_drill.content.library import ContentLibrary
from bcp_drill.review.session import ReviewSession
from bcp_drill.review.tally import tally_review
from support.drills import PILLARS, FakeClock, city_sheet, make_store


@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))

    def cli(*args, lang="ja"):
        code = main([*args, "--records", str(tmp_path / "records"), "--lang", lang])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return cli


def test_a_measures_sheet_becomes_a_checklist_with_its_earlier_ratings(run, tmp_path):
    city_sheet(tmp_path / "measures.xlsx")
    (tmp_path / "checklists").mkdir()
    code, out, err = run("measures", "import", "measures.xlsx", "--id", "plan-3rd", "--title", "第3次計画の施策評価",
                         "-o", "checklists/plan-3rd.yaml")
    assert code == 0, out + err
    assert "基本施策 3・施策 30" in out and "2018, 2019" in out
    data = yaml.safe_load((tmp_path / "checklists" / "plan-3rd.yaml").read_text(encoding="utf-8"))
    assert [s["title"]["ja"] for s in data["sections"]] == PILLARS
    first = data["sections"][0]["items"][0]
    assert first["id"] == "m1-1" and first["requirement"] == {"ja": "施策1-1"}
    assert first["guidance"] == {"ja": "担当課: 情報政策課 / 目標・指標: 指標"}
    assert first["previous_assessment"] == {"ja": "平成30年度: 実施中（継続中） / 令和元年度: 目標通り（継続中）"}
    library = ContentLibrary.load([tmp_path / "checklists"], cwd=tmp_path)
    assert library.problems == []
    checklist = library.checklist("plan-3rd")
    assert checklist.unit.ja == "施策" and checklist.scale_id == "plan-measure"
    # ...and it is reviewed and tallied like any checklist: 12 / 8 / 10 measures per pillar.
    session = ReviewSession.start(make_store(tmp_path, FakeClock()), library.checklists["plan-3rd"],
                                  library.scale_of(checklist), fiscal_year_value=2019)
    session.rate("m1-1", "status", "continuing-on-target")
    tally = tally_review(session.state)
    session.close()
    assert [row.items for row in tally.rows] == [12, 8, 10] and tally.total.items == 30


def test_problems_are_named_by_cell_and_nothing_is_written(run, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["施策", "基本施策（柱）", "令和元年度", "メモ"])
    sheet.append(["Wi-Fi 整備", "", "目標通り", ""])
    sheet.append(["SNS 発信", "(1) にぎわい", "だいたい順調", ""])
    book.save(tmp_path / "bad.xlsx")
    code, out, _ = run("measures", "import", "bad.xlsx", "-o", "out.yaml")
    assert code == 1 and "Sheet!D1: 見出し「メモ」は施策一覧のどの列（基本施策（柱）・" in out
    assert "付与番号" not in out  # the injects table's columns were listed for a measures sheet
    book = load_workbook(tmp_path / "bad.xlsx")
    book.active.delete_cols(4)
    book.save(tmp_path / "bad.xlsx")
    code, out, _ = run("measures", "import", "bad.xlsx", "-o", "out.yaml")
    assert code == 1
    assert "Sheet!B2: 最初の施策に基本施策（柱）がありません" in out
    assert "Sheet!C3: 評価「だいたい順調」は施策の評価の選択肢にありません" in out
    assert not (tmp_path / "out.yaml").exists()


def test_a_rating_word_the_seed_uses_both_while_continuing_and_when_finished_is_never_guessed(run, tmp_path):
    """目標通り and 目標以上 head columns under both 継続中 and 完了 in the seed: a cell holding only
    the word is refused with its cell (it became 目標通り（完了） with no warning); the full words
    or the option's key are read."""
    book = Workbook()
    sheet = book.active
    sheet.append(["基本施策（柱）", "施策", "令和元年度"])
    sheet.append(["(1) にぎわい", "Wi-Fi 整備", "目標通り"])
    sheet.append(["", "SNS 発信", "目標以上"])
    book.save(tmp_path / "words.xlsx")
    code, out, _ = run("measures", "import", "words.xlsx", "-o", "out.yaml")
    assert code == 1 and not (tmp_path / "out.yaml").exists()
    assert "Sheet!C2: 「目標通り」は 目標通り（継続中） / 目標通り（完了） のどちらとも読めます" in out
    assert "Sheet!C3: 「目標以上」は 目標以上（継続中） / 目標以上（完了） のどちらとも読めます" in out
    book = load_workbook(tmp_path / "words.xlsx")
    book.active["C2"], book.active["C3"] = "目標通り（完了）", "1"
    book.save(tmp_path / "words.xlsx")
    code, out, _ = run("measures", "import", "words.xlsx", "-o", "out.yaml")
    assert code == 0, out
    data = yaml.safe_load((tmp_path / "out.yaml").read_text(encoding="utf-8"))
    assessments = [i["previous_assessment"]["ja"] for i in data["sections"][0]["items"]]
    assert assessments == ["令和元年度: 目標通り（完了）", "令和元年度: 目標以上（継続中）"]


def test_an_empty_template_has_the_columns_and_a_column_per_year(run, tmp_path):
    code, _, _ = run("measures", "template", "--years", "H29", "H30", "R1", "-o", "template.xlsx")
    assert code == 0
    header = [c.value for c in load_workbook(tmp_path / "template.xlsx").active[1]]
    assert header == ["基本施策（柱）", "施策番号", "施策名", "担当課", "目標・指標",
                      "平成29年度評価", "平成30年度評価", "令和元年度評価"]

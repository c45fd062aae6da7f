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


# ---------------------------------------------------------------- the 詳細別紙 as the city keeps it

SEED_FILE = ("shared", "seed", "000_cde75fbaf059ac94.txt")
# How each year's cell may be written on the city's sheet: the option's full label or its key.
WRITTEN = {"continuing-above": "目標以上（継続中）", "continuing-on-target": "目標通り（継続中）",
           "continuing-in-progress": "3", "continuing-unchanged": "変わらず（継続中）",
           "finished-above": "目標以上（完了）", "finished-on-target": "目標通り（完了）",
           "finished-abolished": "廃止・中止"}
CARRY_WRITTEN = {"expand": "拡大", "same-scale": "同　規模", "shrink": "縮小", "abolish": "廃止 "}  # (full-width space)


def seed_detail_sheet(path, carry=None):
    """The seed's 詳細別紙: 30 measures under three pillars (the pillar merged down), rated over
    平成29–令和元年度, with the carry-over column, a 合計 row, a ※ note and a hidden helper column.
    p1-m11 was finished in 平成30年度 and left blank in 令和元年度 (it is not rated again)."""
    from openpyxl import Workbook

    from review.test_tally import SEED_RATINGS

    book = Workbook()
    sheet = book.active
    sheet.title = "詳細別紙"
    sheet.append(["第3次多治見市情報化計画 施策の評価と次期計画への引継ぎ（詳細別紙）"])
    sheet.append(["基本施策（柱）", "施策番号", "具体的施策", "担当課", "平成29年度評価", "平成30年度評価",
                  "令和元年度評価", "次期計画への引継ぎ", "集計用"])
    for pillar_index, (pillar, ratings) in enumerate(zip(PILLARS, SEED_RATINGS.values(), strict=True), 1):
        first_row = sheet.max_row + 1
        for number, (status, carry_code) in enumerate(ratings, 1):
            finished_early = (pillar_index, number) == (1, 11)
            sheet.append([pillar if number == 1 else None, f"{pillar_index}-{number}", f"施策{pillar_index}-{number}",
                          "情報政策課", "実施中（継続中）", WRITTEN[status] if finished_early else "目標通り（継続中）",
                          None if finished_early else WRITTEN[status], CARRY_WRITTEN[carry_code],
                          f"=COUNTIF(E{sheet.max_row + 1}:G{sheet.max_row + 1},\"*完了*\")"])
        sheet.merge_cells(start_row=first_row, start_column=1, end_row=sheet.max_row, end_column=1)
    sheet.append(["合計", None, None, None, "30", "30", "30", "30", "=SUM(I3:I32)"])
    sheet.append(["※ 評価は各年度末に担当課が記入し、情報政策課が取りまとめた。"])
    sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=8)
    sheet.column_dimensions["I"].hidden = True
    if carry is not None:
        sheet["H3"] = carry
    book.save(path)


def records_in(tmp_path):
    folder = tmp_path / "records"
    return sorted(p.name for p in folder.glob("*.jsonl")) if folder.is_dir() else []


def test_the_city_s_detail_sheet_becomes_a_record_per_year_whose_final_tally_is_the_seed_s_table(run, tmp_path):
    import csv
    import io
    import json
    import re

    from conftest import REPO

    seed_detail_sheet(tmp_path / "詳細別紙.xlsx")
    (tmp_path / "checklists").mkdir()
    code, out, err = run("measures", "import", "詳細別紙.xlsx", "--id", "plan-3rd-measures",
                         "--title", "第3次計画の施策評価", "-o", "checklists/plan-3rd-measures.yaml")
    assert code == 0, out + err
    # The total, the note and the hidden helper column are skipped, each named by its cell.
    assert "[詳細別紙.xlsx]詳細別紙!A33: 合計の行として読み飛ばしました（「合計」の行" in out
    assert "[詳細別紙.xlsx]詳細別紙!A34: 注記の行として読み飛ばしました（この行には「※ 評価は各年度末に" in out
    assert "[詳細別紙.xlsx]詳細別紙!I2: 非表示の列（見出し「集計用」）として読み飛ばしました" in out
    assert "基本施策 3・施策 30" in out
    # One record per 年度, marked as imported; the final year's holds the carry-over.
    made = re.findall(r"(\S+年度)の評価（施策 (\d+) 件、次期計画への引継ぎ (\d+) 件）を取り込み、記録 (\S+) にしました",
                      out)
    assert [(year, rated, carried) for year, rated, carried, _ in made] == [
        ("平成29年度", "30", "0"), ("平成30年度", "30", "0"), ("令和元年度", "29", "30")]
    assert len(records_in(tmp_path)) == 3
    final = made[-1][3]
    journal = (tmp_path / "records" / f"{final}.jsonl").read_text(encoding="utf-8")
    first_line = json.loads(journal.splitlines()[0])
    assert first_line["imported_from"] == "詳細別紙.xlsx" and first_line["fiscal_year"] == 2019
    assert first_line["previous_year"] == 2018 and first_line["previous_record"] == made[1][3]
    data = yaml.safe_load((tmp_path / "checklists" / "plan-3rd-measures.yaml").read_text(encoding="utf-8"))
    assert data["plan_years"] == {"first": 2017, "last": 2019} and data["final_year_only"] == ["carryover"]
    assert [len(s["items"]) for s in data["sections"]] == [12, 8, 10]  # the 合計 and ※ rows are no measures

    # tally of the final year's record, zeros blank: the seed's section-2 table, cell by cell.
    code, out, err = run("tally", final, "--blank-zero", "--format", "csv", "-o", "tally.csv")
    assert code == 0, out + err
    rows = list(csv.reader(io.StringIO((tmp_path / "tally.csv").read_text(encoding="utf-8-sig"))))
    seed = REPO.parent.joinpath(*SEED_FILE).read_text(encoding="utf-8")
    printed = [line.split("\t") for line in seed.splitlines() if line.startswith("(") and "\t" in line]
    assert [r[:2] for r in printed] == [[PILLARS[0], "12"], [PILLARS[1], "8"], [PILLARS[2], "10"]]
    # (1): 12 measures, 目標以上 1, 目標通り 8, 変わらず 1, 完了 目標通り 2; carry-over 拡大 1, 同規模 9, 廃止 2.
    assert printed[0][:13] == [PILLARS[0], "12", "1", "8", "", "1", "", "2", "", "1", "9", "", "2"]
    for ours, theirs in zip(rows[3:6], printed, strict=True):
        assert ours[:13] == theirs[:13]

    # plan-summary finds the three years (none is missing).
    code, out, err = run("plan-summary", "plan-3rd-measures", "--years", "H29", "R1", "--format", "csv",
                         "-o", "plan.csv")
    assert code == 0, out + err
    plan = list(csv.reader(io.StringIO((tmp_path / "plan.csv").read_text(encoding="utf-8-sig"))))
    header = next(r for r in plan if r[:3] == ["基本施策（柱）", "ID", "施策"])
    assert header[3:] == ["平成29年度", "平成30年度", "令和元年度", "最終の評価", "次期計画への引継ぎ"]
    by_id = {r[1]: r for r in plan if len(r) > 2}
    assert by_id["m1-11"][3:] == ["実施中", "目標通り（完了）", "目標通り（完了）（平成30年度に完了）",
                                  "目標通り（完了）（平成30年度に完了）", "廃止"]
    assert "評価の記録がない年度" not in "".join(",".join(r) for r in plan)

    # The same sheet again: nothing new, said in words.
    code, out, err = run("measures", "import", "詳細別紙.xlsx", "--id", "plan-3rd-measures",
                         "--title", "第3次計画の施策評価", "-o", "checklists/plan-3rd-measures.yaml")
    assert code == 0, out + err
    assert "checklists/plan-3rd-measures.yaml はそのままです" in out
    assert out.count("取り込み済みで、表の内容も同じです。新しい記録は作りませんでした") == 3
    assert f"令和元年度の評価は記録 {final} に取り込み済み" in out
    assert len(records_in(tmp_path)) == 3


def test_a_detail_sheet_refused_names_the_file_the_cell_and_the_fix_and_records_nothing(run, tmp_path):
    seed_detail_sheet(tmp_path / "詳細別紙.xlsx", carry="拡げる")
    code, out, err = run("measures", "import", "詳細別紙.xlsx", "-o", "out.yaml")
    assert code == 1 and "Traceback" not in out + err
    assert ("[詳細別紙.xlsx]詳細別紙!H3: 次期計画への引継ぎ「拡げる」は選択肢（拡大・同規模・縮小・廃止）にありません。"
            "どれかを書くか、空欄にしてください") in out
    assert not (tmp_path / "out.yaml").exists() and records_in(tmp_path) == []


def test_the_carry_over_needs_a_year_column_to_be_recorded_in(run, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["基本施策（柱）", "施策", "次期計画への引継ぎ"])
    sheet.append(["(1) にぎわい", "Wi-Fi 整備", "拡大"])
    sheet.append(["", "SNS 発信", "ｼｭｸｼｮｳ"])
    book.save(tmp_path / "carry.xlsx")
    code, out, _ = run("measures", "import", "carry.xlsx", "-o", "out.yaml")
    assert code == 1 and records_in(tmp_path) == []
    assert "[carry.xlsx]Sheet!C2: 次期計画への引継ぎを記録する年度がありません。計画の最終年度の評価列" in out
    assert "[carry.xlsx]Sheet!C3: 次期計画への引継ぎ「ｼｭｸｼｮｳ」は選択肢" in out


def test_without_an_output_the_checklist_is_printed_and_the_words_go_to_stderr(run, tmp_path):
    seed_detail_sheet(tmp_path / "詳細別紙.xlsx")
    code, out, err = run("measures", "import", "詳細別紙.xlsx", "--id", "plan-3rd-measures")
    assert code == 0, err
    assert yaml.safe_load(out)["id"] == "plan-3rd-measures"  # the screen's output is the checklist alone
    assert "合計の行として読み飛ばしました" in err and err.count("を取り込み、記録") == 3
    assert len(records_in(tmp_path)) == 3


def test_columns_hidden_up_to_the_sheet_s_last_column_are_read_as_few(tmp_path):
    """Hiding every column right of the table (to XFD) is common: only the used ones are named."""
    from bcp_drill.imports.spreadsheet import read_sheet

    book = Workbook()
    sheet = book.active
    sheet.append(["基本施策（柱）", "施策", "作業列"])
    sheet.append(["(1) にぎわい", "Wi-Fi 整備", "1"])
    sheet.column_dimensions.group("C", "XFD", hidden=True)
    book.save(tmp_path / "wide.xlsx")
    rows = read_sheet(tmp_path / "wide.xlsx", "wide.xlsx", {"pillar": ("基本施策（柱）",), "name": ("施策",)},
                      skip_hidden=True)
    assert [(c.value, c.place) for c in rows.hidden_headers] == [("作業列", "Sheet!C1")]
    assert rows.unknown_headers == [] and list(rows.rows[0]) == ["pillar", "name"]
    rows = read_sheet(tmp_path / "wide.xlsx", "wide.xlsx", {"pillar": ("基本施策（柱）",), "name": ("施策",)})
    assert [c.value for c in rows.unknown_headers] == ["作業列"]  # (other importers read them as before)

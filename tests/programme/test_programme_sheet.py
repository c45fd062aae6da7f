"""The programme as the city edits it in Excel: written out as a sheet, read back unchanged, and a
sheet with mistakes named cell by cell with nothing written."""

import openpyxl

from bcp_drill.cli import main
from bcp_drill.programme.status import load_programme
from programme.test_a_year_of_drills import YEAR


def run(capsys, *args):
    code = main([*args, "--lang", "ja"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_the_programme_goes_round_through_excel(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "programmes").mkdir()
    (tmp_path / "programmes" / "r8.yaml").write_text(YEAR, encoding="utf-8")
    code, said = run(capsys, "programme", "--template", "--year", "R8", "-o", "訓練計画.xlsx")
    assert code == 0, said
    sheet = openpyxl.load_workbook(tmp_path / "訓練計画.xlsx").active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["番号", "実施月", "予定日", "種類"]
    assert ["d2", None, "2026-09-03", "実動訓練", "mini"] == rows[3][:5]
    assert rows[1][-1] == "伊藤 四郎"  # the briefing's attendees
    code, said = run(capsys, "programme", "--import", "訓練計画.xlsx", "--year", "R8",
                     "--title", "令和8年度 ICT-BCP 訓練計画", "-o", "again.yaml")
    assert code == 0, said
    before, _ = load_programme(tmp_path / "programmes" / "r8.yaml", "r8.yaml")
    after, loaded = load_programme(tmp_path / "again.yaml", "again.yaml")
    assert before is not None and after is not None, loaded.problems
    assert after.entries == before.entries and after.fiscal_year == before.fiscal_year == 2026


def test_a_programme_sheet_with_mistakes_names_each_cell(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    book = openpyxl.Workbook()
    for row in (["番号", "実施月", "予定日", "種類", "シナリオ", "内容", "担当課長"],
                ["d1", "6", "", "避難訓練", "mini", "", ""],
                ["d2", "13", "", "机上訓練", "mini", "", ""],
                ["d3", "", "2026/9/31", "机上訓練", "mini", "", ""],
                ["d4", "", "", "机上訓練", "mini", "", ""]):
        book.active.append(row)
    book.save(tmp_path / "plan.xlsx")
    code, said = run(capsys, "programme", "--import", "plan.xlsx", "--year", "R8")
    assert code == 1 and "Traceback" not in said
    assert "!G1" in said and "担当課長" in said  # an unknown heading
    assert "!D2" in said and "避難訓練" in said  # a kind the tool does not know
    assert "!B3" in said and "13" in said  # no 13th month
    assert "!C4" in said and "2026/9/31" in said  # no such day
    assert "!A5" in said and "month" in said  # neither a month nor a date
    assert not (tmp_path / "programmes").exists()

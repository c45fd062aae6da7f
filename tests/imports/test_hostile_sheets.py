"""Spreadsheet imports stay bounded whatever the file, and never import silently different data.

Every hostile file is made here, small: a sheet beyond a limit is refused with the limit and
its setting named, within a second, and nothing is written. Merged cells read as a person
sees them; a formula saved without its value is named, never read as empty.
"""

import csv
import time
import tracemalloc

import pytest
import yaml
from openpyxl import Workbook

from bcp_drill.cli import main
from bcp_drill.content.library import ContentLibrary
from bcp_drill.imports.raw_sheet import SheetError, SheetLimits
from bcp_drill.imports.spreadsheet import read_sheet
from render.test_msel import city  # noqa: F401  (the fixture: a working folder with the shipped scenarios)

from .sheets import F, row, worksheet, write_workbook

INJECT_HEADERS = {"id": ("付与番号",), "time": ("付与時刻",), "content": ("付与内容",)}


@pytest.fixture
def scenario(tmp_path):
    """The scenario file the imports would change, and a check that they did not."""
    path = tmp_path / "scenarios" / "earthquake-offhours.yaml"
    before = path.read_bytes()

    class Scenario:
        def unchanged(self) -> bool:
            return path.read_bytes() == before

        def reload(self):
            library = ContentLibrary.load([tmp_path / "scenarios"], cwd=tmp_path)
            assert library.problems == []
            return library.scenario("earthquake-offhours")

    return Scenario()


def import_injects(city, sheet, lang="ja"):
    started = time.perf_counter()
    code, out, err = city("injects", "import", sheet, "--scenario", "earthquake-offhours", lang=lang)
    return code, out, err, time.perf_counter() - started


# ---------------------------------------------------------------- size limits


def test_one_cell_at_xfd1048576_is_refused_by_the_size_it_declares(city, scenario, tmp_path):
    book = Workbook()
    book.active.title = "状況付与表"
    book.active["XFD1048576"] = "x"  # 7 KB on disk; once 2.4 GB when read
    book.save(tmp_path / "far.xlsx")
    code, out, err, seconds = import_injects(city, "far.xlsx")
    assert code == 1 and out == ""
    assert err == ("bcp-drill: エラー: 状況付与表!XFD1048576:XFD1048576: 表の行数が上限の 20,000 行を超えています。"
                   "本当にこの行数なら、設定 import_max_rows を大きくしてください\n")
    assert seconds < 1 and scenario.unchanged()


@pytest.mark.parametrize("dimension", [None, "A1:B2"])
def test_a_far_cell_is_refused_when_the_dimension_is_missing_or_lies(tmp_path, dimension):
    sheet = worksheet(row(1, "付与番号", "付与時刻") + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
                      dimension=dimension)
    path = write_workbook(tmp_path / "far.xlsx", sheet)
    tracemalloc.start()
    try:
        with pytest.raises(SheetError) as refused:
            read_sheet(path, "far.xlsx", INJECT_HEADERS)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (refused.value.code, refused.value.params) == (
        "sheet_too_many_rows", {"where": "状況付与表!XFD1048576", "limit": "20,000"})
    assert peak < 2 * 1024 * 1024  # never a row padded out to column XFD


def test_a_sheet_declaring_two_million_rows_is_refused_before_its_rows_are_read(tmp_path):
    # The part after the dimension is not even XML: reading on would end in "unreadable".
    sheet = worksheet(row(1, "付与番号", "付与時刻") + row(2, "i01", "0:05"), dimension="A1:N2000000",
                      tail="<<< not read")
    path = write_workbook(tmp_path / "long.xlsx", sheet)
    started = time.perf_counter()
    with pytest.raises(SheetError) as refused:
        read_sheet(path, "long.xlsx", INJECT_HEADERS)  # the default limits
    assert time.perf_counter() - started < 0.5
    assert (refused.value.code, refused.value.params) == (
        "sheet_too_many_rows", {"where": "状況付与表!A1:N2000000", "limit": "20,000"})


def test_rows_over_the_setting_are_counted_as_they_are_read(city, scenario, tmp_path, monkeypatch):
    monkeypatch.setenv("BCP_DRILL_IMPORT_MAX_ROWS", "50")
    rows = row(1, "付与番号", "付与時刻") + "".join(row(n, f"x{n}", "0:05") for n in range(2, 61))
    write_workbook(tmp_path / "rows.xlsx", worksheet(rows))  # no dimension to go by
    code, out, err, seconds = import_injects(city, "rows.xlsx", lang="en")
    assert code == 1 and out == ""
    assert err == ("bcp-drill: error: 状況付与表!A51: the sheet has more than 50 rows; if they are genuine, "
                   "raise the setting import_max_rows\n")
    assert seconds < 1 and scenario.unchanged()


def test_a_sheet_right_at_the_limits_reads_in_full(tmp_path):
    limits = SheetLimits(max_rows=30, max_columns=3, max_cell_chars=10)
    rows = row(1, "付与番号", "付与時刻", "付与内容") + "".join(row(n, f"i{n}", "0:05", "x" * 10) for n in range(2, 31))
    sheet = read_sheet(write_workbook(tmp_path / "full.xlsx", worksheet(rows, dimension="A1:C30")), "full.xlsx",
                       INJECT_HEADERS, limits=limits)
    assert len(sheet.rows) == 29 and sheet.rows[-1]["content"].value == "x" * 10
    (tmp_path / "full.csv").write_text("付与番号,付与時刻,付与内容\n" + "i1,0:05,xxxxxxxxxx\n" * 29, encoding="utf-8")
    assert len(read_sheet(tmp_path / "full.csv", "full.csv", INJECT_HEADERS, limits=limits).rows) == 29


def test_columns_over_the_limit_are_refused_with_the_cell(tmp_path):
    sheet = worksheet(row(1, "付与番号", "付与時刻", "付与内容", "x", "y", "z"))
    path = write_workbook(tmp_path / "wide.xlsx", sheet)
    with pytest.raises(SheetError) as refused:
        read_sheet(path, "wide.xlsx", INJECT_HEADERS, limits=SheetLimits(max_columns=5))
    assert (refused.value.code, refused.value.params) == (
        "sheet_too_many_columns", {"where": "状況付与表!F1", "limit": "5"})


def test_a_csv_over_the_byte_limit_is_refused_before_it_is_read(city, scenario, tmp_path, monkeypatch):
    big = tmp_path / "injects.csv"
    with big.open("wb") as handle:
        handle.truncate(17 * 1024 * 1024)  # (sparse: nothing is written to disk)
    code, out, err, seconds = import_injects(city, "injects.csv")
    assert code == 1 and out == ""
    assert err == ("bcp-drill: エラー: injects.csv は 17,825,792 バイトあり、取り込める大きさ（16,777,216 バイト）を"
                   "超えています。本当にこの大きさのファイルなら、設定 import_max_bytes を大きくしてください\n")
    assert seconds < 1 and scenario.unchanged()
    monkeypatch.setenv("BCP_DRILL_IMPORT_MAX_BYTES", "1000")
    big.write_text("付与番号,付与時刻\n" + "i01,0:05\n" * 200, encoding="utf-8")
    code, _, err, _ = import_injects(city, "injects.csv", lang="en")
    assert code == 1 and "injects.csv is 1,826 bytes, more than the 1,000 bytes an import reads" in err
    assert "raise the setting import_max_bytes" in err and scenario.unchanged()


def test_a_csv_field_of_200_kib_is_named_by_its_line_and_the_csv_limit_is_restored(city, scenario, tmp_path):
    before = csv.field_size_limit()
    (tmp_path / "injects.csv").write_text("付与番号,付与内容\ni01,short\ni02," + "あ" * 200 * 1024 + "\n",
                                          encoding="utf-8")
    code, out, err, seconds = import_injects(city, "injects.csv")
    assert code == 1 and out == "" and "Traceback" not in err
    assert err == ("bcp-drill: エラー: injects.csv:3: セルの文字数が上限の 32,767 文字を超えています。"
                   "本当にこの長さなら、設定 import_max_cell_chars を大きくしてください\n")
    assert seconds < 1 and scenario.unchanged()
    assert csv.field_size_limit() == before


def test_csv_rows_columns_and_an_open_quote_are_named_by_line(tmp_path):
    path = tmp_path / "injects.csv"
    path.write_text("付与番号,付与時刻\n" + "i01,0:05\n" * 30, encoding="utf-8")
    with pytest.raises(SheetError) as refused:
        read_sheet(path, "injects.csv", INJECT_HEADERS, limits=SheetLimits(max_rows=20))
    assert (refused.value.code, refused.value.params) == ("sheet_too_many_rows",
                                                          {"where": "injects.csv:21", "limit": "20"})
    path.write_text("付与番号,付与時刻\ni01,0:05,a,b,c,d\n", encoding="utf-8")
    with pytest.raises(SheetError) as refused:
        read_sheet(path, "injects.csv", INJECT_HEADERS, limits=SheetLimits(max_columns=5))
    assert (refused.value.code, refused.value.params) == ("sheet_too_many_columns",
                                                          {"where": "injects.csv:2", "limit": "5"})
    # A quote left open makes the rest of the file one field: bounded by the cell limit, named
    # by the line where the record begins.
    path.write_text('付与番号,付与時刻\ni01,"0:05\n' + "i02,0:10\n" * 100, encoding="utf-8")
    with pytest.raises(SheetError) as refused:
        read_sheet(path, "injects.csv", INJECT_HEADERS, limits=SheetLimits(max_cell_chars=500))
    assert (refused.value.code, refused.value.params) == ("sheet_cell_too_long",
                                                          {"where": "injects.csv:2", "limit": "500"})


def test_a_shared_string_repeated_in_every_cell_is_bounded_as_text(tmp_path):
    # 600 cells showing one 5,000-character string: 3 million characters from a tiny file.
    rows = row(1, "付与番号", "付与内容") + "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>i{n}</t></is></c><c r="B{n}" t="s"><v>0</v></c></row>'
        for n in range(2, 602))
    path = write_workbook(tmp_path / "echo.xlsx", worksheet(rows), shared_strings=["あ" * 5000])
    with pytest.raises(SheetError) as refused:
        read_sheet(path, "echo.xlsx", INJECT_HEADERS, limits=SheetLimits(max_bytes=1_000_000))
    assert (refused.value.code, refused.value.params) == ("sheet_text_too_large",
                                                          {"file": "echo.xlsx", "limit": "1,000,000"})


def test_a_part_that_unpacks_beyond_the_limit_is_refused(tmp_path):
    sheet = worksheet(row(1, "付与番号", "付与時刻") + " " * 200_000)  # compresses to almost nothing
    path = write_workbook(tmp_path / "bomb.xlsx", sheet)
    assert path.stat().st_size < 5_000
    with pytest.raises(SheetError) as refused:
        read_sheet(path, "bomb.xlsx", INJECT_HEADERS, limits=SheetLimits(max_bytes=10_000))
    assert (refused.value.code, refused.value.params) == ("sheet_unpacked_too_large", {
        "file": "bomb.xlsx", "part": "xl/worksheets/sheet1.xml", "limit": "80,000", "ratio": 8})


def test_more_tags_than_a_sheet_within_the_limits_needs_are_refused(tmp_path):
    limits = SheetLimits(max_rows=10, max_columns=5)  # 6 × 10 × 5 + 2 × 10 + 65,536 tags
    sheet = worksheet(row(1, "付与番号", "付与時刻") + row(2, "i01", "0:05")).replace(
        "</worksheet>", "<x/>" * 70_000 + "</worksheet>")  # 280 KB unpacked, a few KB packed
    path = write_workbook(tmp_path / "tags.xlsx", sheet)
    with pytest.raises(SheetError) as refused:
        read_sheet(path, "tags.xlsx", INJECT_HEADERS, limits=limits)
    assert (refused.value.code, refused.value.params) == ("sheet_too_much_markup", {
        "file": "tags.xlsx", "part": "xl/worksheets/sheet1.xml", "limit": "65,856"})


def test_a_tag_too_long_to_be_real_is_refused_before_it_is_held(tmp_path):
    sheet = worksheet(f'<row r="1" spans="{"1" * 3_000_000}"></row>')
    path = write_workbook(tmp_path / "tag.xlsx", sheet)
    with pytest.raises(SheetError) as refused:
        read_sheet(path, "tag.xlsx", INJECT_HEADERS)
    assert refused.value.code == "sheet_unreadable" and "without markup" in refused.value.params["reason"]


def test_a_damaged_or_foreign_file_is_unreadable_not_an_internal_error(city, scenario, tmp_path):
    (tmp_path / "not.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    code, out, err, _ = import_injects(city, "not.xlsx", lang="en")
    assert code == 1 and out == "" and "Traceback" not in err and "internal" not in err
    assert err.startswith("bcp-drill: error: not.xlsx cannot be read as an Excel workbook (BadZipFile")
    write_workbook(tmp_path / "dtd.xlsx", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet/>')
    code, _, err, _ = import_injects(city, "dtd.xlsx", lang="en")
    assert code == 1 and "dtd.xlsx cannot be read as an Excel workbook (xl/worksheets/sheet1.xml: DOCTYPE)" in err
    assert scenario.unchanged()


# ---------------------------------------------------------------- merged cells


def test_a_merged_header_over_different_values_is_refused_with_its_range(city, scenario, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "状況付与表"
    sheet.append(["付与番号", "付与時刻", "発信元", "付与先", "伝達手段", "付与内容"])
    sheet.append(["i01", "0:05", "気象庁", "ICT部門責任者（情報政策課長）", "テレビ", "本震発生"])
    # As Excel merges: 付与時刻 and 発信元 are gone from the header (their edits once vanished).
    sheet.merge_cells("A1:C1")
    book.save(tmp_path / "merged.xlsx")
    code, out, _, _ = import_injects(city, "merged.xlsx")
    assert code == 1
    assert out.splitlines()[0] == (
        "状況付与表!A1:C1: 見出し「付与番号」がこれらの列に結合されていて、その下の 状況付与表!A2, 状況付与表!B2, "
        "状況付与表!C2 に異なる値があります。結合を解除し、列ごとに見出しを付けてください")
    assert scenario.unchanged()


def test_edits_under_a_merged_header_apply_in_every_column_it_covers(city, scenario, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "状況付与表"
    sheet.append(["付与番号", "付与時刻", "付与内容", None])
    sheet.append(["i03", "0:45", "空調停止。室温38度。", None])  # typed in the header's first column
    sheet.append(["i04", "1:15", None, "燃料は残り6時間分。"])  # typed in the column it spans
    sheet.append(["i05", "1:45", "基幹システム停止。", None])
    sheet.merge_cells("C1:D1")
    sheet.merge_cells("C4:D4")  # the row merged the same way: one value
    book.save(tmp_path / "wide.xlsx")
    code, out, err, _ = import_injects(city, "wide.xlsx")
    assert code == 0, out + err
    assert "更新 3" in out
    quake = scenario.reload()
    assert quake.inject("i03").content.ja == "空調停止。室温38度。"
    assert quake.inject("i04").content.ja == "燃料は残り6時間分。"
    assert quake.inject("i05").content.ja == "基幹システム停止。"
    assert [quake.inject(i).at_minutes for i in ("i03", "i04", "i05")] == [45, 75, 105]


def test_a_merged_time_cell_times_every_inject_it_spans(city, scenario, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "状況付与表"
    sheet.append(["付与番号", "付与時刻"])
    for inject in ("i01", "i02", "i03"):
        sheet.append([inject, "0:10" if inject == "i01" else None])
    sheet.merge_cells("B2:B4")
    book.save(tmp_path / "time.xlsx")
    code, out, err, _ = import_injects(city, "time.xlsx")
    assert code == 0, out + err
    quake = scenario.reload()
    assert [quake.inject(i).at_minutes for i in ("i01", "i02", "i03")] == [10, 10, 10]  # none by hand


def test_overlapping_or_too_many_merged_ranges_are_refused(tmp_path):
    rows = row(1, "付与番号", "付与時刻") + row(2, "i01", "0:05")
    path = write_workbook(tmp_path / "overlap.xlsx", worksheet(rows, merges=("A2:B3", "B3:C4")))
    with pytest.raises(SheetError) as refused:
        read_sheet(path, "overlap.xlsx", INJECT_HEADERS)
    assert (refused.value.code, refused.value.params) == ("sheet_merged_overlap", {
        "file": "overlap.xlsx", "first": "状況付与表!A2:B3", "second": "状況付与表!B3:C4"})
    merges = tuple(f"{a}{n}:{b}{n}" for n in range(2, 20) for a, b in ("CD", "EF"))
    path = write_workbook(tmp_path / "many.xlsx", worksheet(rows, merges=merges))
    with pytest.raises(SheetError) as refused:
        read_sheet(path, "many.xlsx", INJECT_HEADERS, limits=SheetLimits(max_rows=20))
    assert (refused.value.code, refused.value.params) == ("sheet_too_many_merges",
                                                          {"file": "many.xlsx", "limit": "20"})
    path = write_workbook(tmp_path / "far.xlsx", worksheet(rows, merges=("A1:XFD1",)))
    with pytest.raises(SheetError) as refused:
        read_sheet(path, "far.xlsx", INJECT_HEADERS)
    assert (refused.value.code, refused.value.params) == ("sheet_too_many_columns",
                                                          {"where": "状況付与表!A1:XFD1", "limit": "100"})


def test_a_merged_pillar_applies_to_every_measure_it_spans(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    book = Workbook()
    sheet = book.active
    sheet.append(["基本施策（柱）", "施策番号", "施策名"])
    for number, pillar in enumerate(["(1) 行政サービス", None, None, "(2) 情報基盤", None], 1):
        sheet.append([pillar, f"{number}", f"施策{number}"])
    sheet.merge_cells("A2:A4")
    sheet.merge_cells("A5:A7")  # down past the last measure: those rows stay blank
    book.save(tmp_path / "measures.xlsx")
    code = main(["measures", "import", "measures.xlsx", "-o", "plan.yaml", "--records", str(tmp_path / "r"),
                 "--lang", "ja"])
    assert code == 0, capsys.readouterr()
    data = yaml.safe_load((tmp_path / "plan.yaml").read_text(encoding="utf-8"))
    assert [(s["title"]["ja"], len(s["items"])) for s in data["sections"]] == [("(1) 行政サービス", 3),
                                                                             ("(2) 情報基盤", 2)]


# ---------------------------------------------------------------- formulas


def test_a_formula_saved_without_its_value_is_named_not_read_as_empty(city, scenario, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "状況付与表"
    sheet.append(["付与番号", "付与時刻"])
    sheet.append(["i01", "0:05"])
    sheet.append(["i02", "=B2+TIME(0,10,0)"])  # openpyxl, like many tools, saves no value for it
    book.save(tmp_path / "formula.xlsx")
    code, out, _, _ = import_injects(city, "formula.xlsx")
    assert code == 1
    assert out.splitlines()[0] == ("状況付与表!B3: セルに数式（=B2+TIME(0,10,0)）だけがあり、値がありません"
                                   "（計算しないまま保存されたファイルです）。値を入力してください")
    assert "空です" not in out and scenario.unchanged()
    code, out, _, _ = import_injects(city, "formula.xlsx", lang="en")
    assert out.splitlines()[0] == ("状況付与表!B3: the cell holds a formula (=B2+TIME(0,10,0)) and no value "
                                   "(the file was saved without calculating it); type the value")


def test_a_formula_with_its_cached_value_imports_that_value(city, scenario, tmp_path):
    rows = row(1, "付与番号", "付与時刻") + row(2, "i01", F('TEXT(5/1440,"h:mm")', "0:05"))
    write_workbook(tmp_path / "cached.xlsx", worksheet(rows))
    code, out, err, _ = import_injects(city, "cached.xlsx")
    assert code == 0, out + err
    assert scenario.reload().inject("i01").at_minutes == 5


def test_a_measures_sheet_beyond_a_limit_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("BCP_DRILL_IMPORT_MAX_COLUMNS", "4")
    book = Workbook()
    book.active.append(["基本施策（柱）", "施策番号", "施策名", "担当課", "令和元年度評価"])
    book.save(tmp_path / "measures.xlsx")
    code = main(["measures", "import", "measures.xlsx", "-o", "plan.yaml", "--records", str(tmp_path / "r"),
                 "--lang", "en"])
    captured = capsys.readouterr()
    assert code == 1 and "Traceback" not in captured.err
    assert captured.err == ("bcp-drill: error: Sheet!A1:E1: the sheet has more than 4 columns; if they are "
                            "genuine, raise the setting import_max_columns\n")
    assert not (tmp_path / "plan.yaml").exists()

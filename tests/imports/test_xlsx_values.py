"""The bounded XLSX reader gives every value as openpyxl gave it before (dates, numbers, rich
text), and leaves out what a person does not see as the cell's text (furigana)."""

import datetime
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from bcp_drill.imports.raw_sheet import Formula, SheetLimits, cell_text
from bcp_drill.imports.spreadsheet import read_sheet
from bcp_drill.imports.xlsx_stream import read_xlsx

from .sheets import MAIN, worksheet, write_workbook


def as_openpyxl_reads(path):
    book = load_workbook(path, read_only=True, data_only=True)
    rows = [[cell_text(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    for cells in rows:
        while cells and cells[-1] == "":
            cells.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def test_every_kind_of_value_reads_as_openpyxl_reads_it(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["text", 5, 5.5, 1e-5, True, False, datetime.datetime(2025, 6, 1, 9, 30),
                  datetime.date(2025, 6, 1), datetime.time(0, 5), datetime.timedelta(hours=26, minutes=5),
                  "  spaced  ", None, 12345678901234, -3])
    sheet["B3"] = "after a blank row"
    sheet["D4"] = CellRichText(["plain ", TextBlock(InlineFont(b=True), "bold")])
    sheet["C5"] = "改行\nあり"
    book.save(tmp_path / "types.xlsx")
    raw = read_xlsx(tmp_path / "types.xlsx", "types.xlsx", (), SheetLimits())
    assert raw.rows == as_openpyxl_reads(tmp_path / "types.xlsx")
    assert raw.rows[0][6:10] == ["2025-06-01 09:30:00", "2025-06-01 00:00:00", "00:05:00", "1 day, 2:05:00"]


def test_furigana_is_not_part_of_the_text_and_1904_dates_count_from_1904(tmp_path):
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
            '<row r="2"><c r="A2" s="1"><v>1</v></c></row>')
    path = write_workbook(tmp_path / "kana.xlsx", worksheet(rows), shared_strings=["付与番号", "付与時刻"])
    # Furigana (rPh) as Japanese Excel stores it beside the text; a date style; the 1904 system.
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/sharedStrings.xml"] = (
        f'<sst xmlns="{MAIN}"><si><t>付与番号</t><rPh sb="0" eb="2"><t>フヨ</t></rPh></si>'
        '<si><r><t>付与</t></r><r><rPr><b/></rPr><t>時刻</t></r><rPh sb="0" eb="2"><t>フヨ</t></rPh></si>'
        "</sst>").encode()
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b"<sheets>", b'<workbookPr date1904="1"/><sheets>')
    parts["xl/styles.xml"] = (f'<styleSheet xmlns="{MAIN}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/>'
                              "</cellXfs></styleSheet>").encode()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/'
                             b'2006/relationships/styles" Target="styles.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    raw = read_xlsx(path, "kana.xlsx", (), SheetLimits())
    assert raw.rows == [["付与番号", "付与時刻"], ["1904-01-02 00:00:00"]]  # (1899-12-31 from 1900)


def test_the_sheet_is_chosen_by_its_title_and_a_formula_with_no_value_is_kept_as_one(tmp_path):
    book = Workbook()
    book.active.title = "表紙"
    book.active["A1"] = "cover"
    sheet = book.create_sheet("状況付与表")
    sheet.append(["付与番号", "付与時刻"])
    sheet.append(["i01", "=NOW()"])
    book.save(tmp_path / "two.xlsx")
    raw = read_xlsx(tmp_path / "two.xlsx", "two.xlsx", ("状況付与表",), SheetLimits())
    assert raw.title == "状況付与表" and raw.rows == [["付与番号", "付与時刻"], ["i01", Formula("=NOW()")]]
    rows = read_sheet(tmp_path / "two.xlsx", "two.xlsx", {"id": ("付与番号",), "time": ("付与時刻",)}, ("状況付与表",))
    assert [p.place for p in rows.problems] == ["状況付与表!B2"]

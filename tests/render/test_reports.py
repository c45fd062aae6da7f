"""Reports in every format on a fixed drill and review: golden files, escaping, XLSX cell by cell."""

import csv
import io
import os
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bcp_drill import __version__
from bcp_drill.i18n import Translator
from bcp_drill.render.reports import render_drill_report, render_review_report
from bcp_drill.reports.drill_report import build_drill_report
from bcp_drill.reports.drill_report_sources import read_drill_report_sources
from bcp_drill.reports.review_report import build_review_report
from support.reports import fixed_records
from tui.support import use_utc

GOLDEN = Path(__file__).parent.parent / "data" / "golden"
UPDATE = os.environ.get("BCP_DRILL_UPDATE_GOLDEN") == "1"


@pytest.fixture
def records(tmp_path):
    use_utc()
    return fixed_records(tmp_path)


def golden(name: str, data: bytes) -> None:
    """Compare with a reviewed file (BCP_DRILL_UPDATE_GOLDEN=1 rewrites it); the version and the
    record's final hash (it covers the host name of each event) are masked."""
    import re

    text = re.sub(r"\b[0-9a-f]{64}\b", "HASH", data.decode("utf-8-sig").replace(__version__, "VERSION"))
    path = GOLDEN / name
    if UPDATE:
        path.write_bytes(text.encode("utf-8"))
    assert text == path.read_bytes().decode("utf-8"), f"{name} differs from the golden file"


@pytest.mark.parametrize("fmt", ["md", "html", "csv"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_drill_report_golden(records, fmt, lang):
    store, drill_id, _ = records
    t = Translator(lang)
    report = build_drill_report(read_drill_report_sources(store, drill_id, t.lang), t, organisation="多治見市")
    golden(f"drill_report.{lang}.{fmt}", render_drill_report(report, fmt, t))


@pytest.mark.parametrize("fmt", ["md", "html", "csv"])
def test_review_report_golden(records, fmt):
    store, _, review_id = records
    t = Translator("ja")
    golden(f"review_report.ja.{fmt}", render_review_report(build_review_report(store, review_id, t), fmt, t))


def test_html_escapes_everything_a_user_typed(records):
    store, drill_id, review_id = records
    t = Translator("ja")
    sources = read_drill_report_sources(store, drill_id, t.lang)
    html = render_drill_report(build_drill_report(sources, t), "html", t).decode("utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    review = render_review_report(build_review_report(store, review_id, t), "html", t).decode("utf-8")
    assert "評価表 &lt;2026&gt;" in review and "<2026>" not in review
    assert review.count("<table") >= 3 and "@page { size: A4" in review


def test_markdown_escapes_table_breakers(records):
    store, drill_id, _ = records
    t = Translator("ja")
    sources = read_drill_report_sources(store, drill_id, t.lang)
    md = render_drill_report(build_drill_report(sources, t), "md", t).decode("utf-8")
    assert "連絡網 \\| 2名不通" in md
    assert "\\<script\\>" in md


def test_csv_is_excel_ready_and_neutralises_formulas(records):
    store, drill_id, review_id = records
    t = Translator("ja")
    data = render_drill_report(build_drill_report(read_drill_report_sources(store, drill_id, t.lang), t), "csv", t)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    cells = [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]
    assert "'+cmd|' /C calc'!A0" in cells and "+cmd|' /C calc'!A0" not in cells
    assert "'@連絡網を更新" in cells
    review = render_review_report(build_review_report(store, review_id, t), "csv", t).decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(review)) for c in row]
    assert "'=HYPERLINK(\"http://evil\")" in cells
    # Only a cell's first character makes a formula: a later line is left as written.
    assert "⇒ 毎年度確認している。\n=HYPERLINK(\"http://x\")" in cells


def test_drill_xlsx_read_back_cell_by_cell(records):
    store, drill_id, _ = records
    t = Translator("ja")
    sources = read_drill_report_sources(store, drill_id, t.lang)
    book = load_workbook(io.BytesIO(render_drill_report(build_drill_report(sources, t), "xlsx", t)))
    assert book.sheetnames == ["要旨", "前回との比較", "以前の是正措置", "概要", "目標", "ステップ", "集計", "状況付与",
                               "経過", "改善計画", "推移"]
    steps = book["ステップ"]
    assert [c.value for c in steps[1]][:6] == ["フェーズ", "ステップ", "役割", "目標", "実績", "超過（分）"]
    # Times on the drill clock are durations shown as T+, counts are numbers.
    assert [c.value for c in steps[2]][:6] == [
        "直後", "安否確認", "責任者", timedelta(minutes=5), timedelta(minutes=4), 0]
    assert steps["D2"].number_format == '"T+"[h]:mm' and steps["E2"].number_format == '"T+"[h]:mm:ss'
    assert steps["F2"].data_type == "n"  # numbers are numbers
    timeline = book["経過"]
    assert isinstance(timeline["B2"].value, timedelta) and isinstance(timeline["C2"].value, datetime)
    assert _print_problems(book) == []  # every sheet prints readably on A4, headers repeated
    assert all(sheet.print_title_rows.startswith("$1:") for sheet in book.worksheets)
    assert steps.column_dimensions["B"].width >= 10
    figures = book["集計"]
    # Two header rows (the groups 評価 / 時間 merged over their columns, then the labels), two
    # phases, the total; the on-time rule below.
    assert figures["C1"].value == "評価" and "C1:F1" in {str(r) for r in figures.merged_cells.ranges}
    assert [c.value for c in figures[2]][:3] == ["フェーズ", "ステップ", "P"]
    total = [c.value for c in figures[5]]
    assert total[:6] == ["合計", 2, 1, 1, 0, 0] and total[-1] == 1.0
    assert figures.cell(row=5, column=len(total)).number_format == "0%"
    assert figures.cell(row=figures.max_row, column=1).value.startswith("時間内率 =")
    plan = book["改善計画"]
    header = [c.value for c in plan[1]]
    row = dict(zip(header, [c.value for c in plan[2]], strict=True))
    assert row["課題"] == "<script>alert('x')</script> & =SUM(A1)"  # text starting with < is safe
    # As typed, stored as text: a typed workbook never runs a string, so no apostrophe is added.
    assert row["内容"] == "+cmd|' /C calc'!A0" and plan.cell(row=2, column=header.index("内容") + 1).data_type == "s"
    assert row["是正措置"] == "@連絡網を更新"
    assert all(cell.data_type != "f" for sheet in book.worksheets for line in sheet.iter_rows() for cell in line)
    assert row["期限"] == datetime(2027, 3, 31) and plan.cell(row=2, column=header.index("期限") + 1).is_date
    assert row["状況"] == "対応中"
    overview = {r[0].value: r[1].value for r in book["概要"].iter_rows(min_row=2)}
    assert overview["場所"] == "本庁舎 3F" and overview["訓練の種類"] == "机上訓練"
    held = next(r[1] for r in book["概要"].iter_rows(min_row=2) if r[0].value == "実施日時")
    assert isinstance(held.value, datetime) and held.is_date and held.number_format == "yyyy-mm-dd hh:mm"


def test_review_xlsx_has_the_tally_in_numbers(records):
    store, _, review_id = records
    t = Translator("ja")
    book = load_workbook(io.BytesIO(render_review_report(build_review_report(store, review_id, t), "xlsx", t)))
    assert book.sheetnames == ["概要", "集計表", "項目", "今後の主な課題", "改善計画"]
    tally = book["集計表"]
    # Three header rows as the seed prints it: 施策の評価, then 継続中 / 完了・廃止・中止, then the options.
    assert [c.value for c in tally[1]][:3] == [None, None, "施策の評価"]
    assert [c.value for c in tally[2]][2] == "継続中"
    assert [c.value for c in tally[3]][:4] == ["区分（柱）", "項目数", "目標以上", "目標通り"]
    total = [c.value for c in tally[6]]
    assert total[0] == "合計" and total[1] == 3 and total[3] == 1
    assert isinstance(total[1], int)
    items = book["項目"]
    # Each item with its pillar, so a sorted or filtered sheet still says where it belongs.
    assert items["A1"].value == "区分（柱）" and items["A2"].value and items["A2"].value != "a1"
    assert items["B2"].value == "a1" and items["D2"].value == "目標通り（継続中）"
    overview = {r[0].value: r[1].value for r in book["概要"].iter_rows(min_row=2)}
    assert overview["年度"] == "令和8年度"
    assert isinstance(overview["実施日時"], datetime) and overview["実施日時"].date() == date(2027, 1, 24)


def test_a_trend_cell_rounds_up_as_lateness_does():
    """30:15 against a 30-minute target is late and reads 31 min, never 30 min beside "late";
    29:42 reads 30 min, within it; 41 s reads 1 min."""
    from datetime import datetime, timezone

    from bcp_drill.render.reports import trend_cell
    from bcp_drill.reports.trend import TrendPoint

    t, at = Translator("en"), datetime(2026, 12, 6, tzinfo=timezone.utc)
    assert trend_cell(TrendPoint("d", at, 30 * 60 + 15, "M", late=True), t) == "31 min M (late)"
    assert trend_cell(TrendPoint("d", at, 29 * 60 + 42, "P"), t) == "30 min P"
    assert trend_cell(TrendPoint("d", at, 41, "S"), t) == "1 min S"
    assert trend_cell(TrendPoint("d", at, 3600 + 9, "P", late=True), Translator("ja")).startswith("1時間1分 P")


def test_trend_section_compares_the_two_drills(records):
    store, drill_id, _ = records
    t = Translator("en")
    report = build_drill_report(read_drill_report_sources(store, drill_id, t.lang), t)
    assert report.trend is not None and len(report.trend.drills) == 2
    s1 = report.trend.steps[0]
    assert s1.minutes() == [6.0, 4.0] and s1.change_minutes() == -2.0
    from bcp_drill.render.reports import trend_table

    table = trend_table(report.trend, t, drill_id)
    assert [c.label for c in table.columns][2:] == ["2026-11-25", "2026-12-25 (this drill)", "Change"]
    # Times in words with the rating; late said in words (the first drill missed both targets).
    assert table.rows[0][2:] == ["6 min S (late)", "4 min S", "-2 min"]
    assert table.rows[1][2:] == ["25 min P (late)", "18 min P", "-7 min"]
    html = render_drill_report(report, "html", t).decode("utf-8")
    assert "<svg" not in html and "25 min P (late)" in html


def test_every_table_has_a_header_for_each_of_its_columns_in_every_format(records):
    """No table prints more data columns than it has headers (the review items once had 4
    headers over 6 columns), in the CSV, the XLSX or the Markdown."""
    from bcp_drill.render import tables
    from bcp_drill.render.reports import drill_report_sheets, review_report_tables

    store, drill_id, review_id = records
    t = Translator("ja")
    sources = read_drill_report_sources(store, drill_id, t.lang)
    drill = [table for _, table in drill_report_sheets(build_drill_report(sources, t), t)]
    review = review_report_tables(build_review_report(store, review_id, t), t)
    assert {tb.title for tb in review} >= {t("report.overview"), t("report.items")}  # the overview travels too
    for table in drill + review:
        width = len(table.columns)
        assert all(len(row) == width for row in table.rows), table.title
        for header in tables.header_rows(table):
            assert len(header) == width, table.title
        rows = list(csv.reader(io.StringIO(tables.render_csv(table))))
        heading_and_data = rows[: len(tables.header_rows(table)) + len(table.rows)]
        assert all(len(row) == width for row in heading_and_data), table.title
        import re

        markdown_rows = [line for line in tables.render_markdown(table).splitlines() if line.startswith("|")]
        assert all(len(re.split(r"(?<!\\)\|", line)) == width + 2 for line in markdown_rows), table.title
    book = load_workbook(io.BytesIO(render_review_report(build_review_report(store, review_id, t), "xlsx", t)))
    items = book["項目"]
    header = [c.value for c in items[1]]
    assert None not in header and len(header) == items.max_column


def test_the_markdown_reports_parse_as_markdown_with_each_item_apart(records):
    import re

    from markdown_it import MarkdownIt

    store, drill_id, review_id = records
    t = Translator("ja")
    sources = read_drill_report_sources(store, drill_id, t.lang)
    for data in (render_review_report(build_review_report(store, review_id, t), "md", t),
                 render_drill_report(build_drill_report(sources, t), "md", t)):
        tokens = MarkdownIt("commonmark").enable("table").parse(data.decode("utf-8"))
        types = [token.type for token in tokens]
        assert "table_open" in types and "heading_open" in types
        # No paragraph swallows a heading or a list: every "#" line is its own heading.
        top_paragraphs = [token.content for before, token in zip(tokens, tokens[1:], strict=False)
                          if token.type == "inline" and before.type == "paragraph_open" and before.level == 0]
        if b"**a1**" in data:  # the review: each item starts its own paragraph, not a list's tail
            for item_id in ("a1", "a2", "b1"):
                assert any(text.startswith(f"**{item_id}**") for text in top_paragraphs), item_id
            # The unrated list is not run into its heading line (its "[ ]" escaped: shown, never markup).
            assert "\\[ \\] b1  要件3" in top_paragraphs
        for before, token in zip(tokens, tokens[1:], strict=False):
            if token.type == "inline" and before.type == "paragraph_open":
                assert "\n#" not in token.content and not token.content.startswith("#"), token.content[:60]
                assert not re.search(r"(^|\n)[-*] ", token.content), token.content[:60]  # a list run into text


def test_xlsx_keeps_typed_text_as_text_never_a_formula(records, tmp_path):
    """"=HYPERLINK(…)" typed in a review stays those characters in a text cell (openpyxl takes a
    string starting with "=" for a formula unless told): no formula, and no apostrophe added."""
    store, _, review_id = records
    t = Translator("ja")
    book = load_workbook(io.BytesIO(render_review_report(build_review_report(store, review_id, t), "xlsx", t)))
    cells = [cell for sheet in book.worksheets for line in sheet.iter_rows() for cell in line]
    typed = [cell for cell in cells if cell.value == '=HYPERLINK("http://evil")']
    assert typed and all(cell.data_type == "s" for cell in typed)
    assert not any(cell.data_type == "f" for cell in cells)
    assert not any(isinstance(cell.value, str) and cell.value.startswith("'") for cell in cells)


# A4 across, in column-width units at 100% (half-inch side margins), as LibreOffice prints: a
# calibration workbook (4 and 8 columns of known widths, fitted to the page width) printed its
# 11-point text at 10.2 pt for 80 units and 8.1 pt for 100 on portrait (74 units at 100%), and at
# 8.6 pt for 140 units and 6.8 pt for 175 on landscape (108 units at 100%).
def _units_across(orientation, columns):
    return 74.0 if orientation == "portrait" else 108.0


def _print_problems(book):
    """Every sheet read back as it would print: the scale its page set-up gives, or full size."""
    from openpyxl.utils import get_column_letter

    problems = []
    for sheet in book.worksheets:
        widths = [sheet.column_dimensions[get_column_letter(i)].width for i in range(1, sheet.max_column + 1)]
        setup = sheet.page_setup
        if int(setup.paperSize) != int(sheet.PAPERSIZE_A4):
            problems.append((sheet.title, "not A4"))
        if sheet.sheet_properties.pageSetUpPr.fitToPage:
            scale = min(1.0, _units_across(setup.orientation, len(widths)) / sum(widths))
            if scale < 0.78 or str(setup.fitToWidth) != "1" or str(setup.fitToHeight) != "0":
                problems.append((sheet.title, f"fitted at {scale:.0%}"))
        elif str(setup.scale) != "100" or sheet.print_title_cols is None:
            problems.append((sheet.title, "neither fitted nor at 100% with its first column repeated"))
        if not sheet.print_title_rows:
            problems.append((sheet.title, "headings not on every page"))
        heading_rows = int(sheet.print_title_rows.split(":")[-1].lstrip("$")) if sheet.print_title_rows else 1
        unruled = [c.coordinate for row in sheet.iter_rows(max_row=heading_rows + 1) for c in row
                   if c.value is not None and not (c.border.left.style and c.border.bottom.style)]
        if unruled:
            problems.append((sheet.title, f"cells printed without lines: {unruled[:3]}"))
        unwrapped = [c.coordinate for row in sheet.iter_rows(min_row=2) for c in row
                     if isinstance(c.value, str) and len(c.value) > 20 and not c.alignment.wrap_text]
        if unwrapped:
            problems.append((sheet.title, f"long text not wrapped: {unwrapped[:3]}"))
        # A cell wider than its column needs a row tall enough for its lines (LibreOffice keeps
        # the default height of a row given none, and shows only the first line).
        from bcp_drill.render.text_table import cell_width

        cut = [c.coordinate for row in sheet.iter_rows() for c in row
               if isinstance(c.value, str) and c.coordinate not in sheet.merged_cells
               and cell_width(c.value.split("\n")[0]) > (sheet.column_dimensions[c.column_letter].width or 8) + 1
               and not (sheet.row_dimensions[c.row].height or 0) > 15]
        if cut:
            problems.append((sheet.title, f"rows too short for their wrapped text: {cut[:3]}"))
    return problems


def test_every_workbook_sheet_prints_readably_on_a4(records):
    """A 266-character-wide sheet was shrunk onto portrait A4 until unreadable: each sheet is
    fitted at 80% or more (landscape when wide, long text wrapping in narrower columns), or, wider
    still, printed across pages at full size with its first column repeated."""
    store, drill_id, review_id = records
    for lang in ("ja", "en"):
        t = Translator(lang)
        sources = read_drill_report_sources(store, drill_id, t.lang)
        drill = load_workbook(io.BytesIO(render_drill_report(build_drill_report(sources, t), "xlsx", t)))
        review = load_workbook(io.BytesIO(render_review_report(build_review_report(store, review_id, t), "xlsx", t)))
        assert _print_problems(drill) == [] and _print_problems(review) == []
        assert len(drill.worksheets) >= 8 and {s.page_setup.orientation for s in drill.worksheets} == {
            "portrait", "landscape"}


def test_a_sheet_too_wide_for_any_page_prints_across_pages_at_full_size():
    from bcp_drill.render.reports import SMALLEST_SCALE, print_layout, units_across

    assert print_layout([20, 30, 10]).orientation == "portrait"
    narrowed = print_layout([60, 60, 60, 10, 10])  # long texts: narrowed, still fitted
    assert narrowed.fit_to_width and narrowed.orientation == "landscape"
    assert sum(narrowed.widths) <= units_across("landscape", 5) / SMALLEST_SCALE + 0.5
    assert units_across("landscape", 5) == pytest.approx(_units_across("landscape", 5), rel=0.02)
    assert units_across("portrait", 5) == pytest.approx(_units_across("portrait", 5), rel=0.02)
    assert narrowed.widths[3:] == [10, 10] and min(narrowed.widths[:3]) >= 16  # numbers keep their width
    too_wide = print_layout([12] * 20)  # twenty number columns: no narrowing can help
    assert not too_wide.fit_to_width and too_wide.widths == [12] * 20


def test_a_text_table_wider_than_asked_wraps_its_labels_never_its_rows():
    from bcp_drill.render.tables import Column, Table, render_text

    table = Table("", [Column("phase", "Phase"), Column("done", "Not done", ">"), Column("rate", "On-time rate", ">")],
                  [["Immediately after", 3, 0.5], ["Total", 12, 0.75]])
    wide = render_text(table, gap=" ").splitlines()
    assert wide[0] == "Phase             Not done On-time rate"
    narrow = render_text(table, gap=" ", width=30).splitlines()
    assert narrow[:2] == ["                   Not On-time", "Phase             done    rate"]
    assert narrow[3:] == ["Immediately after    3     50%", "Total               12     75%"]
    assert max(len(line) for line in narrow) <= 30
    ja = Table("", [Column("phase", "フェーズ"), Column("rate", "時間内率", ">")], [["発災直後", 1.0]])
    assert render_text(ja, gap=" ", width=10) == render_text(ja, gap=" ")  # no spaces: nothing to wrap at


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed here; the page set-up "
                    "is read back by the tests above on every machine")
def test_the_workbook_printed_by_libreoffice_is_readable_on_every_page(records, tmp_path):
    """Where LibreOffice is installed (as on many city PCs), print both workbooks to PDF: every
    page's text is at least 80% of its 11 points, on A4, and no sheet takes more than a few pages."""
    import subprocess

    from pypdf import PdfReader

    store, drill_id, review_id = records
    t = Translator("ja")
    sources = read_drill_report_sources(store, drill_id, t.lang)
    books = {"drill.xlsx": render_drill_report(build_drill_report(sources, t), "xlsx", t),
             "review.xlsx": render_review_report(build_review_report(store, review_id, t), "xlsx", t)}
    for name, data in books.items():
        (tmp_path / name).write_bytes(data)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / name)],
                       capture_output=True, timeout=180, check=True)
        pages = PdfReader(tmp_path / name.replace(".xlsx", ".pdf")).pages
        sheets = len(load_workbook(io.BytesIO(data)).worksheets)
        assert sheets <= len(pages) <= 3 * sheets, name
        for number, page in enumerate(pages, 1):
            sizes = []

            def seen(text, cm, tm, font, size, *, sizes=sizes):  # this page's list, bound now
                if text.strip():
                    sizes.append(size * (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5)

            page.extract_text(visitor_text=seen)
            assert sorted((round(float(page.mediabox.width)), round(float(page.mediabox.height)))) == [595, 842]
            assert sizes and min(sizes) >= 0.8 * 11 - 0.1, (name, number, min(sizes))


def test_the_review_reports_status_table_prints_whole_on_landscape_a4(records):
    """The section-2 table laid out by WeasyPrint: its page is landscape, no cell runs past the
    page, and no heading without a space is broken (目標以/上, 拡/大, 確/認 were)."""
    from weasyprint import HTML
    from weasyprint.formatting_structure.boxes import TextBox

    store, _, review_id = records
    for lang in ("ja", "en"):
        t = Translator(lang)
        html = render_review_report(build_review_report(store, review_id, t), "html", t).decode("utf-8")
        pages = HTML(string=html).render().pages
        wide = [page for page in pages if page.width > page.height]
        assert wide, lang
        for page in pages:
            cells = [box for box in page._page_box.descendants() if type(box).__name__ == "TableCellBox"]
            assert all(box.position_x + box.width <= page.width for box in cells), lang
            for cell in cells:
                if cell.element.tag == "th":
                    text = "".join(b.text for b in cell.descendants() if isinstance(b, TextBox)).strip()
                    lines = [b for b in cell.descendants() if type(b).__name__ == "LineBox"]
                    assert " " in text or len(lines) <= 1, (lang, text)

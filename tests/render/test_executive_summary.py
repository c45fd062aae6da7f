"""The first page of the after-action report: what it says is what the records say, it fits on
one A4 page, and every HTML table has a header cell over each of its columns."""

import io
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from bcp_drill.drill.counts import format_percent
from bcp_drill.drill.pinned import pinned_scenario
from bcp_drill.drill.state import DrillState
from bcp_drill.drill.view import DrillView
from bcp_drill.i18n import Translator
from bcp_drill.records.journal import read_journal
from bcp_drill.render.reports import drill_report_sheets, render_drill_report
from bcp_drill.reports.drill_report import build_drill_report
from bcp_drill.reports.drill_report_sources import read_drill_report_sources
from conftest import REPO
from support.drills import make_store
from support.reports import earthquake_drilled_twice
from tui.support import use_utc


@pytest.fixture(scope="module")
def quake(tmp_path_factory):
    use_utc()
    return earthquake_drilled_twice(tmp_path_factory.mktemp("quake"), REPO)


def figures_of(store, record_id):
    """A drill's figures straight from its journal (not through the report)."""
    events = read_journal(store.path_of(record_id)).events
    state = DrillState.from_events(pinned_scenario(events[0]), events)
    return DrillView(state, events[-1].at).figures


def test_the_summary_states_what_the_records_support(quake):
    store, _, (first, second) = quake
    t = Translator("en")
    summary = build_drill_report(read_drill_report_sources(store, second, t.lang), t).executive
    before, now = figures_of(store, first), figures_of(store, second)
    assert summary.comparison.previous_record_id == first
    rows = {row[0]: row[1:] for row in summary.comparison.rows}
    assert rows["On-time rate"][:2] == (format_percent(before.overall.on_time_rate),
                                        format_percent(now.overall.on_time_rate))
    for rating in "PSMU":
        old, new = before.overall.ratings[rating], now.overall.ratings[rating]
        assert rows[f"Steps rated {rating}"] == (str(old), str(new), f"{new - old:+d}" if new != old else "±0")
    assert rows["Steps done"][:2] == (f"{before.overall.done}/{before.overall.total}",
                                      f"{now.overall.done}/{now.overall.total}")
    assert f"{now.overall.done} of {now.overall.total} steps done" in summary.result
    # The previous drill's actions as they stand: P02 closed with evidence, P01 past its due date.
    assert summary.previous_counts == {"done": 1, "open": 2, "overdue": 1, "dropped": 0}
    assert [a.item.problem_id for a in summary.high_priority] == ["P01", "P02"]
    # Raised again while still open: the same step (P01), the same title (P03); P02 was closed.
    assert [a.item.id for a in summary.recurring] == [f"{first}/P01", f"{first}/P03"]
    # Written observations come first, then the hotwash notes; three of each.
    assert summary.strengths == ["衛星電話で本部と連絡を保てた", "参集前に自宅から安否確認を始められた",
                                 "本部への第一報が定時に出た"]
    assert summary.improvements[0] == "燃料業者に夜間の連絡がつかなかった" and len(summary.improvements) == 3


def test_the_first_drill_has_nothing_to_compare_with(quake):
    store, _, (first, _) = quake
    t = Translator("en")
    report = build_drill_report(read_drill_report_sources(store, first, t.lang), t)
    assert report.executive.comparison is None and report.executive.recurring == []
    text = render_drill_report(report, "md", t).decode("utf-8")
    summary_part = text.split("## 1 Overview")[0]
    assert "there is no previous drill to compare with" in summary_part


def test_the_summary_travels_to_csv_and_xlsx(quake):
    store, _, (first, second) = quake
    t = Translator("ja")
    sheets = dict(drill_report_sheets(build_drill_report(read_drill_report_sources(store, second, t.lang), t), t))
    assert list(sheets)[:3] == ["要旨", "前回との比較", "以前の是正措置"]
    earlier = sheets["以前の是正措置"]
    assert [(row[0], row[1], row[5]) for row in earlier.rows] == [
        ("前回の訓練", f"{first}/P01", "はい"), ("前回の訓練", f"{first}/P02", ""),
        ("前回の訓練", f"{first}/P03", ""), ("再び挙がった課題", f"{first}/P01", "はい"),
        ("再び挙がった課題", f"{first}/P03", "")]
    observations = sheets["所見"]
    assert [row[:2] + row[4:6] for row in observations.rows] == [
        ["改善点", "サーバ室・電源・通信の被害を発災3時間以内に把握する（職員の到着後すみやかに）",
         "協定に夜間の窓口がない", "協定に夜間の窓口と代替業者を加える"],
        ["良かった点", "災害対策本部へ定時に報告する", "", ""]]
    plan = sheets["改善計画"]
    overdue = [column.key for column in plan.columns].index("overdue")
    # Its own P01 was due 2026-12-10 (the report is written on 2027-01-27); P02 is not due, P03 has no date.
    assert [row[overdue] for row in plan.rows] == ["はい", "", ""]


class TableShapes(HTMLParser):
    """The column count of each HTML table's last header row and of each of its body rows."""

    def __init__(self):
        super().__init__()
        self.tables, self.row, self.section = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"head": 0, "body": []})
        elif tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr":
            self.row = 0
        elif tag in ("td", "th") and self.row is not None:
            self.row += int(dict(attrs).get("colspan") or 1)

    def handle_endtag(self, tag):
        if tag == "tr" and self.tables and self.row is not None:
            if self.section == "thead":
                self.tables[-1]["head"] = self.row
            else:
                self.tables[-1]["body"].append(self.row)
            self.row = None


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_html_table_has_a_header_over_each_column(quake, lang):
    store, _, (_, second) = quake
    t = Translator(lang)
    shapes = TableShapes()
    sources = read_drill_report_sources(store, second, t.lang)
    shapes.feed(render_drill_report(build_drill_report(sources, t), "html", t).decode("utf-8"))
    assert len(shapes.tables) >= 8
    for index, table in enumerate(shapes.tables):
        assert table["head"], f"table {index} has no header row"
        assert all(cells == table["head"] for cells in table["body"]), (index, table)


def pdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def weasyprint_or_skip():
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        pytest.skip('the optional extra is not installed: pip install "bcp-drill[pdf]"')
    except OSError as error:
        pytest.skip(f"WeasyPrint cannot load the system's Pango: {error}")


def laid_out_pages(html: bytes) -> list[str]:
    """Each A4 page's text as WeasyPrint lays it out (the same layout `write_pdf` draws), read
    from its boxes so that it holds on a machine without a Japanese font, where the glyphs and
    so the PDF's text layer would be missing."""
    from weasyprint import HTML
    from weasyprint.formatting_structure.boxes import TextBox

    document = HTML(string=html.decode("utf-8")).render()
    return [" ".join(" ".join(box.text for box in page._page_box.descendants() if isinstance(box, TextBox)).split())
            for page in document.pages]


def test_the_summary_fits_on_the_first_a4_page_of_the_pdf(quake):
    weasyprint_or_skip()
    store, _, (first, second) = quake
    t = Translator("en")
    sources = read_drill_report_sources(store, second, t.lang)
    flat = laid_out_pages(render_drill_report(build_drill_report(sources, t), "html", t))
    assert "Executive summary" in flat[0]
    # The summary's last line (the second action raised again) is still on page 1, and the
    # overview starts the second page: the whole summary is on the first page.
    assert f"{first}/P03" in flat[0] and "1 Overview" not in flat[0]
    assert flat[1].startswith("1 Overview")
    assert len(flat) > 5


def japanese_font_installed() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    return bool(subprocess.run([fc_list, ":lang=ja"], capture_output=True, text=True).stdout.strip())


def test_a_japanese_pdf_keeps_its_text(quake, tmp_path, monkeypatch, capsys):
    weasyprint_or_skip()
    from bcp_drill.cli import main

    store, _, (first, second) = quake
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    out = tmp_path / "aar.pdf"
    code = main(["report", second, "--format", "pdf", "-o", str(out), "--records", str(store.root), "--lang", "ja"])
    if not japanese_font_installed():
        # Boxes instead of Japanese: refused with the characters named and how to get a font.
        assert code == 1 and not out.exists()
        err = capsys.readouterr().err
        assert "PDF を書けません" in err and "「訓練事後報告書" in err and "fonts-noto-cjk" in err
        return
    assert code == 0, capsys.readouterr()
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    first_page = " ".join(pdf_pages(data)[0].split())
    assert first in first_page  # the previous record (ASCII) is named on the summary page
    assert "要旨" in first_page and "安否確認システムの自動配信が夜間に届かない" in first_page.replace(" ", "")


def test_a_character_no_font_has_is_refused_not_printed_as_a_box():
    weasyprint_or_skip()
    from bcp_drill.render.pdf import PdfUnavailable, html_to_pdf

    assert html_to_pdf(b"<p>Plain ASCII</p>").startswith(b"%PDF")
    # Unassigned code points: no font draws them, wherever it runs. (A private-use character
    # was used before, and Noto CJK, on the PCs of the people this is for, draws some.)
    with pytest.raises(PdfUnavailable) as refused:
        html_to_pdf("<p>Hello \u0378\u0379\u0378</p>".encode())
    assert refused.value.code == "missing_glyphs"
    assert refused.value.params == {"count": 2, "chars": "\u0378\u0379"}
    assert "fonts-noto-cjk" in refused.value.message(Translator("en"))


def test_pdf_without_the_extra_names_what_to_install(tmp_path, monkeypatch, capsys):
    import sys

    from bcp_drill.cli import main
    from bcp_drill.drill.session import DrillSession
    from support.drills import FakeClock, mini_library

    store = make_store(tmp_path, FakeClock())
    drill = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    drill.close()
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it were not installed
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    args = ["report", drill.record_id, "--records", str(store.root), "--lang", "en", "--content",
            str(REPO / "tests" / "data" / "content")]
    code = main([*args, "--format", "pdf"])
    assert code == 1 and "pdf needs a file: give -o FILE" in capsys.readouterr().err
    code = main([*args, "--format", "pdf", "-o", str(tmp_path / "r.pdf")])
    err = capsys.readouterr().err
    assert code == 1 and 'pip install "bcp-drill[pdf]"' in err and "fonts-noto-cjk" in err
    assert "Traceback" not in err and not (tmp_path / "r.pdf").exists()


def test_on_windows_without_gtk_pdf_says_what_to_install_and_every_other_format_works(tmp_path, monkeypatch,
                                                                                      capsys):
    """WeasyPrint installed but its GTK libraries missing, as on a Windows PC without the GTK3
    runtime: importing it raises OSError ("cannot load library 'gobject-2.0-0'")."""
    import importlib.abc
    import sys

    from bcp_drill.cli import main
    from bcp_drill.drill.session import DrillSession
    from support.drills import FakeClock, mini_library

    class NoGtk(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "weasyprint":
                raise OSError("cannot load library 'gobject-2.0-0': error 0x7e.  Additionally, ctypes.util.find_library"
                              "() did not manage to locate a library called 'gobject-2.0-0'")
            return None

    store = make_store(tmp_path, FakeClock())
    drill = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    drill.close()
    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(sys, "meta_path", [NoGtk(), *sys.meta_path])
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    args = ["report", drill.record_id, "--records", str(store.root), "--lang", "ja", "--content",
            str(REPO / "tests" / "data" / "content")]
    code = main([*args, "--format", "pdf", "-o", str(tmp_path / "r.pdf")])
    err = capsys.readouterr().err
    assert code == 1 and "GTK3 ランタイム" in err and "WEASYPRINT_DLL_DIRECTORIES" in err and "gobject-2.0-0" in err
    assert "Traceback" not in err and not (tmp_path / "r.pdf").exists()
    for fmt in ("html", "md", "csv", "xlsx"):
        assert main([*args, "--format", fmt, "-o", str(tmp_path / f"r.{fmt}")]) == 0, capsys.readouterr().err
        assert (tmp_path / f"r.{fmt}").stat().st_size > 0


def test_every_sheet_of_the_workbook_has_a_heading_over_each_column(quake):
    from openpyxl import load_workbook

    from bcp_drill.render import tables

    store, _, (_, second) = quake
    t = Translator("ja")
    report = build_drill_report(read_drill_report_sources(store, second, t.lang), t)
    sheets = drill_report_sheets(report, t)
    book = load_workbook(io.BytesIO(render_drill_report(report, "xlsx", t)))
    assert book.sheetnames == [title[:31] for title, _ in sheets]
    for (title, table), sheet in zip(sheets, book.worksheets, strict=True):
        heading_rows = len(tables.header_rows(table))
        labels = [c.value for c in sheet[heading_rows]]
        assert len(labels) == len(table.columns) and None not in labels, title
        widest = max((len(row) for row in sheet.iter_rows(min_row=heading_rows + 1, max_row=heading_rows
                                                           + len(table.rows), values_only=True)), default=0)
        assert widest <= len(labels), title


def test_the_workbook_keeps_numbers_as_numbers_and_times_as_durations(quake):
    """A change of -27 points is the number -27 shown with its words, not the text '-27 ポイント'
    (which Excel cannot sum or sort); drill times are durations, as the step times are."""
    import re
    from datetime import timedelta

    from openpyxl import load_workbook

    store, _, (first, second) = quake
    t = Translator("ja")
    sources = read_drill_report_sources(store, second, t.lang)
    book = load_workbook(io.BytesIO(render_drill_report(build_drill_report(sources, t), "xlsx", t)))
    before, now = figures_of(store, first), figures_of(store, second)
    compared = {row[0].value: row[1:] for row in book[t("report.sheet_comparison")].iter_rows(min_row=2)}
    rate = compared[t("tui.col_on_time_rate")]
    assert rate[0].value == pytest.approx(before.overall.on_time_rate) and rate[0].number_format == "0%"
    assert rate[1].value == pytest.approx(now.overall.on_time_rate)
    assert rate[2].value == round((now.overall.on_time_rate - before.overall.on_time_rate) * 100)
    assert rate[2].number_format == '+0" ポイント";-0" ポイント";"±0"" ポイント"'
    for rating in "PSMU":
        cells = compared[t("report.exec_rated", rating=rating)]
        old, new = before.overall.ratings[rating], now.overall.ratings[rating]
        assert [c.value for c in cells] == [old, new, new - old] and cells[2].number_format == '+0;-0;"±0"'
    duration = compared[t("report.duration")]
    assert (duration[0].value == timedelta(seconds=before.elapsed_seconds)
            and duration[0].number_format == '"T+"[h]:mm:ss')
    assert duration[2].value == round((now.elapsed_seconds - before.elapsed_seconds) / 60)
    looks_like_a_number = re.compile(r"^(T\+)?[+\-±]?\d+(:\d\d){0,2}( ?(ポイント|分|points|min))?$")
    text_numbers = [(sheet.title, cell.coordinate, cell.value) for sheet in book.worksheets for row in sheet.iter_rows()
                    for cell in row if isinstance(cell.value, str) and looks_like_a_number.match(cell.value)]
    assert text_numbers == []


def test_no_page_ends_with_a_heading_or_the_column_headings_of_a_table(quake):
    """A heading, a table's caption or its column headings left at the foot of a page, their rows
    on the next (seen printing from Chromium): on the laid-out pages of the after-action report,
    in both languages, the last block of every page is content."""
    weasyprint_or_skip()
    from weasyprint import HTML

    store, _, (_, second) = quake
    kinds = ("h1", "h2", "h3", "caption", "thead")
    for lang in ("ja", "en"):
        t = Translator(lang)
        html = render_drill_report(build_drill_report(read_drill_report_sources(store, second, t.lang), t), "html", t)
        pages = HTML(string=html.decode("utf-8")).render().pages
        stranded = []
        for number, page in enumerate(pages[:-1], 1):
            blocks = [box.element.tag for box in page._page_box.descendants()
                      if getattr(box, "element", None) is not None
                      and box.element.tag in (*kinds, "p", "li", "tr", "dl", "div", "td")]
            if blocks and blocks[-1] in kinds:
                stranded.append((lang, number, blocks[-3:]))
        assert len(pages) > 5 and stranded == []


def test_the_main_points_drop_list_marks_and_nothing_of_the_text():
    from bcp_drill.reports.executive_summary import top_points

    answer = ("- 連絡網が機能した\n・参集が早かった\n1. 手順書があった\n２）役割が明確\n"
              "-cmd で確認\n1.5時間で復旧\n* 予備電源\n")
    assert top_points(answer, limit=10) == ["連絡網が機能した", "参集が早かった", "手順書があった", "役割が明確",
                                             "-cmd で確認", "1.5時間で復旧", "予備電源"]

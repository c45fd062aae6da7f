"""The plan-period summary over the plan's three fiscal years (平成29–令和元年度)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from bcp_drill.cli import main
from bcp_drill.content.library import ContentLibrary
from bcp_drill.review.session import ReviewSession, latest_review_before
from review.test_tally import rate_like_the_seed
from support.drills import DATA, FakeClock, make_store


@pytest.fixture
def three_years(tmp_path):
    library = ContentLibrary.load([DATA / "content"], cwd=DATA)
    checklist = library.checklist("seed-measures")
    store = make_store(tmp_path, FakeClock())
    for year in (2017, 2018, 2019):
        session = ReviewSession.start(store, library.checklists["seed-measures"], library.scale_of(checklist),
                                      fiscal_year_value=year,
                                      previous=latest_review_before(store, "seed-measures", year))
        if year == 2019:
            rate_like_the_seed(session)  # the final year, as the seed reports it
        else:
            session.rate("p1-m01", "status", "continuing-in-progress" if year == 2017 else "continuing-on-target")
        session.close()
    return store


def run(store, capsys, *args):
    code = main([*args, "--records", str(store.root), "--content", str(DATA / "content"), "--lang", "ja"])
    return code, capsys.readouterr()


def test_each_measure_per_year_then_the_final_status_and_carry_over(three_years, capsys, tmp_path):
    code, out = run(three_years, capsys, "plan-summary", "seed-measures", "--years", "H29", "R1", "--format", "csv",
                    "-o", str(tmp_path / "plan.csv"))
    assert code == 0, out
    rows = list(csv.reader(io.StringIO((tmp_path / "plan.csv").read_text(encoding="utf-8-sig"))))
    header = next(r for r in rows if r[:3] == ["基本施策（柱）", "ID", "施策"])
    assert header[3:] == ["平成29年度", "平成30年度", "令和元年度", "最終の評価", "次期計画への引継ぎ"]
    first = rows[rows.index(header) + 1]
    # (目標通り is both a continuing and a finished status: the short label says which.)
    assert first[1:] == ["p1-m01", "施策1-1", "実施中", "目標通り（継続中）", "目標以上（継続中）",
                         "目標以上（継続中）", "拡大"]
    # ...and the final year's section-2 table, as the seed prints it (empty cells for zero).
    start = next(n for n, r in enumerate(rows) if r[:2] == ["基本施策（柱）", "施策数"])
    table = next(r for r in rows[start:] if r and r[0] == "(2) 安全・安心に寄与する情報化")
    assert table[:13] == ["(2) 安全・安心に寄与する情報化", "8", "", "5", "2", "", "", "1", "", "1", "6", "", "1"]


def test_a_year_without_a_review_is_named_not_left_blank(three_years, capsys, tmp_path):
    code, out = run(three_years, capsys, "plan-summary", "seed-measures", "--years", "H29", "R2", "--format", "md")
    assert code == 0
    assert "評価の記録がない年度: 令和2年度" in out.out and "（評価なし）" in out.out
    code, out = run(three_years, capsys, "plan-summary", "seed-measures", "--years", "R5", "R7")
    assert code == 1 and "評価の記録が、その期間にありません" in out.err


def test_the_summary_prints_and_opens_in_excel(three_years, capsys, tmp_path):
    code, _ = run(three_years, capsys, "plan-summary", "seed-measures", "--years", "2017", "2019", "--format", "xlsx",
                  "-o", str(tmp_path / "plan.xlsx"))
    assert code == 0
    book = load_workbook(tmp_path / "plan.xlsx")
    assert book.sheetnames == ["施策の推移", "最終年度の集計"]
    code, _ = run(three_years, capsys, "plan-summary", "seed-measures", "--years", "2017", "2019", "--format", "html",
                  "-o", str(tmp_path / "plan.html"))
    html = (tmp_path / "plan.html").read_text(encoding="utf-8")
    assert '<th colspan="7">施策の評価</th>' in html and '<th colspan="4">継続中</th>' in html
    assert "平成29年度" in html
    # Printed: every page holding a wide table is landscape, and its last headings are on the page.
    from weasyprint import HTML
    from weasyprint.formatting_structure.boxes import TextBox

    pages = HTML(string=html).render().pages
    texts = ["".join(box.text for box in page._page_box.descendants() if isinstance(box, TextBox)).replace(" ", "")
             for page in pages]
    tally_pages = [page for page, text in zip(pages, texts, strict=True) if "次期計画への引継ぎ" in text]
    assert tally_pages and all(page.width > page.height for page in tally_pages)
    assert any("確認" in text for text in texts)
    for page in pages:  # no cell runs past the page's edge
        cells = [box for box in page._page_box.descendants() if type(box).__name__ == "TableCellBox"]
        assert all(box.position_x + box.width <= page.width for box in cells)
        for cell in cells:  # a heading with no space in it is never broken (目標以/上, 拡/大, 確/認)
            if cell.element.tag != "th":
                continue
            text = "".join(box.text for box in cell.descendants() if isinstance(box, TextBox)).strip()
            lines = [box for box in cell.descendants() if type(box).__name__ == "LineBox"]
            assert " " in text or len(lines) <= 1, (text, len(lines))


def test_a_measure_finished_in_an_earlier_year_stays_finished_and_counts(tmp_path, capsys):
    """p2-m08 was finished (目標通り) in 平成30年度 and not rated again in 令和元年度: it stays
    finished in the later year, its final status says so, and the plan's table counts it as the
    seed does; a measure not rated in a reviewed year says 未評価, never a blank cell."""
    library = ContentLibrary.load([DATA / "content"], cwd=DATA)
    checklist = library.checklist("seed-measures")
    store = make_store(tmp_path, FakeClock())
    for year in (2018, 2019):
        session = ReviewSession.start(store, library.checklists["seed-measures"], library.scale_of(checklist),
                                      fiscal_year_value=year)
        if year == 2018:
            session.rate("p2-m08", "status", "finished-on-target")
        else:
            rate_like_the_seed(session, skip=("p2-m08",))
            session.rate("p2-m08", "carryover", "abolish")
        session.close()
    code, out = run(store, capsys, "plan-summary", "seed-measures", "--years", "H30", "R1", "--format", "csv",
                    "-o", str(tmp_path / "plan.csv"))
    assert code == 0, out
    rows = list(csv.reader(io.StringIO((tmp_path / "plan.csv").read_text(encoding="utf-8-sig"))))
    by_id = {r[1]: r for r in rows if len(r) > 2}
    assert by_id["p2-m08"][3:] == ["目標通り（完了）", "目標通り（完了）（平成30年度に完了）",
                                   "目標通り（完了）（平成30年度に完了）", "廃止"]
    assert by_id["p2-m07"][3] == "未評価"  # reviewed in 平成30年度, but not this measure
    start = next(n for n, r in enumerate(rows) if r[:2] == ["基本施策（柱）", "施策数"])
    table = next(r for r in rows[start:] if r and r[0] == "(2) 安全・安心に寄与する情報化")
    assert table[:13] == ["(2) 安全・安心に寄与する情報化", "8", "", "5", "2", "", "", "1", "", "1", "6", "", "1"]
    assert any("前の年度に完了した 1 件の施策は、完了したときの評価で数えています: p2-m08" in r[0] for r in rows if r)

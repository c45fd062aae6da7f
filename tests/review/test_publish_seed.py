"""The seed's review document rebuilt: a measures review rated as the seed's measures were and an
items review of the shipped plan-review checklist with the seed's ⇒ assessments and main issues,
published, then compared with the seed: its section-2 table cell by cell, its section-3 levels,
labels and ⇒ placement, its section-4 numbering, and nothing internal in the body."""

import io
import re
from html.parser import HTMLParser

import pytest

from bcp_drill.cli import main
from bcp_drill.content.files import bundled_dirs
from bcp_drill.content.library import ContentLibrary
from bcp_drill.followups.collect import followups_of_record
from bcp_drill.followups.update import update_followup
from bcp_drill.review.session import ReviewSession
from review.test_tally import rate_like_the_seed
from support.drills import DATA, FakeClock, make_store

# The seed's section-2 table as it prints it: blank where none, the column numbers in the heading.
SEED_HEADER = [
    ["基本施策（柱）", "施策数", "施策の評価", "次期計画への引継ぎ"],
    ["継続中", "完了・廃止・中止", "拡大", "同規模", "縮小", "廃止"],
    ["目標以上 ㉔", "目標通り ㉕", "実施中 ㉖", "変わらず ㉗", "目標以上 ㉘", "目標通り ㉙", "廃止・中止 ㉚"],
]
WHOLE_WORDS = {word for row in SEED_HEADER for cell in row for word in cell.split()}
SEED_ROWS = [
    ["(1) にぎわいと活力を創出する情報化", "12", "1", "8", "", "1", "", "2", "", "1", "9", "", "2"],
    ["(2) 安全・安心に寄与する情報化", "8", "", "5", "2", "", "", "1", "", "1", "6", "", "1"],
    ["(3) 情報化による行政運営の効率化", "10", "1", "4", "2", "", "", "3", "", "", "7", "", "3"],
]
# Section 3 as the seed lays it out: each heading, the labels of its requirements, and whether a ⇒ follows.
SEED_OUTLINE = [
    ("(1) 施策展開における横断的考慮事項", [], False),
    ("ア 計画的な事業の遂行", ["a."], True),
    ("イ 情報化施策におけるバリアフリーへの配慮", ["a."], True),
    ("ウ 情報化施策における環境負荷の低減", ["a."], True),
    ("エ デバイスやサービスの趨勢に従った適切な施策展開とコンテンツの鮮度の維持", ["a.", "b."], True),
    ("(2) 地域情報化における課題", [], False),
    ("ア 賑わい・活力の創出に関する取組み", [], False),
    ("(ア) 観光振興に関する取組み", ["a.", "b."], True),
    ("(イ) 教育及び人財育成", ["a."], True),
    ("(ウ) GtoC (Government to Citizen) の取組み", ["a.", "b."], True),
    ("イ 安全、安心への取組み", [], False),
    ("(ア) 防災分野における安全・安心", ["a.", "b.", "c."], True),
    ("(イ) 情報通信技術における安全・安心", ["a."], True),
    ("(3) 庁内情報化における取組み", [], False),
    ("ア 情報セキュリティ対策の推進", ["a.", "b."], True),
    ("イ 庁内システムの再構築・評価", ["a.", "b.", "c.", "d."], True),
    ("ウ 情報リテラシーの向上", ["a."], True),
    ("エ マイナンバーを活用したサービスの検討", ["a."], True),
]
SEED_ISSUES = [
    "ホームページの見やすさと鮮度の確保",
    "内容、対象者、状況に合わせた情報発信媒体の選択",
    "災害発生前及び発生時の情報伝達のあり方と、避難所の通信環境の確保",
    "ソーシャルエンジニアリング等に対する職員の意識の向上",
    "職員の情報リテラシー、PC スキル向上",
    "マイナンバーの利活用のための情報収集",
    "AI（人工知能）、RPA（ロボティック・プロセス・オートメーション）の活用による業務効率化の検討",
]


@pytest.fixture(scope="module")
def seed_records(tmp_path_factory):
    return make_seed_records(tmp_path_factory.mktemp("seed"))


def make_seed_records(folder):
    """The two records of 令和元年度, made through the sessions as reviewers would."""
    store = make_store(folder, FakeClock())
    library = ContentLibrary.load([DATA / "content", *bundled_dirs()], cwd=DATA)
    measures = ReviewSession.start(store, library.checklists["seed-measures"],
                                   library.scale_of(library.checklist("seed-measures")), fiscal_year_value=2019)
    rate_like_the_seed(measures)
    measures.finish()
    measures.close()
    checklist = library.checklist("plan-review-3rd")
    items = ReviewSession.start(store, library.checklists["plan-review-3rd"], library.scale_of(checklist),
                                fiscal_year_value=2019)

    def assess(sections):
        for section in sections:
            if section.items and section.previous_assessment:  # the seed's ⇒, written once per group
                items.assess(section.items[0].id, section.previous_assessment.get("ja"))
            assess(section.sections)

    assess(checklist.sections)
    for number, issue in enumerate(SEED_ISSUES, 1):
        items.raise_problem(f"課題{number}", source_ref=None, main_issue=issue)
    items.finish()
    items.close()
    return store, measures.record_id, items.record_id


def publish(seed_records, capsys, fmt, output, *extra):
    store, measures_id, items_id = seed_records
    code = main(["publish", "--measures", measures_id, "--items", items_id, "--format", fmt, "-o", str(output),
                 "--records", str(store.root), "--lang", "ja", "--force", *extra])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured


class _Cells(HTMLParser):
    """Each table's rows as the text of their cells (th and td), and the body's text in order."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        self.text.append(data)


def test_the_html_prints_the_seeds_section_2_table_cell_by_cell(seed_records, capsys, tmp_path):
    output = tmp_path / "seed.html"
    publish(seed_records, capsys, "html", output)
    parsed = _Cells()
    parsed.feed(output.read_text(encoding="utf-8"))
    table = parsed.tables[0]
    assert table[:3] == SEED_HEADER
    assert table[3:] == SEED_ROWS  # no total row, no 未評価 or 確認 column unless asked


def test_the_total_row_and_zeros_come_when_asked(seed_records, capsys, tmp_path):
    output = tmp_path / "seed.html"
    publish(seed_records, capsys, "html", output, "--totals", "--zeros", "0")
    parsed = _Cells()
    parsed.feed(output.read_text(encoding="utf-8"))
    rows = parsed.tables[0][3:]
    assert rows[0] == ["(1) にぎわいと活力を創出する情報化", "12", "1", "8", "0", "1", "0", "2", "0", "1", "9", "0",
                       "2"]
    assert rows[-1] == ["合計", "30", "2", "17", "4", "1", "0", "6", "0", "2", "22", "0", "6"]


def _outline(html: str) -> list[tuple[str, list[str], bool]]:
    """Section 3's headings, the labels of the requirements under each, and whether a ⇒ follows them."""
    body = html.split("<h2>3. ", 1)[1].split("<h2>4. ", 1)[0]
    outline = []
    for block in re.split(r"(?=<h[345]>)", body)[1:]:
        heading = re.match(r"<h[345]>(.*?)</h[345]>", block).group(1)
        labels = re.findall(r'<p class="item">([a-z]\.) ', block)
        outline.append((heading, labels, "⇒" in block))
    return outline


def test_the_html_lays_out_section_3_and_4_as_the_seed(seed_records, capsys, tmp_path):
    output = tmp_path / "seed.html"
    publish(seed_records, capsys, "html", output)
    html = output.read_text(encoding="utf-8")
    assert _outline(html) == SEED_OUTLINE
    # The ⇒ stands after its group's requirements, with the seed's words.
    group = html.split("ア 計画的な事業の遂行", 1)[1].split("<h", 1)[0]
    assert group.index("a. 施策を評価するための基準") < group.index("⇒毎年度、進捗状況を確認しながら事業を実施。")
    assert "※平成24年度（2012年度）から新学習指導要領に基づき" in html  # the ※ note under its requirement
    assert re.findall(r"<li>\((\d)\) (.*?)</li>", html.split("<h2>4. ", 1)[1].split("</ol>", 1)[0]) == [
        (str(n), issue) for n, issue in enumerate(SEED_ISSUES, 1)]
    assert "<h2>1. 第3次多治見市情報化計画の概要について</h2>" in html
    assert "(1) 策定：平成29年3月" in html and "(2) 計画期間：平成29年度から平成31(令和元)年度まで" in html
    assert "※ <strong>グリーン ICT</strong>：情報通信技術を用いて" in html


def test_record_ids_and_hashes_stand_only_in_the_colophon(seed_records, capsys, tmp_path):
    store, measures_id, items_id = seed_records
    output = tmp_path / "seed.html"
    publish(seed_records, capsys, "html", output)
    html = output.read_text(encoding="utf-8")
    body, colophon = html.split('<section class="colophon">', 1)
    for internal in (measures_id, items_id, "p1-m01", "cc-a.a", "plan-review-3rd", "seed-measures"):
        assert internal not in body
    assert f"bcp-drill verify {measures_id}" in colophon and f"bcp-drill verify {items_id}" in colophon
    assert re.search(r"<code>[0-9a-f]{64}</code>", colophon)
    assert "未評価" not in body and "確認" not in body.split("<h2>3. ")[0]


def test_the_pdf_holds_the_same_table_text(seed_records, capsys, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    output = tmp_path / "seed.pdf"
    store, measures_id, items_id = seed_records
    code = main(["publish", "--measures", measures_id, "--items", items_id, "--format", "pdf", "-o", str(output),
                 "--records", str(store.root), "--lang", "ja"])
    err = capsys.readouterr().err
    if code != 0:  # a machine without a Japanese font: refused with the characters, never boxes
        assert "フォント" in err or "font" in err, err
        assert not output.exists()
        return
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(output.read_bytes())).pages)
    flat = re.sub(r"\s+", "", text)
    for row in SEED_ROWS:  # each pillar, then its figures in order (the blanks print nothing)
        assert re.sub(r"\s+", "", row[0]) + "".join(row[1:]) in flat
    assert re.sub(r"\s+", "", "⇒毎年度、進捗状況を確認しながら事業を実施。") in flat
    for number, issue in enumerate(SEED_ISSUES, 1):
        assert re.sub(r"\s+", "", f"({number}) {issue}") in flat


def test_publishing_two_different_years_or_an_unrated_review_is_refused(seed_records, capsys, tmp_path):
    store, measures_id, items_id = seed_records
    library = ContentLibrary.load([DATA / "content"], cwd=DATA)
    checklist = library.checklist("seed-measures")
    other = ReviewSession.start(store.as_recorder("別の人"), library.checklists["seed-measures"],
                                library.scale_of(checklist), fiscal_year_value=2018)
    other.rate("p1-m01", "status", "continuing-above")
    other.close()
    code = main(["publish", "--measures", other.record_id, "--items", items_id, "--format", "html",
                 "-o", str(tmp_path / "x.html"), "--records", str(store.root), "--lang", "ja"])
    err = capsys.readouterr().err
    assert code == 1 and "年度が違います" in err and "Traceback" not in err
    unrated = ReviewSession.start(store.as_recorder("別の人"), library.checklists["seed-measures"],
                                  library.scale_of(checklist), fiscal_year_value=2019)
    unrated.rate("p1-m01", "status", "continuing-above")
    unrated.close()
    code = main(["publish", "--measures", unrated.record_id, "--items", items_id, "--format", "html",
                 "-o", str(tmp_path / "x.html"), "--records", str(store.root), "--lang", "ja"])
    err = capsys.readouterr().err
    assert code == 1 and "未評価の施策が 30 件" in err and not (tmp_path / "x.html").exists()


def test_printed_headings_stay_whole_and_the_table_stays_on_the_page(seed_records, capsys, tmp_path):
    pytest.importorskip("weasyprint")
    from weasyprint import HTML
    from weasyprint.formatting_structure.boxes import TextBox

    output = tmp_path / "seed.html"
    publish(seed_records, capsys, "html", output)
    pages = HTML(string=output.read_text(encoding="utf-8")).render().pages
    headings = 0
    for page in pages:
        cells = [box for box in page._page_box.descendants() if type(box).__name__ == "TableCellBox"]
        assert all(box.position_x + box.width <= page.width for box in cells)  # nothing past the page edge
        for cell in cells:
            if cell.element.tag != "th":
                continue
            headings += 1
            lines = [box for box in cell.descendants() if type(box).__name__ == "LineBox"]
            words = ["".join(b.text for b in line.descendants() if isinstance(b, TextBox)).strip() for line in lines]
            # Each line is a whole heading or a whole word of one (目標以上, then ㉔): never 目標以 / 上.
            text = "".join(b.text for b in cell.descendants() if isinstance(b, TextBox)).strip()
            assert all(w == text or w in WHOLE_WORDS for w in words if w), (text, words)
    assert headings >= len(SEED_HEADER[0]) + len(SEED_HEADER[1]) + len(SEED_HEADER[2])
    # The table as laid out on the printed page (the PDF is this layout), cell by cell, blanks included.
    printed = []
    for page in pages:
        for row in (box for box in page._page_box.descendants() if type(box).__name__ == "TableRowBox"):
            cells = [box for box in row.children if type(box).__name__ == "TableCellBox"]
            if cells and cells[0].element.tag == "td":
                printed.append(["".join(b.text for b in c.descendants() if isinstance(b, TextBox)).strip()
                                for c in cells])
    assert [[cell.replace(" ", "") for cell in row] for row in printed[:3]] == [
        [cell.replace(" ", "") for cell in row] for row in SEED_ROWS]


def test_the_division_sets_the_order_of_the_main_issues(tmp_path, capsys):
    store, measures_id, items_id = make_seed_records(tmp_path / "records")
    problems = {f.main_issue: f for f in followups_of_record(store, items_id)}
    # The division moves the AI/RPA issue to the top and the home page to second place.
    update_followup(store, problems[SEED_ISSUES[6]].id, issue_order=1)
    code = main(["followups", "update", problems[SEED_ISSUES[0]].id, "--issue-order", "2",
                 "--records", str(store.root), "--lang", "ja"])
    assert code == 0, capsys.readouterr().err
    code = main(["followups", "update", problems[SEED_ISSUES[1]].id, "--issue-order", "0",
                 "--records", str(store.root), "--lang", "ja"])
    assert code == 1 and "1 以上の整数" in capsys.readouterr().err
    output = tmp_path / "seed.html"
    publish((store, measures_id, items_id), capsys, "html", output)
    html = output.read_text(encoding="utf-8")
    listed = re.findall(r"<li>\((\d)\) (.*?)</li>", html.split("<h2>4. ", 1)[1].split("</ol>", 1)[0])
    assert [issue for _, issue in listed] == [SEED_ISSUES[6], SEED_ISSUES[0], *SEED_ISSUES[1:6]]
    assert [number for number, _ in listed] == [str(n) for n in range(1, 8)]


def test_the_docx_holds_the_seeds_table_and_layout(seed_records, capsys, tmp_path):
    import docx

    output = tmp_path / "seed.docx"
    publish(seed_records, capsys, "docx", output)
    document = docx.Document(str(output))
    table = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    # Merged heading cells read back as the same text in each column they span.
    assert [list(dict.fromkeys(row)) for row in rows[:2]] == [
        SEED_HEADER[0], ["基本施策（柱）", "施策数", *SEED_HEADER[1]]]
    assert rows[2][2:9] == SEED_HEADER[2]
    assert rows[3:] == SEED_ROWS
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    texts = [text for _, text in paragraphs]
    headings = [(style, text) for style, text in paragraphs if style.startswith("Heading")]
    level = {"Heading 2": 1, "Heading 3": 2, "Heading 4": 3}
    section_3 = [(text, level[style]) for style, text in headings if style in level]
    assert [text for text, _ in section_3] == [heading for heading, _, _ in SEED_OUTLINE]
    assert [depth for _, depth in section_3][:6] == [1, 2, 2, 2, 2, 1]
    first = texts.index("a. 施策を評価するための基準を持ち、計画的に事業を遂行していく必要があります。")
    assert texts[first + 1].startswith("⇒毎年度、進捗状況を確認しながら事業を実施。")
    issues_at = texts.index("4. 今後の主な課題")
    assert texts[issues_at + 1:issues_at + 8] == [f"({n}) {issue}" for n, issue in enumerate(SEED_ISSUES, 1)]
    store, measures_id, items_id = seed_records
    colophon = next(i for i, (style, text) in enumerate(paragraphs) if text == "この文書の出典")
    body = "\n".join(texts[:colophon]) + "\n".join(c.text for row in table.rows for c in row.cells)
    assert measures_id not in body and items_id not in body


def test_the_plans_figure_is_embedded_in_html_and_docx(tmp_path, capsys):
    import docx
    from PIL import Image

    content = tmp_path / "content"
    content.mkdir()
    shipped = next(folder for folder in bundled_dirs() if folder.name == "checklists") / "plan-review-3rd.yaml"
    text = shipped.read_text(encoding="utf-8").replace("  figure:\n", "  figure:\n    file: concept.png\n", 1)
    (content / "plan-review-3rd.yaml").write_text(text, encoding="utf-8")
    Image.new("RGB", (400, 200), "white").save(content / "concept.png")
    store = make_store(tmp_path / "records", FakeClock())
    library = ContentLibrary.load([DATA / "content", content], cwd=tmp_path)
    measures = ReviewSession.start(store, library.checklists["seed-measures"],
                                   library.scale_of(library.checklist("seed-measures")), fiscal_year_value=2019)
    rate_like_the_seed(measures)
    measures.close()
    items = ReviewSession.start(store, library.checklists["plan-review-3rd"],
                                library.scale_of(library.checklist("plan-review-3rd")), fiscal_year_value=2019)
    items.close()
    for fmt in ("html", "docx"):
        code = main(["publish", "--measures", measures.record_id, "--items", items.record_id, "--format", fmt,
                     "-o", str(tmp_path / f"out.{fmt}"), "--records", str(store.root), "--content", str(content),
                     "--lang", "ja"])
        err = capsys.readouterr().err
        assert code == 0, err
        assert "記録されていません" in err  # no ⇒ recorded in this review: said, never left silently blank
    html = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert '<img src="data:image/png;base64,' in html  # the HTML stands alone
    assert len(docx.Document(str(tmp_path / "out.docx")).inline_shapes) == 1

"""The published review as a Word document: read back with python-docx, it says what the data
says in the seed's order — headings at their levels, the measures table with its spans, each ⇒
right under its group's items, issues numbered as text — and no record id or hash comes before
the colophon, which lists each record with the command that verifies it."""

import io
import struct
import zipfile
import zlib
from datetime import datetime, timezone
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from bcp_drill.drill.counts import format_local_minute
from bcp_drill.i18n import Translator
from bcp_drill.render.publication_docx import render_publication_docx
from bcp_drill.reports.publication import (
    GridTable,
    HeaderCell,
    PublishedReview,
    ReviewGroup,
    ReviewItemEntry,
    SourceRecord,
)

MEASURES_ID, ITEMS_ID = "20270331-101500-plan-measures", "20270331-113000-plan-review"
MEASURES_HASH, ITEMS_HASH = "a1" * 32, "b2" * 32

WORDS = {
    "ja": dict(
        title="第3次多治見市情報化計画の総括について", overview="第3次多治見市情報化計画の概要について",
        adopted=("策定", "平成29年3月"), period=("計画期間", "平成29年度から平成31(令和元)年度まで"),
        measures="第3次計画における施策の評価と次期計画（第4次）への引継ぎ",
        lead="毎年度、年度当初に柱について該当する具体的施策を把握し、当該年度末に進捗を評価してきたところ。",
        header=[["基本施策（柱）", "施策数", "施策の評価", "次期計画への引継ぎ"],
                ["継続中", "完了", "拡大", "廃止"], ["目標以上 ㉔", "実施中 ㉖"]],
        pillars=["(1) にぎわいと活力を創出する情報化", "(2) 安全・安心に寄与する情報化"],
        review="第3次計画の総括", issues_title="今後の主な課題", colon="：",
        groups=["(1) 施策展開における横断的考慮事項", "ア 計画的な事業の遂行", "(2) 地域情報化における課題",
                "ア 賑わい・活力の創出に関する取組み", "(ア) 観光振興に関する取組み"],
        items=["施策を評価するための基準を持ち、計画的に事業を遂行していく必要があります。",
               "学校との連携も含めた教育及び人財育成に努めていく必要があります。",
               "観光拠点における Wi-Fi の整備が求められています。"],
        note="平成24年度から中学校で「プログラムによる計測・制御」が必修化されました。",
        assessment=["毎年度、進捗状況を確認しながら事業を実施。", "今後は不要な事業の廃止を決断することも必要。"],
        issues=["ホームページの見やすさと鮮度の確保", "内容、対象者、状況に合わせた情報発信媒体の選択",
                "職員の情報リテラシー、PC スキル向上"],
        glossary=[("グリーン ICT", "情報通信技術を用いて社会の環境負荷を低減する取組み。"),
                  ("情報リテラシー", "適切に情報を活用することができる基礎的な知識・技能。")],
        roles=("施策の評価（第2章）", "総括の評価項目（第3章・第4章）")),
    "en": dict(
        title="Review of the 3rd Tajimi City Information Plan", overview="The 3rd plan in brief",
        adopted=("Adopted", "March 2017"), period=("Plan period", "FY2017 to FY2019"),
        measures="Measures rated, and what passes to the 4th plan",
        lead="Each year the measures of each pillar were listed at its start and rated at its end.",
        header=[["Pillar", "Measures", "Rating", "Next plan"],
                ["Ongoing", "Done", "Expand", "End"], ["Above target ㉔", "Under way ㉖"]],
        pillars=["(1) Lively, vital city", "(2) Safe and secure city"],
        review="The 3rd plan reviewed", issues_title="Main issues ahead", colon=": ",
        groups=["(1) Across all measures", "A Planned delivery", "(2) Regional informatization",
                "A Lively city", "(a) Tourism"],
        items=["Keep criteria to rate measures and deliver them to plan.",
               "Educate and develop people in schools and the community.",
               "Wi-Fi is wanted at tourist spots."],
        note="Programmed measurement and control became compulsory in junior high schools from FY2012.",
        assessment=["Progress was checked each year.", "Measures no longer needed should be ended."],
        issues=["A readable, up-to-date website", "Media chosen for content and audience",
                "Staff information literacy and PC skills"],
        glossary=[("Green ICT", "Lowering society's environmental load with ICT."),
                  ("Information literacy", "The basic knowledge and skill to use information well.")],
        roles=("Measures rated (section 2)", "Review items (sections 3 and 4)")),
}
GENERATED = datetime(2027, 4, 5, 9, 30, tzinfo=timezone.utc)


def publication(lang: str, figure_file: Path | None = None) -> PublishedReview:
    w = WORDS[lang]
    top, middle, bottom = w["header"]
    header = [[HeaderCell(top[0], rowspan=3), HeaderCell(top[1], rowspan=3), HeaderCell(top[2], colspan=3),
               HeaderCell(top[3], colspan=2)],
              [HeaderCell(middle[0], colspan=2), HeaderCell(middle[1], rowspan=2), HeaderCell(middle[2], rowspan=2),
               HeaderCell(middle[3], rowspan=2)],
              [HeaderCell(bottom[0]), HeaderCell(bottom[1])]]
    rows = [[w["pillars"][0], "12", "1", "8", "", "9", "0"],
            [w["pillars"][1], "8", "", "5", "2", "6", ""]]
    first, second, third = w["items"]
    groups = [ReviewGroup(1, w["groups"][0]),
              ReviewGroup(2, w["groups"][1], [ReviewItemEntry("a.", first), ReviewItemEntry("b.", second, w["note"])],
                          list(w["assessment"])),
              ReviewGroup(1, w["groups"][2]),
              ReviewGroup(2, w["groups"][3]),
              ReviewGroup(3, w["groups"][4], [ReviewItemEntry("a.", third)], [], assessed=False)]
    return PublishedReview(
        lang=lang, title=w["title"], year_label="令和元年度" if lang == "ja" else "FY2019",
        overview_title=w["overview"], overview=[w["adopted"], w["period"]],
        figure_label=Translator(lang)("publish.figure"), figure_file=figure_file,
        figure_caption="※第3次多治見市情報化計画冊子P.30図28、29より" if lang == "ja" else "From the plan, p. 30",
        measures_title=w["measures"], measures_lead=w["lead"], measures_table=GridTable(header, rows),
        review_title=w["review"], groups=groups, issues_title=w["issues_title"], issues=list(w["issues"]),
        glossary=list(w["glossary"]),
        sources=[SourceRecord(w["roles"][0], MEASURES_ID, MEASURES_HASH, "measures checklist"),
                 SourceRecord(w["roles"][1], ITEMS_ID, ITEMS_HASH, "items checklist")],
        generated_at=GENERATED, tool_version="9.9.9")


def read_back(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def texts(document: docx.document.Document) -> list[str]:
    return [p.text for p in document.paragraphs]


def following(document: docx.document.Document, text: str, count: int) -> list[str]:
    paragraphs = texts(document)
    start = paragraphs.index(text) + 1
    return paragraphs[start:start + count]


def heading_level(style_name: str) -> int:
    return 0 if style_name == "Title" else int(style_name.removeprefix("Heading "))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_headings_stand_in_the_seeds_order_at_their_levels(lang):
    w, t = WORDS[lang], Translator(lang)
    document = read_back(render_publication_docx(publication(lang), t))
    headings = [(heading_level(p.style.name), p.text) for p in document.paragraphs
                if p.style.name == "Title" or p.style.name.startswith("Heading")]
    assert headings == [
        (0, w["title"]), (1, f"1. {w['overview']}"), (1, f"2. {w['measures']}"), (1, f"3. {w['review']}"),
        (2, w["groups"][0]), (3, w["groups"][1]), (2, w["groups"][2]), (3, w["groups"][3]), (4, w["groups"][4]),
        (1, f"4. {w['issues_title']}"), (1, t("publish.colophon"))]
    assert document.core_properties.title == w["title"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_overview_numbers_its_lines_with_the_languages_colon(lang):
    w, t = WORDS[lang], Translator(lang)
    document = read_back(render_publication_docx(publication(lang), t))
    (adopted, when), (period, years) = w["adopted"], w["period"]
    assert following(document, f"1. {w['overview']}", 3) == [
        f"(1) {adopted}{w['colon']}{when}", f"(2) {period}{w['colon']}{years}", f"(3) {t('publish.figure')}"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_measures_table_keeps_its_spans_and_its_blanks(lang):
    w = WORDS[lang]
    document = read_back(render_publication_docx(publication(lang), Translator(lang)))
    table = document.tables[0]
    top, middle, bottom = w["header"]
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        [top[0], top[1], top[2], top[2], top[2], top[3], top[3]],
        [top[0], top[1], middle[0], middle[0], middle[1], middle[2], middle[3]],
        [top[0], top[1], bottom[0], bottom[1], middle[1], middle[2], middle[3]],
        [w["pillars"][0], "12", "1", "8", "", "9", "0"],
        [w["pillars"][1], "8", "", "5", "2", "6", ""]]
    repeated = [row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None for row in table.rows]
    assert repeated == [True, True, True, False, False]
    assert table.style.name == "Table Grid"
    order = [child.tag for child in table._tbl.tblPr]  # Word refuses a file whose table properties are out of order
    assert order.index(qn("w:tblCellMar")) < order.index(qn("w:tblLook"))
    assert all(run.bold for row in table.rows[:3] for cell in row.cells for p in cell.paragraphs for run in p.runs)
    assert [cell.paragraphs[0].alignment for cell in table.rows[3].cells][:3] == [0, 1, 1]  # left, centred


def measures_table_of(review: PublishedReview) -> docx.table.Table:
    return read_back(render_publication_docx(review, Translator("ja"))).tables[0]


def _measures_of_width(marks: str) -> GridTable:
    return GridTable([[HeaderCell("基本施策（柱）"), HeaderCell("施策数")]
                      + [HeaderCell(f"目標以上 {n}") for n in marks]
                      + [HeaderCell(word) for word in ("拡大", "同規模", "縮小", "廃止")]],
                     [["(1) にぎわいと活力を創出する情報化", "12"] + [""] * (len(marks) + 4)])


def test_the_seeds_table_fits_portrait_and_a_wider_one_turns_its_section_to_landscape_and_back():
    seed = publication("ja")
    seed.measures_table = _measures_of_width("㉔㉕㉖㉗㉘㉙㉚")  # the seed's 13 columns: as the city prints it
    assert [round(s.page_width.mm) for s in read_back(render_publication_docx(seed, Translator("ja"))).sections] == [
        210]
    wide = publication("ja")
    wide.measures_table = _measures_of_width("㉔㉕㉖㉗㉘㉙㉚㉛㉜㉝㉞㉟")
    sections = read_back(render_publication_docx(wide, Translator("ja"))).sections
    assert [round(s.page_width.mm) for s in sections] == [210, 297, 210]
    for review, text_width in ((wide, 297 - 40), (publication("ja"), 210 - 40)):  # A4 less 20 mm margins
        widths = [column.width.mm for column in measures_table_of(review).columns]
        assert sum(widths) == pytest.approx(text_width, abs=0.5)
    narrow = read_back(render_publication_docx(publication("ja"), Translator("ja"))).sections
    assert [(round(s.page_width.mm), round(s.page_height.mm), round(s.left_margin.mm)) for s in narrow] == [
        (210, 297, 20)]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_each_assessment_follows_its_groups_items(lang):
    w, t = WORDS[lang], Translator(lang)
    document = read_back(render_publication_docx(publication(lang), t))
    first, second, third = w["items"]
    assert following(document, w["groups"][1], 5) == [
        f"a. {first}", f"b. {second}", f"※{w['note']}", f"⇒{w['assessment'][0]}", w["assessment"][1]]
    assert following(document, w["groups"][4], 2) == [f"a. {third}", f"⇒{t('publish.none_recorded')}"]
    by_text = {p.text: p for p in document.paragraphs}
    assert by_text[w["assessment"][1]].paragraph_format.left_indent > 0
    assert by_text[f"※{w['note']}"].runs[0].font.size < document.styles["Normal"].font.size
    assert following(document, w["groups"][0], 1) == [w["groups"][1]]  # a heading over subgroups has no ⇒


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_issues_are_numbered_as_text_and_terms_are_footnoted(lang):
    w, t = WORDS[lang], Translator(lang)
    document = read_back(render_publication_docx(publication(lang), t))
    assert following(document, f"4. {w['issues_title']}", 3) == [f"({n}) {issue}" for n, issue in
                                                                 enumerate(w["issues"], start=1)]
    terms = following(document, t("publish.footnotes"), 2)
    assert terms == [f"※ {term}{w['colon']}{text}" for term, text in w["glossary"]]
    by_text = {p.text: p for p in document.paragraphs}
    assert [[run.bold for run in by_text[line].runs] for line in terms] == [[False, True, False]] * 2


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_record_id_or_hash_comes_before_the_colophon(lang):
    t = Translator(lang)
    data = render_publication_docx(publication(lang), t)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = {name: package.read(name).decode("utf-8", "replace") for name in package.namelist()}
    body = parts.pop("word/document.xml")
    colophon = body.index(t("publish.colophon"))
    for secret in (MEASURES_ID, ITEMS_ID, MEASURES_HASH, ITEMS_HASH):
        assert body.index(secret) > colophon
        assert not [name for name, text in parts.items() if secret in text]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_colophon_lists_each_record_with_its_verify_command(lang):
    w, t = WORDS[lang], Translator(lang)
    document = read_back(render_publication_docx(publication(lang), t))
    heading = next(p for p in document.paragraphs if p.text == t("publish.colophon"))
    assert heading.paragraph_format.page_break_before
    assert following(document, t("publish.colophon"), 1) == [t("publish.colophon_lead")]
    rows = [[cell.text for cell in row.cells] for row in document.tables[-1].rows]
    assert rows[0] == [t("publish.colophon_record"), t("publish.colophon_hash"), t("publish.colophon_verify")]
    for row, role, record_id, final_hash in zip(rows[1:], w["roles"], (MEASURES_ID, ITEMS_ID),
                                                (MEASURES_HASH, ITEMS_HASH), strict=True):
        assert role in row[0] and record_id in row[0]
        assert row[1:] == [final_hash, f"bcp-drill verify {record_id}"]
    generated = t("publish.colophon_generated", at=format_local_minute(GENERATED), version="9.9.9")
    assert texts(document)[-1] == generated


def wide_png(path: Path, width: int = 3000, height: int = 10) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = zlib.compress(b"".join(b"\x00" + b"\xff" * width for _ in range(height)))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))
    return path


def test_the_figure_is_placed_no_wider_than_15_cm_and_an_unreadable_one_is_left_out(tmp_path):
    t = Translator("ja")
    document = read_back(render_publication_docx(publication("ja", wide_png(tmp_path / "plan.png")), t))
    (figure,) = document.inline_shapes
    assert figure.width <= Mm(150) and figure.width > Mm(140)
    assert following(document, f"(3) {t('publish.figure')}", 2)[1] == "※第3次多治見市情報化計画冊子P.30図28、29より"
    svg = tmp_path / "plan.svg"
    svg.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    document = read_back(render_publication_docx(publication("ja", svg), t))
    assert len(document.inline_shapes) == 0
    assert following(document, f"(3) {t('publish.figure')}", 1) == ["※第3次多治見市情報化計画冊子P.30図28、29より"]


def test_the_document_is_a_word_package_set_for_japanese():
    data = render_publication_docx(publication("ja"), Translator("ja"))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        assert "word/document.xml" in package.namelist()
        styles = package.read("word/styles.xml").decode("utf-8")
        footer = "".join(package.read(name).decode("utf-8") for name in package.namelist() if "footer" in name)
    assert 'w:eastAsia="游明朝"' in styles and "eastAsiaTheme" not in styles.split("</w:docDefaults>")[0]
    assert 'w:instr="PAGE"' in footer

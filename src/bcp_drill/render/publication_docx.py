"""The published plan review (reports/publication.py) as a Word document the information division
edits and files: the seed's 評価書 — title, sections 1 to 4, the ※ terms — then, after a page
break, the colophon with the records and how to verify them. Numbers are written as text, not
Word numbering, so they survive copy and paste. Imported only by the command that writes it."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from bcp_drill.drill.counts import format_local_minute
from bcp_drill.i18n import Translator
from bcp_drill.reports.publication import GridTable, HeaderCell, PublishedReview, ReviewGroup, SourceRecord

PAGE_WIDTH_MM, PAGE_HEIGHT_MM, MARGIN_MM = 210.0, 297.0, 20.0  # A4
FIGURE_WIDTH_MM = 150.0  # the widest a figure is printed
BODY_PT, SMALL_PT, TABLE_PT, CODE_PT = 10.5, 9.0, 8.0, 8.0
CELL_MARGIN_MM = 0.7  # left and right inside each cell of the measures table
TEXT_COLUMN_MIN_MM = 30.0  # narrower than this, the pillar names wrap too often: turn the page
EAST_ASIAN_FONT = "游明朝"  # Yu Mincho; Word finds it by either name
LATIN_FONT = {"ja": "Century", "en": "Calibri"}
CODE_FONT = "Consolas"
HEADING_SIZES_PT = {"Title": 16.0, "Heading 1": 13.0, "Heading 2": 12.0, "Heading 3": 11.0, "Heading 4": 10.5}
MM_PER_PT = 25.4 / 72


def render_publication_docx(publication: PublishedReview, t: Translator) -> bytes:
    """The published review as a .docx file's bytes."""
    document = Document()
    _set_up_page(document.sections[0])
    _page_number_footer(document.sections[0])
    _set_up_styles(document, publication.lang)
    _set_properties(document, publication)
    title = document.add_heading(publication.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _overview(document, publication)
    _measures(document, publication)
    _review(document, publication, t)
    _issues(document, publication)
    _glossary(document, publication, t)
    _colophon(document, publication, t)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- page, styles, properties -------------------------------------------------------------------

def _set_up_page(section: Section, landscape: bool = False) -> None:
    width, height = (PAGE_HEIGHT_MM, PAGE_WIDTH_MM) if landscape else (PAGE_WIDTH_MM, PAGE_HEIGHT_MM)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.left_margin = section.right_margin = Mm(MARGIN_MM)
    section.top_margin = section.bottom_margin = Mm(MARGIN_MM)


def _text_width_mm(section: Section) -> float:
    width = section.page_width or Mm(PAGE_WIDTH_MM)
    return float(width.mm) - 2 * MARGIN_MM


def _page_number_footer(section: Section) -> None:
    """A centred PAGE field; later sections keep it (their footers are linked to this one)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple", {qn("w:instr"): "PAGE"})
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _set_fonts(r_pr: BaseOxmlElement, latin: str) -> None:
    """Explicit fonts: the template's theme fonts would win over them, so they go."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for kind in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(kind), latin)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)


def _set_up_styles(document: WordDocument, lang: str) -> None:
    latin = LATIN_FONT.get(lang, LATIN_FONT["en"])
    defaults = document.styles.element.find(qn("w:docDefaults"))
    default_run = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}") if defaults is not None else None
    if default_run is not None:
        _set_fonts(default_run, latin)
        language = default_run.find(qn("w:lang"))
        if language is not None:  # Japanese line breaking (no 。 at a line's start) wherever there is Japanese
            language.set(qn("w:eastAsia"), "ja-JP")
    normal = document.styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr(), latin)
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.space_after = Pt(6)
    for name, size in HEADING_SIZES_PT.items():
        style = document.styles[name]
        _set_fonts(style.element.get_or_add_rPr(), latin)
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0, 0, 0)  # a filed document is printed in black
        style.font.italic = False
        style.font.bold = True
        style.paragraph_format.space_before = Pt(12 if name == "Heading 1" else 8)
        style.paragraph_format.space_after = Pt(4)


def _set_properties(document: WordDocument, publication: PublishedReview) -> None:
    properties = document.core_properties
    properties.title = publication.title
    properties.subject = publication.year_label
    properties.language = "ja-JP" if publication.lang == "ja" else "en-US"
    properties.author = properties.last_modified_by = properties.comments = ""  # not the template's "python-docx"
    properties.created = properties.modified = publication.generated_at
    properties.revision = 1


# --- paragraphs -----------------------------------------------------------------------------------

def _colon(lang: str) -> str:
    return "：" if lang == "ja" else ": "


def _paragraph(document: WordDocument, text: str, size: float | None = None, indent_pt: float = 0.0) -> Paragraph:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    if size is not None:
        run.font.size = Pt(size)
    if indent_pt:
        paragraph.paragraph_format.left_indent = Pt(indent_pt)
    return paragraph


def _overview(document: WordDocument, publication: PublishedReview) -> None:
    document.add_heading(f"1. {publication.overview_title}", level=1)
    for number, (label, text) in enumerate(publication.overview, start=1):
        _paragraph(document, f"({number}) {label}{_colon(publication.lang)}{text}")
    if publication.figure_file is None and not publication.figure_caption:
        return  # the plan has no figure: no heading over nothing
    _paragraph(document, f"({len(publication.overview) + 1}) {publication.figure_label}")
    if publication.figure_file is not None:
        _figure(document, publication.figure_file)
    if publication.figure_caption:
        _paragraph(document, publication.figure_caption, SMALL_PT).alignment = WD_ALIGN_PARAGRAPH.CENTER


def _figure(document: WordDocument, path: Path) -> None:
    """The figure, centred, at most FIGURE_WIDTH_MM wide; a file Word cannot show (SVG…) is left
    out, as a missing one is: the heading and caption still stand."""
    try:
        image = Image.from_file(str(path))
    except (OSError, UnrecognizedImageError):
        return
    width = min(Mm(FIGURE_WIDTH_MM), image.width)
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run().add_picture(str(path), width=width)


def _review(document: WordDocument, publication: PublishedReview, t: Translator) -> None:
    document.add_heading(f"3. {publication.review_title}", level=1)
    for group in publication.groups:
        document.add_heading(group.title, level=min(group.level + 1, 9))
        for item in group.items:
            _paragraph(document, f"{item.label} {item.requirement}")
            if item.note:
                note = item.note if item.note.startswith("※") else f"※{item.note}"
                _paragraph(document, note, SMALL_PT)
        _assessment(document, group, t)


def _assessment(document: WordDocument, group: ReviewGroup, t: Translator) -> None:
    """The ⇒ under a group's items: its first paragraph after the arrow, the rest indented."""
    if not group.items:
        return  # a heading over subgroups
    if not group.assessed:
        _paragraph(document, f"⇒{t('publish.none_recorded')}")
        return
    for index, paragraph in enumerate(group.assessment):
        if index == 0:
            _paragraph(document, f"⇒{paragraph}")
        else:
            _paragraph(document, paragraph, indent_pt=BODY_PT)


def _issues(document: WordDocument, publication: PublishedReview) -> None:
    document.add_heading(f"4. {publication.issues_title}", level=1)
    for number, issue in enumerate(publication.issues, start=1):
        _paragraph(document, f"({number}) {issue}")


def _glossary(document: WordDocument, publication: PublishedReview, t: Translator) -> None:
    if not publication.glossary:
        return
    heading = _paragraph(document, t("publish.footnotes"), SMALL_PT)
    heading.runs[0].bold = True
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.keep_with_next = True  # never alone at the foot of a page
    for term, text in publication.glossary:
        paragraph = document.add_paragraph()
        for words, bold in (("※ ", False), (term, True), (f"{_colon(publication.lang)}{text}", False)):
            run = paragraph.add_run(words)
            run.bold = bold
            run.font.size = Pt(SMALL_PT)


# --- section 2: the measures table ----------------------------------------------------------------

@dataclass(frozen=True)
class PlacedHeading:
    row: int
    column: int
    cell: HeaderCell


def place_headings(header: list[list[HeaderCell]]) -> list[PlacedHeading]:
    """Where each heading cell starts, skipping the places that spans from above hold."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for row, cells in enumerate(header):
        column = 0
        for cell in cells:
            while (row, column) in taken:
                column += 1
            placed.append(PlacedHeading(row, column, cell))
            taken |= {(row + down, column + across) for down in range(cell.rowspan) for across in range(cell.colspan)}
            column += cell.colspan
    return placed


def _em_width(text: str) -> float:
    """Width in ems: a full-width character is one, any other about a half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.55 for c in text)


def _needed_mm(text: str) -> float:
    """The narrowest column that shows each word of TEXT on one line."""
    longest = max((_em_width(word) for word in text.split()), default=0.0)
    return longest * TABLE_PT * MM_PER_PT + 2 * CELL_MARGIN_MM + 0.5


def figure_column_widths(grid: GridTable, columns: int) -> list[float]:
    """The narrowest width (mm) of each column after the text columns: wide enough for each word
    of its headings (a span's words shared by the columns under it) and for its figures."""
    widths = [0.0] * columns
    for row in grid.rows:
        for column, text in enumerate(row[:columns]):
            widths[column] = max(widths[column], _needed_mm(text))
    for placed in sorted(place_headings(grid.header), key=lambda p: p.cell.colspan):
        span = range(placed.column, min(placed.column + placed.cell.colspan, columns))
        short = _needed_mm(placed.cell.text) - sum(widths[c] for c in span)
        if short > 0:
            for column in span:
                widths[column] += short / len(span)
    return widths[grid.text_columns:]


def _column_count(grid: GridTable) -> int:
    ends = [p.column + p.cell.colspan for p in place_headings(grid.header)] + [len(row) for row in grid.rows]
    return max(ends, default=0)


def _measures(document: WordDocument, publication: PublishedReview) -> None:
    grid = publication.measures_table
    columns = _column_count(grid)
    figures = figure_column_widths(grid, columns)
    text_columns = max(grid.text_columns, 0)
    portrait = _text_width_mm(document.sections[-1])
    landscape = (portrait - sum(figures)) / max(text_columns, 1) < TEXT_COLUMN_MIN_MM
    if landscape:  # the section's heading turns with its table
        _set_up_page(document.add_section(WD_SECTION.NEW_PAGE), landscape=True)
    document.add_heading(f"2. {publication.measures_title}", level=1)
    if publication.measures_lead:
        _paragraph(document, publication.measures_lead)
    if columns:
        text_width = (_text_width_mm(document.sections[-1]) - sum(figures)) / max(text_columns, 1)
        _measures_table(document, grid, columns, [text_width] * text_columns + figures)
    if landscape:
        _set_up_page(document.add_section(WD_SECTION.NEW_PAGE))


def _measures_table(document: WordDocument, grid: GridTable, columns: int, widths_mm: list[float]) -> None:
    table = document.add_table(rows=len(grid.header) + len(grid.rows), cols=columns)
    table.style = document.styles["Table Grid"]
    table.autofit = False
    _cell_margins(table, CELL_MARGIN_MM)
    for index, width in enumerate(widths_mm[:columns]):
        table.columns[index].width = Mm(width)
        for cell in table.columns[index].cells:
            cell.width = Mm(width)
    for row in table.rows[:len(grid.header)]:
        _row_property(row, "w:tblHeader")  # repeated at the top of each page
    for row in table.rows:
        _row_property(row, "w:cantSplit")
    for placed in place_headings(grid.header):
        last_row = min(placed.row + placed.cell.rowspan, len(grid.header)) - 1
        last_column = min(placed.column + placed.cell.colspan, columns) - 1
        cell = table.cell(placed.row, placed.column)
        if (last_row, last_column) != (placed.row, placed.column):
            cell = cell.merge(table.cell(last_row, last_column))
        _write_cell(cell, placed.cell.text, WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    for offset, values in enumerate(grid.rows):
        for column, text in enumerate(values[:columns]):
            align = WD_ALIGN_PARAGRAPH.LEFT if column < grid.text_columns else WD_ALIGN_PARAGRAPH.CENTER
            _write_cell(table.cell(len(grid.header) + offset, column), text, align)


def _write_cell(cell: _Cell, text: str, align: WD_ALIGN_PARAGRAPH, bold: bool = False,
                size: float = TABLE_PT, font: str | None = None) -> None:
    """TEXT as it is: a blank cell stays blank."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        run.font.size = Pt(size)
        if font:
            run.font.name = font


def _row_property(row: _Row, tag: str) -> None:
    properties = row._tr.get_or_add_trPr()
    if properties.find(qn(tag)) is None:
        properties.append(OxmlElement(tag))


def _cell_margins(table: Table, margin_mm: float) -> None:
    twips = str(round(margin_mm / 25.4 * 1440))
    margins = OxmlElement("w:tblCellMar")
    for side in ("w:left", "w:right"):
        margins.append(OxmlElement(side, {qn("w:w"): twips, qn("w:type"): "dxa"}))
    properties = table._tbl.tblPr
    look = properties.find(qn("w:tblLook"))
    if look is not None:  # the schema's order: Word refuses a file whose tblCellMar follows tblLook
        look.addprevious(margins)
    else:
        properties.append(margins)


# --- the colophon ---------------------------------------------------------------------------------

COLOPHON_WIDTHS_MM = (55.0, 60.0, 55.0)


def _colophon(document: WordDocument, publication: PublishedReview, t: Translator) -> None:
    """After a page break: where the figures come from, and how to check the records are unchanged."""
    heading = document.add_heading(t("publish.colophon"), level=1)
    heading.paragraph_format.page_break_before = True
    _paragraph(document, t("publish.colophon_lead"))
    table = document.add_table(rows=1 + len(publication.sources), cols=3)
    table.style = document.styles["Table Grid"]
    table.autofit = False
    for index, width in enumerate(COLOPHON_WIDTHS_MM):
        table.columns[index].width = Mm(width)
        for cell in table.columns[index].cells:
            cell.width = Mm(width)
    _row_property(table.rows[0], "w:tblHeader")
    for cell, key in zip(table.rows[0].cells, ("colophon_record", "colophon_hash", "colophon_verify"), strict=True):
        _write_cell(cell, t(f"publish.{key}"), WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    for row, source in zip(table.rows[1:], publication.sources, strict=True):
        _source_row(row, source)
    _paragraph(document, t("publish.colophon_generated", at=format_local_minute(publication.generated_at),
                           version=publication.tool_version), SMALL_PT).paragraph_format.space_before = Pt(8)


def _source_row(row: _Row, source: SourceRecord) -> None:
    record, final_hash, verify = row.cells
    _write_cell(record, source.role, WD_ALIGN_PARAGRAPH.LEFT, bold=True)
    if source.checklist:
        record.add_paragraph().add_run(source.checklist).font.size = Pt(TABLE_PT)
    identifier = record.add_paragraph().add_run(source.record_id)
    identifier.font.size, identifier.font.name = Pt(CODE_PT), CODE_FONT
    _write_cell(final_hash, source.final_hash, WD_ALIGN_PARAGRAPH.LEFT, size=CODE_PT, font=CODE_FONT)
    _write_cell(verify, f"bcp-drill verify {source.record_id}", WD_ALIGN_PARAGRAPH.LEFT, size=CODE_PT,
                font=CODE_FONT)

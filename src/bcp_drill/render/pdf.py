"""PDF reports: the HTML report laid out on A4 by WeasyPrint (the optional `pdf` extra).

The HTML is the same file `--format html` writes, so the PDF never says anything the HTML
does not; the print rules in base.html.j2 (@page, page breaks) decide the pages.
"""

from __future__ import annotations

import logging
import unicodedata
from html import escape
from html.parser import HTMLParser
from typing import Any

from bcp_drill.errors import UserError

# WeasyPrint's own words when a character has no glyph in any installed font; it then draws
# a box and (with most subsetters) breaks the page's text layer as well.
_MISSING_GLYPH = ".notdef glyph rendered"
_CHARS_NAMED = 8


class PdfUnavailable(UserError):
    """WeasyPrint, the system libraries it needs (Pango) or a font for the text are missing."""

    area = "pdf"


class _MissingGlyphs(logging.Handler):
    """Collects the characters WeasyPrint reports it could only draw as boxes."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.chars: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if isinstance(record.msg, str) and record.msg.startswith(_MISSING_GLYPH) and isinstance(args, tuple) and args:
            char = str(args[0])
            if char not in self.chars:
                self.chars.append(char)


def html_to_pdf(html: bytes) -> bytes:
    """The PDF of `html`; refused (nothing written) when a character would print as a box."""
    try:
        import weasyprint
    except ImportError as error:
        raise PdfUnavailable("not_installed", detail=str(error)) from None
    except OSError as error:  # the Python package is there but Pango or its fonts are not
        raise PdfUnavailable("no_pango", detail=str(error).splitlines()[0]) from None
    text = html.decode("utf-8")
    # First every distinct character alone, under the document's own styles: a page or two
    # laid out in a fraction of a second, so that a long report with a character no font has
    # is refused at once, not after minutes of layout.
    _drawn_or_refused(weasyprint, glyph_probe(text))
    # Then the document, watched again (a character drawn only in some context is still caught).
    return _drawn_or_refused(weasyprint, text)


def _drawn_or_refused(weasyprint: Any, text: str) -> bytes:
    """The PDF of the HTML TEXT, or PdfUnavailable naming the characters drawn as boxes."""
    logger = logging.getLogger("weasyprint")
    missing = _MissingGlyphs()
    level = logger.level
    logger.addHandler(missing)
    if not logger.isEnabledFor(logging.WARNING):
        logger.setLevel(logging.WARNING)
    try:
        pdf: bytes = weasyprint.HTML(string=text).write_pdf()
    finally:
        logger.removeHandler(missing)
        logger.setLevel(level)
    if missing.chars:
        named = "".join(missing.chars[:_CHARS_NAMED]) + ("…" if len(missing.chars) > _CHARS_NAMED else "")
        raise PdfUnavailable("missing_glyphs", count=len(missing.chars), chars=named)
    return pdf


class _Text(HTMLParser):
    """The text of an HTML document as it is drawn: the body's, not the head's (style, title)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _NOT_DRAWN:
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _NOT_DRAWN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


_NOT_DRAWN = {"head", "style", "script", "title", "template"}
_COLLAPSED = " \t\n\r\f"  # the white space HTML collapses: never a glyph of its own


def _joins(char: str) -> bool:
    """Whether CHAR is drawn together with the character before it (a combining mark, a
    variation selector, a joiner or what it joins, an emoji modifier or tag)."""
    code = ord(char)
    return (unicodedata.category(char) in ("Mn", "Mc", "Me") or 0xFE00 <= code <= 0xFE0F
            or 0xE0100 <= code <= 0xE01EF or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F
            or code == 0x200D)


def _clusters(text: str) -> list[str]:
    """TEXT's distinct characters, each with the marks drawn with it, in order of first use."""
    clusters: dict[str, None] = {}
    current = ""
    for char in text:
        if char in _COLLAPSED:
            joined = False
        else:
            joined = bool(current) and (_joins(char) or current.endswith("\u200d"))
        if joined:
            current += char
            continue
        if current:
            clusters.setdefault(current)
        current = "" if char in _COLLAPSED else char
    if current:
        clusters.setdefault(current)
    return list(clusters)


def glyph_probe(html: str) -> str:
    """A small HTML of every distinct character HTML draws, under HTML's own head (its styles
    and language), so the fonts it falls back to are the document's."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    end = html.find("</head>")
    head = html[:end + len("</head>")] if end >= 0 else '<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
    return f"{head}<body><p>{escape(' '.join(_clusters(''.join(parser.parts))))}</p></body></html>"

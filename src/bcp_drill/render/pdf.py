"""PDF reports: the HTML report laid out on A4 by WeasyPrint (the optional `pdf` extra).

The HTML is the same file `--format html` writes, so the PDF never says anything the HTML
does not; the print rules in base.html.j2 (@page, page breaks) decide the pages.
"""

from __future__ import annotations

import logging

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
    logger = logging.getLogger("weasyprint")
    missing = _MissingGlyphs()
    level = logger.level
    logger.addHandler(missing)
    if not logger.isEnabledFor(logging.WARNING):
        logger.setLevel(logging.WARNING)
    try:
        pdf: bytes = weasyprint.HTML(string=html.decode("utf-8")).write_pdf()
    finally:
        logger.removeHandler(missing)
        logger.setLevel(level)
    if missing.chars:
        named = "".join(missing.chars[:_CHARS_NAMED]) + ("…" if len(missing.chars) > _CHARS_NAMED else "")
        raise PdfUnavailable("missing_glyphs", count=len(missing.chars), chars=named)
    return pdf

"""The published plan review (reports/publication.py) in HTML and PDF (the HTML laid out by
WeasyPrint); DOCX is render/publication_docx.py."""

from __future__ import annotations

import base64
import mimetypes

from bcp_drill.drill.counts import format_local_minute
from bcp_drill.i18n import Translator
from bcp_drill.reports.publication import PublishedReview


def render_publication(publication: PublishedReview, fmt: str, t: Translator) -> bytes:
    """FMT: docx, html or pdf."""
    if fmt == "docx":
        from bcp_drill.render.publication_docx import render_publication_docx

        return render_publication_docx(publication, t)
    html = publication_html(publication, t)
    if fmt == "pdf":
        from bcp_drill.render.pdf import html_to_pdf

        return html_to_pdf(html)
    return html


def publication_html(publication: PublishedReview, t: Translator) -> bytes:
    from bcp_drill.render.reports import _environment

    return _environment(True).get_template("publication.html.j2").render(
        p=publication, t=t, colon="：" if publication.lang == "ja" else ": ",
        figure_uri=_figure_uri(publication), generated_at=format_local_minute(publication.generated_at),
        heading_lines=heading_lines,
    ).encode("utf-8")


def heading_lines(text: str) -> list[str]:
    """A column heading's lines: the label, then its column number (㉔) on a line of its own, so
    that a narrow column never breaks the label inside a word."""
    label, _, mark = text.rpartition(" ")
    if label and len(mark) == 1 and ("\u2460" <= mark <= "\u24ff" or "\u3251" <= mark <= "\u32bf"):
        return [label, mark]
    return [text]


def _figure_uri(publication: PublishedReview) -> str:
    """The figure embedded in the file (a data: URI): the HTML stands alone, as every report does."""
    path = publication.figure_file
    if path is None:
        return ""
    kind = mimetypes.guess_type(path.name)[0] or "image/png"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"

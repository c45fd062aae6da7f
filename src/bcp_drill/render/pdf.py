"""PDF reports: the HTML report laid out on A4 by WeasyPrint (the optional `pdf` extra).

The HTML is the same file `--format html` writes, so the PDF never says anything the HTML
does not; the print rules in base.html.j2 (@page, page breaks) decide the pages.
"""

from __future__ import annotations

from bcp_drill.errors import UserError


class PdfUnavailable(UserError):
    """WeasyPrint or the system libraries it needs (Pango) are missing."""

    area = "pdf"


def html_to_pdf(html: bytes) -> bytes:
    try:
        import weasyprint
    except ImportError as error:
        raise PdfUnavailable("not_installed", detail=str(error)) from None
    except OSError as error:  # the Python package is there but Pango or its fonts are not
        raise PdfUnavailable("no_pango", detail=str(error).splitlines()[0]) from None
    return weasyprint.HTML(string=html.decode("utf-8")).write_pdf()

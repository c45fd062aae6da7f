"""Workbooks written part by part, so a test can make one no spreadsheet program would."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


class F:
    """A formula cell: its formula, and the value Excel cached for it (None: saved uncalculated)."""

    def __init__(self, formula: str, cached: str | None = None) -> None:
        self.formula, self.cached = formula, cached


def cell(ref: str, value: object) -> str:
    if isinstance(value, F):
        cached = "" if value.cached is None else f'<v>{escape(value.cached)}</v>'
        kind = "" if value.cached is None else ' t="str"'
        return f'<c r="{ref}"{kind}><f>{escape(value.formula)}</f>{cached}</c>'
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def row(number: int, *values: object) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return f'<row r="{number}">' + "".join(cell(f"{letters[i]}{number}", v) for i, v in enumerate(values)
                                           if v is not None) + "</row>"


def worksheet(rows: str, dimension: str | None = None, merges: tuple[str, ...] = (), tail: str = "") -> str:
    merged = (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
              + "</mergeCells>") if merges else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}" xmlns:r="{RELS}">'
            + (f'<dimension ref="{dimension}"/>' if dimension else "")
            + f"<sheetData>{rows}</sheetData>{merged}</worksheet>{tail}")


def write_workbook(path: Path, sheet_xml: str | bytes, title: str = "状況付与表",
                   shared_strings: list[str] | None = None) -> Path:
    """An XLSX of one worksheet (SHEET_XML as given) and, if given, a shared-strings table."""
    relations = f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    if shared_strings is not None:
        relations += f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"'
            '/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        archive.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE_RELS}"><Relationship '
                                        f'Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
                                        "</Relationships>")
        archive.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
                                            f'<sheets><sheet name="{escape(title)}" sheetId="1" r:id="rId1"/>'
                                            "</sheets></workbook>")
        archive.writestr("xl/_rels/workbook.xml.rels",
                         f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE_RELS}">{relations}</Relationships>')
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", f'<?xml version="1.0"?><sst xmlns="{MAIN}">' + "".join(
                f"<si><t>{escape(text)}</t></si>" for text in shared_strings) + "</sst>")
    return path

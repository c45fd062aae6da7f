"""What importing a result recorded on paper shares, drill or review: the result, its findings
placed in the file, the same result imported before, and the clock of historical times."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from bcp_drill.content.checks import Finding
from bcp_drill.content.loader import LoadedFile, locate_line
from bcp_drill.content.problems import Problem
from bcp_drill.records.store import RecordStore


@dataclass
class ImportResult:
    problems: list[Problem]
    record_id: str | None = None
    duplicate_of: str | None = None


def located(loaded: LoadedFile, findings: list[Finding]) -> list[Problem]:
    problems = []
    for finding in findings:
        line, column = locate_line(loaded, finding.loc)
        params = dict(finding.params)
        if finding.related is not None:
            params["first_line"] = locate_line(loaded, finding.related)[0]
        problems.append(Problem(loaded.display, line, column, finding.code, params, finding.hint,
                                finding.hint_params))
    return problems


def content_sha256(loaded: LoadedFile) -> str:
    """The hash of what a result file says, not of its bytes: the same sheet saved with CRLF
    line ends, other spacing or comments is the same import."""
    document = loaded.document
    assert document is not None
    canonical = json.dumps(document.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def find_import(store: RecordStore, loaded: LoadedFile) -> str | None:
    """The record the same result was already imported as, if any (by content; by bytes for
    records imported before content hashes)."""
    wanted = {content_sha256(loaded), loaded.sha256}
    for record_id, first in store.first_lines():
        if first.get("import_sha256") in wanted:
            return record_id
    return None


def refused_as_duplicate(store: RecordStore, loaded: LoadedFile) -> ImportResult | None:
    """The refusal of a result already imported, naming its record (None: not imported before)."""
    duplicate = find_import(store, loaded)
    if not duplicate:
        return None
    return ImportResult([Problem(loaded.display, None, None, "import_duplicate", {"record": duplicate})],
                        duplicate_of=duplicate)


class SettableClock:
    """The journal stamps events with this; the importer sets it to each event's historical time."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

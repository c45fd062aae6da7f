"""A child process for the crash loop: appends notes to a journal, saying each seq once it is saved."""

import sys
from pathlib import Path

from bcp_drill.records import events as ev
from bcp_drill.records.journal_writer import Journal
from bcp_drill.records.store import RecordStore


def main(root: str) -> None:
    store = RecordStore(Path(root), "crash-loop")
    path = store.path_of("crash")
    if path.exists():
        journal = Journal.open(path, store.recorder, store.clock)
    else:
        journal = Journal.create(path, store.recorder, store.clock, first=(ev.ReviewStarted, dict(
            record_id="crash", checklist_id="c", checklist_version="1", checklist_sha256="0" * 64,
            checklist_file="c.yaml", checklist_yaml="kind: checklist", scale_json="{}", fiscal_year=2026,
            tool_version="test")))
    print(f"ready {len(journal.events)}", flush=True)
    number = 0
    while True:
        number += 1
        event = journal.append(ev.AssessmentRecorded, item_id="a1", text=f"{journal.host}-{number}-" + "x" * 300)
        print(f"saved {event.seq} {event.text[:40]}", flush=True)  # only now is it acknowledged


if __name__ == "__main__":
    main(sys.argv[1])

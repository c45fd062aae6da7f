"""SIGKILL at random moments, many times: every event acknowledged as saved is there exactly once."""

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

from bcp_drill.records.journal import read_journal
from bcp_drill.records.proof import prove

WRITER = Path(__file__).with_name("crash_writer.py")
KILLS = int(os.environ.get("BCP_DRILL_CRASH_KILLS", "20"))  # bench/crash_loop.py runs many more


def run_until_killed(root: Path, rng: random.Random) -> list[tuple[int, str]]:
    """Start a writer, let it save a random number of events, kill it mid-write; the acks it gave."""
    child = subprocess.Popen([sys.executable, str(WRITER), str(root)], stdout=subprocess.PIPE, text=True,
                             env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert child.stdout is not None
    acks = []
    line = child.stdout.readline()
    assert line.startswith("ready"), line
    for _ in range(rng.randint(1, 25)):
        line = child.stdout.readline()
        _, seq, text = line.split(" ", 2)
        acks.append((int(seq), text.strip()))
    os.kill(child.pid, signal.SIGKILL)  # while it is writing or syncing the next event
    child.wait(timeout=30)
    return acks


def test_saved_events_survive_repeated_sigkill(tmp_path):
    rng = random.Random(20261125)
    acknowledged: list[tuple[int, str]] = []
    for _ in range(KILLS):
        acknowledged += run_until_killed(tmp_path, rng)
    contents = read_journal(tmp_path / "crash.jsonl")
    # Every kill left a record that still proves: its chain and seal hold (at most a last event
    # written before its seal, never acknowledged, is left out until the record is reopened).
    proof = prove(tmp_path / "crash.jsonl", contents, None)
    assert proof.failure is None and proof.seal == "sealed"
    events = contents.events[:proof.usable_events]
    assert [e.seq for e in events] == list(range(1, len(events) + 1))  # no gap, no repeat
    by_seq = {e.seq: e.text[:40] for e in events if e.type == "assessment_recorded"}
    lost = [(seq, text) for seq, text in acknowledged if by_seq.get(seq) != text]
    assert lost == []
    assert len(acknowledged) == len({seq for seq, _ in acknowledged})  # each acknowledged once

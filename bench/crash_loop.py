"""Kill a journal writer with SIGKILL many times and count what survives.

    python3 bench/crash_loop.py [KILLS]

Prints the kills, the events acknowledged as saved, how many of them are missing or
duplicated (the target is 0) and the cut lines recovered. The same check runs with fewer
kills in the test suite (tests/records/test_crash_loop.py).
"""

import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "src")]

from bcp_drill.records.journal import read_journal  # noqa: E402
from bcp_drill.records.proof import prove  # noqa: E402
from records.test_crash_loop import run_until_killed  # noqa: E402


def main() -> None:
    kills = int(sys.argv[1]) if len(sys.argv) > 1 else 120
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        acknowledged = []
        for _ in range(kills):
            acknowledged += run_until_killed(root, rng)
        contents = read_journal(root / "crash.jsonl")
        proof = prove(root / "crash.jsonl", contents, None)  # the record still proves after every kill
        events = contents.events[:proof.usable_events]
        texts = {e.seq: e.text[:40] for e in events if e.type == "assessment_recorded"}
        lost = sum(1 for seq, text in acknowledged if texts.get(seq) != text)
        cut = len(list(root.glob("crash.jsonl.cut-*")))
        unsealed = len(list(root.glob("crash.jsonl.unsealed-*"))) + int(proof.unsealed_last)
    gaps = [e.seq for e in events] != list(range(1, len(events) + 1))
    print(f"kills {kills}  acknowledged {len(acknowledged)}  lost {lost}  sequence gaps {int(gaps)}  "
          f"journal events {len(events)}  cut tails recovered (side files) {cut}  "
          f"unsealed last events set aside {unsealed}  proves {'yes' if proof.failure is None else proof.failure.code}")


if __name__ == "__main__":
    main()

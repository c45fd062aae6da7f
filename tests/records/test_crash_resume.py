"""Kill a real drill process with SIGKILL mid-drill; resume must bring back every event."""

import os
import pty
import signal
import struct
import sys
import termios
import threading
import time

from bcp_drill.drill.session import DrillSession
from bcp_drill.records.journal import read_journal
from bcp_drill.records.proof import prove
from bcp_drill.records.store import RecordStore
from support.drills import DATA
from support.windows import REAL_FCNTL

DOWN = b"\x1b[B"


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def event_count(records):
    """Events saved as the screen counts them: written and sealed (a line whose seal is still
    being written is not saved yet, and a kill then leaves it out)."""
    paths = list(records.glob("*.jsonl"))
    if not paths:
        return 0
    return prove(paths[0], read_journal(paths[0]), None).usable_events


def test_sigkill_then_resume_restores_every_event(tmp_path):
    records = tmp_path / "records"
    env = dict(os.environ, TERM="xterm-256color", BCP_DRILL_RECORDER="kill-test",
               XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    command = [sys.executable, "-m", "bcp_drill", "run", "mini", "--lang", "en",
               "--content", str(DATA / "content"), "--records", str(records)]
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real TUI in a pseudo-terminal
        os.chdir(tmp_path)
        os.execvpe(command[0], command, env)
    REAL_FCNTL.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    screen = bytearray()

    def drain():  # keep reading, or the child blocks on a full pty buffer
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            screen.extend(chunk)

    threading.Thread(target=drain, daemon=True).start()
    try:
        assert wait_for(lambda: b"Drill set-up" in screen), screen[-2000:]
        os.write(fd, b"\x13")  # Ctrl+S: start with the defaults
        assert wait_for(lambda: event_count(records) == 1)
        assert wait_for(lambda: b"saved #1" in screen)
        expected = 1
        for key in [b"p", DOWN, b"m", b" "]:  # rate s1 P, move, rate s2 M, pause the clock
            os.write(fd, key)
            if key != DOWN:  # every other key writes exactly one event
                expected += 1
                assert wait_for(lambda expected=expected: event_count(records) == expected)
        before = read_journal(next(records.glob("*.jsonl"))).events[:expected]
        assert [e.type for e in before] == ["drill_started", "step_completed", "step_completed", "clock_paused"]
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)

    store = RecordStore(records, "after-crash")
    [summary] = store.unfinished("drill")
    session = DrillSession.resume(store, summary.record_id)
    try:
        assert [e.model_dump() for e in session.journal.events] == [e.model_dump() for e in before]
        assert session.state.steps["s1"].rating == "P"
        assert session.state.steps["s2"].rating == "M"
        assert session.state.paused
        paused_at = session.elapsed()
        time.sleep(1.1)
        assert session.elapsed() == paused_at  # the clock is restored paused, as it was
        session.complete_step("s1", "S")  # and the drill goes on, appending after the old events
        assert [e.seq for e in read_journal(session.journal.path).events] == [1, 2, 3, 4, 5]
    finally:
        session.close()

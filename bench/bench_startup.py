"""Benchmark: start-up to the first drawn frame, beside a bare Textual app, and --version/--help.

    python3 bench/bench_startup.py [--runs 5] [--events 5000]

Each figure is a median over RUNS whole processes, timed from the moment the process is
started. The TUI ones run headless; each writes the wall-clock time of its first drawn
frame (a screen of ours, not Textual's empty default) to a file, and the run of
`run earthquake-offhours` goes on until the set-up screen is drawn (the first frame there is
the loading screen drawn while the content is read), as does `review plan-review-3rd`, and
`resume` of a drill already holding EVENTS events (5,000; made first in a folder of its own)
until its runner is drawn. The floor is a bare Textual app with
one Label timed the same way, so the exit and teardown count in neither. A second floor for
each set-up screen: a bare Textual app drawing the same widgets (labels, inputs, a select, a
text area, a button, a footer) with no bcp-drill code, i.e. what Textual itself takes to
draw that form, and for the runner its kinds of widget (an option list of the steps, a rich
log, a footer of 15 keys); those rows are shown beside it too.

Every process keeps its compiled bytecode in a folder of the benchmark's own (PYTHONPYCACHEPREFIX),
and each command runs once untimed first, as on an installed copy, whose bytecode pip compiled
(and as it is in a source tree where Python may write `__pycache__`): an environment that sets
PYTHONDONTWRITEBYTECODE would otherwise compile every module of bcp-drill at every start, but
none of Textual's, which its installation compiled. `--no-bytecode` measures that way instead.
The first run also makes the derived copy of the content (content/cache.py) in the user's
cache folder, as a person's first start does.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import summary_row, timed

# Each floor is a Textual app of its own that writes when its first frame is drawn, then ends.
TIMED_APP = """
import os, sys, time
from textual.app import App

class Timed(App):
    def on_mount(self):
        self.call_after_refresh(self.drawn)
    def drawn(self):
        with open(os.environ["BENCH_MARKS"], "a") as marks:
            marks.write(f"first {time.time()}\\n")
        self.exit()
"""

BARE = TIMED_APP + """
from textual.widgets import Label

class Bare(Timed):
    def compose(self):
        yield Label("bcp-drill")

Bare().run(headless=True)
"""

# The same widgets as a set-up screen, in a bare Textual app (no bcp-drill code): what Textual
# itself takes to draw that form. A letter a widget: L Label, S Select (2 options), I Input,
# T TextArea, B Button; a Footer below, as the screens have.
BARE_FORM = TIMED_APP + """
from textual.containers import VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Select, TextArea

MAKE = {"L": lambda: Label("label"), "I": Input, "T": lambda: TextArea(soft_wrap=True),
        "S": lambda: Select([("one", 1), ("two", 2)], value=1, allow_blank=False),
        "B": lambda: Button("Start", variant="primary")}

class BareForm(Timed):
    def compose(self):
        with VerticalScroll():
            for letter in sys.argv[1]:
                yield MAKE[letter]()
        yield Footer()

BareForm().run(headless=True)
"""

# The runner's kinds of widget in a bare Textual app: a title and a clock line, the step list
# (an OptionList: 22 steps under 7 phase headings, as earthquake-offhours has), the step's
# detail, the inject log (a RichLog) and a footer of 15 keys.
BARE_RUNNER = TIMED_APP + """
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Label, OptionList, RichLog, Static

class BareRunner(Timed):
    BINDINGS = [Binding(key, "bell", f"key {key}") for key in "abcdefghijklmno"]
    def compose(self):
        yield Label("scenario title")
        yield Static("T+00:00:00  clock")
        with Horizontal():
            yield OptionList(*[f"phase {n // 4}" if n % 4 == 0 else f"  step {n}: do the thing" for n in range(29)])
            with Vertical():
                yield VerticalScroll(Static("step detail\\n" * 12))
        yield RichLog()
        yield Footer()
    def on_mount(self):  # (Textual calls Timed.on_mount too)
        self.query_one(RichLog).write("inject delivered")

BareRunner().run(headless=True)
"""

# The widgets of the set-up screens as drawn (earthquake-offhours; plan-review-3rd), in order.
DRILL_SETUP_FORM = "LLLLLLLSLLLILTLLLILLILILLLBL"
REVIEW_SETUP_FORM = "LLLILLLILILBL"

OURS = """
import os
import sys
import time
import textual.app
from bcp_drill.tui import app as tui_app
import bcp_drill.commands.tui as launcher

launcher._needs_terminal = lambda ctx, quiet=False: None
until = os.environ.get('BENCH_UNTIL')
mount = tui_app.BcpDrillApp.on_mount

def on_mount(self):

    def drawn():  # mark the first screen of ours (not Textual's empty default) and the one named
        name = type(self.screen).__name__
        if name != "Screen" and self.screen.is_mounted:  # pushed is not yet drawn
            with open(os.environ["BENCH_MARKS"], "a") as marks:
                marks.write(f"first {time.time()}\\n" if not marks.tell() else "")
                if name == (until or name):
                    marks.write(f"until {time.time()}\\n")
                    return self.exit()
        self.call_after_refresh(drawn)

    self.call_after_refresh(drawn)  # before the app's own after-refresh work (reading the content)
    return mount(self)

tui_app.BcpDrillApp.on_mount = on_mount
tui_app.BcpDrillApp.run = lambda self, **kw: textual.app.App.run(self, headless=True)
from bcp_drill.cli import main
sys.exit(main(sys.argv[1:]))
"""


def frames(command: list[str], runs: int, until: str | None = None) -> tuple[float, float]:
    """Median seconds from starting COMMAND to its first drawn frame, and to the screen UNTIL
    (after one untimed run)."""
    first, done = [], []
    for number in range(runs + 1):
        with tempfile.TemporaryDirectory() as folder:
            marks = Path(folder) / "marks"
            env = dict(os.environ, BENCH_MARKS=str(marks), **({"BENCH_UNTIL": until} if until else {}))
            started = time.time()
            finished = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False)
            if finished.returncode != 0 or not marks.exists():
                raise SystemExit(f"benchmark command failed ({finished.returncode}): {command[-2:]}\n"
                                 + finished.stderr.decode(errors="replace")[-2000:])
            seen = dict(line.split() for line in marks.read_text().splitlines())
            if not number:
                continue  # the untimed run
            first.append(float(seen["first"]) - started)
            done.append(float(seen.get("until", seen["first"])) - started)
    return statistics.median(first), statistics.median(done)


def long_drill(records: Path, events_wanted: int) -> str:
    """A records folder holding one unfinished drill of earthquake-offhours with EVENTS_WANTED
    events (notes and checks, as after hours of play); its record id."""
    from bcp_drill.content.files import bundled_dirs
    from bcp_drill.content.library import ContentLibrary
    from bcp_drill.drill.session import DrillSession
    from bcp_drill.records.store import RecordStore

    library = ContentLibrary.load(bundled_dirs())
    session = DrillSession.start(RecordStore(records, "bench"), library.scenarios["earthquake-offhours"], "tabletop")
    steps = session.scenario.steps
    number = 0
    while len(session.journal.events) < events_wanted:
        step = steps[number % len(steps)]
        session.add_note(f"経過メモ {number}", step.id)
        if number % 3 == 0 and step.checks:
            session.toggle_check(step.id, 0)
        number += 1
    session.close()
    return session.record_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--events", type=int, default=5000, help="events in the drill `resume` opens")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="as the environment says (PYTHONDONTWRITEBYTECODE: every start compiles bcp-drill)")
    args = parser.parse_args()
    os.environ["BCP_DRILL_LANG"] = "en"  # the goal names the home screen in English (Japanese is no slower)
    with tempfile.TemporaryDirectory() as bytecode:
        if not args.no_bytecode:
            os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
            os.environ["PYTHONPYCACHEPREFIX"] = bytecode
        measure(args)


def measure(args: argparse.Namespace) -> None:
    runs = args.runs
    py = sys.executable
    pass_floor = timed([py, "-c", "import argparse"], runs)
    bare, _ = frames([py, "-c", BARE], runs)
    home, _ = frames([py, "-c", OURS], runs)
    run_first, run_setup = frames([py, "-c", OURS, "run", "earthquake-offhours"], runs, until="DrillSetupScreen")
    review_first, review_setup = frames([py, "-c", OURS, "review", "plan-review-3rd"], runs, until="ReviewSetupScreen")
    with tempfile.TemporaryDirectory() as folder:
        records = Path(folder) / "records"
        record_id = long_drill(records, args.events)
        _, resumed = frames([py, "-c", OURS, "resume", record_id, "--records", str(records)], runs,
                            until="DrillRunnerScreen")
    drill_form, _ = frames([py, "-c", BARE_FORM, DRILL_SETUP_FORM], runs)
    review_form, _ = frames([py, "-c", BARE_FORM, REVIEW_SETUP_FORM], runs)
    runner_floor, _ = frames([py, "-c", BARE_RUNNER], runs)
    rows = [("python -c 'import argparse'", pass_floor, pass_floor),
            ("bcp-drill --version", timed([py, "-m", "bcp_drill", "--version"], runs), pass_floor),
            ("bcp-drill --help", timed([py, "-m", "bcp_drill", "--help"], runs), pass_floor),
            ("bare Textual app, first frame", bare, bare),
            ("bcp-drill home, first frame", home, bare),
            ("run earthquake-offhours, first frame", run_first, bare),
            ("run earthquake-offhours, set-up drawn", run_setup, bare),
            ("review plan-review-3rd, first frame", review_first, bare),
            ("review plan-review-3rd, set-up drawn", review_setup, bare),
            (f"resume ({args.events} events), runner drawn", resumed, bare),
            ("bare Textual app, drill set-up's widgets", drill_form, bare),
            ("  run set-up drawn, beside that floor", run_setup, drill_form),
            ("bare Textual app, review set-up's widgets", review_form, bare),
            ("  review set-up drawn, beside that floor", review_setup, review_form),
            ("bare Textual app, the runner's widgets", runner_floor, bare),
            ("  resume, runner drawn, beside that floor", resumed, runner_floor)]
    print(f"{'what':<40} {'median s':>9} {'floor s':>8} {'ratio':>6}")
    for label, seconds, floor in rows:
        print(f"{label:<40} {seconds:>9.3f} {floor:>8.3f} {seconds / floor:>6.2f}")
        if label.startswith(GOAL_ROWS):  # the goal: the screen a person came for within 1.3x bare Textual
            summary_row("screen people came for", label, f"{seconds:.3f} s ({seconds / floor:.2f}x)",
                        f"{floor:.3f} s", "<= 1.3x bare Textual", seconds / floor <= 1.3)
        elif label.startswith("  "):  # beside Textual's own cost of the same widgets: not the goal, its context
            summary_row("(context) beside its widgets", label.strip(), f"{seconds:.3f} s ({seconds / floor:.2f}x)",
                        f"{floor:.3f} s", "<= 1.3x its widgets in bare Textual", seconds / floor <= 1.3)


GOAL_ROWS = ("bcp-drill home", "run earthquake-offhours, set-up", "review plan-review-3rd, set-up", "resume (")


if __name__ == "__main__":
    main()

"""Benchmark: start-up to the first drawn frame, beside a bare Textual app, and --version/--help.

    python3 bench/bench_startup.py [--runs 5]

Each figure is the median wall time of whole processes. The TUI ones run headless and exit
right after their first frame is drawn (the home screen, or the set-up screen of
`run earthquake-offhours`); the floor is a bare Textual app with one Label doing the same.
"""

from __future__ import annotations

import argparse
import sys

from timing import timed

BARE = """
from textual.app import App
from textual.widgets import Label

class Bare(App):
    def compose(self):
        yield Label("bcp-drill")
    def on_mount(self):
        self.call_after_refresh(self.exit)

Bare().run(headless=True)
"""

OURS = """
import sys
import textual.app
from bcp_drill.tui import app as tui_app
import bcp_drill.commands.tui as launcher

launcher._needs_terminal = lambda ctx: None
mount = tui_app.BcpDrillApp.on_mount

def on_mount(self):
    mount(self)

    def drawn():  # exit once a screen of ours (not Textual's empty default) has been drawn
        if type(self.screen).__name__ == "Screen":
            self.call_after_refresh(drawn)
        else:
            self.exit()

    self.call_after_refresh(drawn)

tui_app.BcpDrillApp.on_mount = on_mount
tui_app.BcpDrillApp.run = lambda self, **kw: textual.app.App.run(self, headless=True)
from bcp_drill.cli import main
sys.exit(main(sys.argv[1:]))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    py = sys.executable
    pass_floor = timed([py, "-c", "import argparse"], runs)
    bare = timed([py, "-c", BARE], runs)
    rows = [("python -c 'import argparse'", pass_floor, pass_floor),
            ("bcp-drill --version", timed([py, "-m", "bcp_drill", "--version"], runs), pass_floor),
            ("bcp-drill --help", timed([py, "-m", "bcp_drill", "--help"], runs), pass_floor),
            ("bare Textual app, first frame", bare, bare),
            ("bcp-drill home, first frame", timed([py, "-c", OURS], runs), bare),
            ("run earthquake-offhours, set-up", timed([py, "-c", OURS, "run", "earthquake-offhours"], runs), bare)]
    print(f"{'what':<34} {'median s':>9} {'floor s':>8} {'ratio':>6}")
    for label, seconds, floor in rows:
        print(f"{label:<34} {seconds:>9.3f} {floor:>8.3f} {seconds / floor:>6.2f}")


if __name__ == "__main__":
    main()

"""Every date and time of a record is read on Japan's clock, whatever zone the PC is set to:
the same record gives the same 年度 and the same times on every PC that reads it (a drill
imported and tallied on that clock: tests/render/test_paper_mode.py)."""

import os
import subprocess
import sys


def test_the_tools_clock_is_japans_in_a_process_set_to_utc_or_new_york():
    probe = ("from datetime import datetime, timezone\nfrom bcp_drill import wallclock\n"
             "moment = datetime(2026, 3, 31, 20, 30, tzinfo=timezone.utc)\n"
             "print(wallclock.local(moment).strftime('%Y-%m-%d %H:%M'), wallclock.local_date(moment))\n")
    for zone in ("UTC", "America/New_York"):
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                             env=dict(os.environ, TZ=zone)).stdout
        assert out.split() == ["2026-04-01", "05:30", "2026-04-01"]

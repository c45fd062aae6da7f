"""The drill clock and progress line: T+, scenario time, running or paused, last save."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from bcp_drill.drill.state import DrillState, StepStatus
from bcp_drill.drill.summary import format_elapsed
from bcp_drill.i18n import Translator


def clock_text(state: DrillState, now: datetime, t: Translator, saved: str) -> Text:
    counts = state.counts(now)
    out = Text()
    out.append(f"T+{format_elapsed(state.elapsed_seconds(now))}", style="bold")
    scenario_time = state.scenario_time(now)
    if scenario_time is not None:
        out.append(f"  {t('tui.scenario_time')} {scenario_time.astimezone().strftime('%m-%d %H:%M')}")
    if state.ended is not None:
        out.append(f"  [{t('tui.clock_ended')}]", style="bold")
    elif state.paused:
        out.append(f"  [{t('tui.clock_paused')}]", style="bold reverse")
    else:
        out.append(f"  [{t('tui.clock_running')}]")
    out.append(f"  {t('tui.progress', done=state.finished_steps, total=len(state.steps))}")
    overdue = counts[StepStatus.OVERDUE]
    if overdue:
        out.append(f"  {StepStatus.OVERDUE.mark} {t('tui.overdue_count', count=overdue)}", style="bold")
    if saved:
        out.append(f"  {saved}")
    return out


class ClockBar(Static):
    pass

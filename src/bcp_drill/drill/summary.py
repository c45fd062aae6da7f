"""Figures about one drill: steps by rating and timing, the on-time rate, per phase."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bcp_drill.drill.state import DrillState, StepStatus

RATINGS = ("P", "S", "M", "U")
RATING_ORDER = {rating: rank for rank, rating in enumerate(RATINGS)}  # best first


@dataclass
class StepCounts:
    """Counts for a set of steps (a phase or the whole drill)."""

    total: int = 0
    ratings: dict[str, int] = field(default_factory=lambda: {r: 0 for r in RATINGS})
    on_time: int = 0
    late: int = 0
    not_done: int = 0
    skipped: int = 0
    pending: int = 0

    @property
    def done(self) -> int:
        return self.on_time + self.late

    @property
    def on_time_rate(self) -> float | None:
        """Share of attempted steps done by their target (skipped steps do not count)."""
        attempted = self.on_time + self.late + self.not_done
        return self.on_time / attempted if attempted else None

    def add(self, status: StepStatus, rating: str | None) -> None:
        self.total += 1
        if rating in self.ratings:
            self.ratings[rating] += 1
        if status == StepStatus.DONE_ON_TIME:
            self.on_time += 1
        elif status == StepStatus.DONE_LATE:
            self.late += 1
        elif status == StepStatus.NOT_DONE:
            self.not_done += 1
        elif status == StepStatus.SKIPPED:
            self.skipped += 1
        else:
            self.pending += 1


@dataclass
class DrillSummary:
    overall: StepCounts
    phases: list[tuple[str, StepCounts]]  # (phase id, counts) in scenario order
    elapsed_seconds: int
    injects_delivered: int
    injects_total: int
    problems: int


def summarize(state: DrillState, now: datetime) -> DrillSummary:
    overall = StepCounts()
    per_phase = {p.id: StepCounts() for p in state.scenario.phases}
    elapsed = state.elapsed_seconds(now)
    for step_id, record in state.steps.items():
        status = record.status(elapsed)
        overall.add(status, record.rating)
        per_phase[record.step.phase].add(status, record.rating)
    return DrillSummary(
        overall=overall,
        phases=[(phase_id, counts) for phase_id, counts in per_phase.items()],
        elapsed_seconds=elapsed,
        injects_delivered=len(state.delivered),
        injects_total=len(state.scenario.injects),
        problems=len(state.problems),
    )


def format_elapsed(seconds: int) -> str:
    """T+ clock text: H:MM:SS, hours growing past 99 for 72-hour scenarios."""
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def format_minutes(minutes: int) -> str:
    """Target time as T+ text: 45 → 0:45, 1440 → 24:00."""
    hours, mins = divmod(minutes, 60)
    return f"{hours}:{mins:02d}"


def objective_ratings(state: DrillState) -> list[tuple[str, str, list[str]]]:
    """(objective id, rating, step ids) per objective: the lowest rating among its steps, "-" if none."""
    results = []
    for objective in state.scenario.objectives:
        steps = [s.id for s in state.scenario.steps if objective.id in s.objectives]
        ratings = [state.steps[s].rating for s in steps if state.steps[s].rating]
        results.append((objective.id, max(ratings, key=RATING_ORDER.get) if ratings else "-", steps))
    return results

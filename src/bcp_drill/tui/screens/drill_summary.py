"""After a drill: the figures, the problems raised and the hotwash, on one scrolling page."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.summary import RATINGS, format_elapsed, objective_ratings, summarize
from bcp_drill.i18n import Translator
from bcp_drill.render.text_table import format_table
from bcp_drill.tui.bindings import translate_bindings


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def summary_text(session: DrillSession, t: Translator) -> Text:
    state, lang = session.state, t.lang
    figures = summarize(state, session.now())
    overall = figures.overall
    out = Text()
    started = state.started
    assert started is not None
    out.append(f"{t('tui.summary_drill')}: {session.scenario.title.get(lang)}\n", style="bold")
    out.append(f"{t('tui.summary_type')}: {t('drill_type.' + started.drill_type)}   "
               f"{t('tui.summary_place')}: {started.place or '-'}   "
               f"{t('tui.summary_duration')}: T+{format_elapsed(figures.elapsed_seconds)}\n")
    if started.participants:
        people = ", ".join(f"{p.name} ({t('drill_role.' + p.role)})" for p in started.participants)
        out.append(f"{t('tui.summary_participants')}: {people}\n")
    out.append("\n")
    headers = [t("tui.col_phase"), t("tui.col_steps"), *RATINGS, t("tui.col_on_time"), t("tui.col_late"),
               t("tui.col_not_done"), t("tui.col_skipped"), t("tui.col_pending"), t("tui.col_on_time_rate")]
    rows = []
    for phase_id, counts in figures.phases + [("", overall)]:
        phase = session.scenario.phase(phase_id)
        label = phase.title.get(lang) if phase else t("tui.total")
        rows.append([label, counts.total, *[counts.ratings[r] for r in RATINGS], counts.on_time, counts.late,
                     counts.not_done, counts.skipped, counts.pending, percent(counts.on_time_rate)])
    out.append(format_table(headers, rows, ["<"] + [">"] * (len(headers) - 1)) + "\n\n")
    objectives = objective_ratings(state)
    if objectives:
        out.append(f"{t('tui.objectives')}\n", style="bold")
        for objective_id, rating, _ in objectives:
            title = session.scenario.objective(objective_id).title.get(lang)
            label = t(f"rating.{rating}") if rating != "-" else "-"
            out.append(f"  {label}  {title}\n")
        out.append("\n")
    out.append(f"{t('tui.summary_injects', delivered=figures.injects_delivered, total=figures.injects_total)}\n")
    out.append(f"\n{t('tui.problems')} ({figures.problems})\n", style="bold")
    for problem in state.problems:
        step = session.scenario.step(problem.source_ref) if problem.source_ref else None
        owner = " / ".join(x for x in (problem.owner_organisation, problem.owner_person) if x) or "-"
        out.append(f"{problem.problem_id} [{t('priority.' + problem.priority)}] {problem.title}"
                   f"  ({step.title.get(lang) if step else '-'}; {owner}; {problem.due or '-'})\n")
    if state.hotwash:
        out.append(f"\n{t('tui.hotwash_strengths')}\n", style="bold")
        out.append((state.hotwash.strengths or "-") + "\n")
        out.append(f"\n{t('tui.hotwash_improvements')}\n", style="bold")
        out.append((state.hotwash.improvements or "-") + "\n")
    return out


class DrillSummaryScreen(Screen):
    BINDINGS = [
        Binding("x", "export", "keys.export"),
        Binding("escape,q", "leave", "keys.back_home"),
    ]

    def __init__(self, session: DrillSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Label(self.app.ctx.t("tui.summary_title", record=self.session.record_id), id="summary-title", markup=False)
        with VerticalScroll(id="summary-scroll"):
            yield Static(summary_text(self.session, self.app.ctx.t), id="summary-body")
        yield Footer()

    def on_mount(self) -> None:
        translate_bindings(self, self.app.ctx.t)
        self.query_one("#summary-scroll").focus()

    def action_export(self) -> None:
        from bcp_drill.tui.export import ask_and_export

        ask_and_export(self, self.session.record_id, "drill")

    def action_leave(self) -> None:
        self.session.close()
        self.app.pop_screen()

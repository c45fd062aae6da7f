"""Raise a problem: the fields a follow-up item needs. Ctrl+S saves, Escape cancels."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, TextArea

from bcp_drill.i18n import Translator
from bcp_drill.tui.bindings import translate_bindings

CATEGORIES = ("planning", "organisation", "equipment", "training", "exercise")
PRIORITIES = ("high", "medium", "low")


class ProblemFormModal(ModalScreen[dict | None]):
    BINDINGS = [
        Binding("escape", "cancel", "keys.cancel"),
        Binding("ctrl+s", "save", "keys.save"),
    ]

    def __init__(self, t: Translator, heading: str) -> None:
        super().__init__()
        self.t = t
        self.heading = heading

    def compose(self) -> ComposeResult:
        t = self.t
        with VerticalScroll(classes="dialog wide"):
            yield Label(self.heading, classes="dialog-title", markup=False)
            yield Label(t("tui.problem_title"), markup=False)
            yield Input(id="problem-title")
            yield Label(t("tui.problem_description"), markup=False)
            yield TextArea(id="problem-description", soft_wrap=True)
            yield Label(t("tui.problem_category"), markup=False)
            yield Select([(t(f"capability.{c}"), c) for c in CATEGORIES], value="planning",
                         allow_blank=False, id="problem-category")
            yield Label(t("tui.problem_priority"), markup=False)
            yield Select([(t(f"priority.{p}"), p) for p in PRIORITIES], value="medium",
                         allow_blank=False, id="problem-priority")
            yield Label(t("tui.problem_owner_organisation"), markup=False)
            yield Input(id="problem-owner-organisation")
            yield Label(t("tui.problem_owner_person"), markup=False)
            yield Input(id="problem-owner-person")
            yield Label(t("tui.problem_due"), markup=False)
            yield Input(placeholder="YYYY-MM-DD", id="problem-due")
            yield Label(t("tui.form_keys"), classes="dialog-hint", markup=False)
            yield Label("", id="problem-error", classes="dialog-error", markup=False)

    def on_mount(self) -> None:
        translate_bindings(self, self.app.ctx.t)
        self.query_one("#problem-title").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_save(self) -> None:
        error = self.query_one("#problem-error", Label)
        title = self.query_one("#problem-title", Input).value.strip()
        if not title:
            error.update(self.t("tui.problem_title_required"))
            self.query_one("#problem-title").focus()
            return
        due_text = self.query_one("#problem-due", Input).value.strip()
        due = None
        if due_text:
            try:
                due = date.fromisoformat(due_text)
            except ValueError:
                error.update(self.t("tui.bad_date", value=due_text))
                self.query_one("#problem-due").focus()
                return
        self.dismiss({
            "title": title,
            "description": self.query_one("#problem-description", TextArea).text.strip(),
            "category": self.query_one("#problem-category", Select).value,
            "priority": self.query_one("#problem-priority", Select).value,
            "owner_organisation": self.query_one("#problem-owner-organisation", Input).value.strip(),
            "owner_person": self.query_one("#problem-owner-person", Input).value.strip(),
            "due": due,
        })

    def action_cancel(self) -> None:
        self.dismiss(None)

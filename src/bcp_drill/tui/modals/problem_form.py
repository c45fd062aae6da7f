"""Raise a problem: the fields a follow-up item needs. Ctrl+S saves, Escape cancels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Select, TextArea

from bcp_drill.i18n import Translator
from bcp_drill.records.values import CAPABILITIES, PRIORITIES
from bcp_drill.tui.modals.form import FormModal, field_error_label
from bcp_drill.tui.widgets.text_fields import InOrderInput, InOrderTextArea


@dataclass(frozen=True)
class ProblemFields:
    """What the problem form asks, named as the session's `raise_problem` takes it."""

    title: str
    description: str
    category: str
    priority: str
    owner_organisation: str
    owner_person: str
    due: date | None
    main_issue: str
    corrective_action: str


class ProblemFormModal(FormModal[ProblemFields]):
    first_field = "problem-title"

    def __init__(self, t: Translator, heading: str) -> None:
        super().__init__()
        self.t = t
        self.heading = heading

    def compose(self) -> ComposeResult:
        t = self.t
        with VerticalScroll(classes="dialog wide"):
            yield Label(self.heading, classes="dialog-title", markup=False)
            yield Label(t("tui.problem_title"), markup=False)
            yield InOrderInput(id="problem-title")
            yield field_error_label("problem-title")
            yield Label(t("tui.problem_description"), markup=False)
            yield InOrderTextArea(id="problem-description", soft_wrap=True)
            yield Label(t("tui.problem_category"), markup=False)
            yield Select([(t(f"capability.{c}"), c) for c in CAPABILITIES], value="planning",
                         allow_blank=False, id="problem-category")
            yield Label(t("tui.problem_priority"), markup=False)
            yield Select([(t(f"priority.{p}"), p) for p in PRIORITIES], value="medium",
                         allow_blank=False, id="problem-priority")
            yield Label(t("tui.problem_corrective_action"), markup=False)
            yield InOrderInput(id="problem-corrective-action")
            yield Label(t("tui.problem_owner_organisation"), markup=False)
            yield InOrderInput(id="problem-owner-organisation")
            yield Label(t("tui.problem_owner_person"), markup=False)
            yield InOrderInput(id="problem-owner-person")
            yield Label(t("tui.problem_due"), markup=False)
            yield InOrderInput(placeholder="YYYY-MM-DD", id="problem-due")
            yield field_error_label("problem-due")
            yield Label(t("tui.problem_main_issue"), markup=False)
            yield InOrderInput(id="problem-main-issue")
            yield Label(t("tui.form_keys"), classes="dialog-hint", markup=False)

    def action_save(self) -> None:
        title = self.query_one("#problem-title", Input).value.strip()
        if not title:
            self.show_field_error("problem-title", self.t("tui.problem_title_required"))
            return
        readable, due = self.read_due("problem-due")
        if not readable:
            return
        self.dismiss(ProblemFields(
            title=title,
            description=self.query_one("#problem-description", TextArea).text.strip(),
            category=str(self.query_one("#problem-category", Select).value),  # allow_blank=False: always a key
            priority=str(self.query_one("#problem-priority", Select).value),
            owner_organisation=self.query_one("#problem-owner-organisation", Input).value.strip(),
            owner_person=self.query_one("#problem-owner-person", Input).value.strip(),
            due=due,
            main_issue=self.query_one("#problem-main-issue", Input).value.strip(),
            corrective_action=self.query_one("#problem-corrective-action", Input).value.strip(),
        ))

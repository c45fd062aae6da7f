"""Update a follow-up item: status, owner, due date, corrective action, closure evidence."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, TextArea

from bcp_drill.i18n import Translator
from bcp_drill.review.followups import FollowUp
from bcp_drill.tui.bindings import translate_bindings

STATUSES = ("open", "in_progress", "done", "dropped")


class FollowUpFormModal(ModalScreen[dict | None]):
    BINDINGS = [
        Binding("escape", "cancel", "keys.cancel"),
        Binding("ctrl+s", "save", "keys.save"),
    ]

    def __init__(self, t: Translator, item: FollowUp) -> None:
        super().__init__()
        self.t = t
        self.item = item

    def compose(self) -> ComposeResult:
        t, item = self.t, self.item
        with VerticalScroll(classes="dialog wide"):
            yield Label(t("followups.update_title", id=item.id, title=item.title), classes="dialog-title", markup=False)
            yield Label(t("followups.col_status"), markup=False)
            yield Select([(t(f"followup_status.{s}"), s) for s in STATUSES], value=item.status,
                         allow_blank=False, id="followup-status")
            yield Label(t("tui.problem_owner_organisation"), markup=False)
            yield Input(item.owner_organisation, id="followup-owner-organisation")
            yield Label(t("tui.problem_owner_person"), markup=False)
            yield Input(item.owner_person, id="followup-owner-person")
            yield Label(t("tui.problem_due"), markup=False)
            yield Input(item.due.isoformat() if item.due else "", placeholder="YYYY-MM-DD", id="followup-due")
            yield Label(t("followups.corrective_action"), markup=False)
            yield TextArea(item.corrective_action, id="followup-action", soft_wrap=True)
            yield Label(t("followups.col_evidence"), markup=False)
            yield TextArea(item.closure_evidence, id="followup-evidence", soft_wrap=True)
            yield Label(t("tui.form_keys"), classes="dialog-hint", markup=False)
            yield Label("", id="followup-error", classes="dialog-error", markup=False)

    def on_mount(self) -> None:
        translate_bindings(self, self.t)
        self.query_one("#followup-status").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_save(self) -> None:
        due_text = self.query_one("#followup-due", Input).value.strip()
        due = None
        if due_text:
            try:
                due = date.fromisoformat(due_text)
            except ValueError:
                self.query_one("#followup-error", Label).update(self.t("tui.bad_date", value=due_text))
                self.query_one("#followup-due").focus()
                return
        proposed = {
            "status": self.query_one("#followup-status", Select).value,
            "owner_organisation": self.query_one("#followup-owner-organisation", Input).value.strip(),
            "owner_person": self.query_one("#followup-owner-person", Input).value.strip(),
            "due": due,
            "corrective_action": self.query_one("#followup-action", TextArea).text.strip(),
            "closure_evidence": self.query_one("#followup-evidence", TextArea).text.strip(),
        }
        # Only what changed becomes part of the event.
        self.dismiss({k: v for k, v in proposed.items() if v != getattr(self.item, k) and v is not None})

    def action_cancel(self) -> None:
        self.dismiss(None)

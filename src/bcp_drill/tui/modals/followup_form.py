"""Update a follow-up item: status, owner, due date, corrective action, closure evidence."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Select, TextArea

from bcp_drill.followups.items import FollowUp, needs_closure_evidence
from bcp_drill.i18n import Translator
from bcp_drill.records.values import FOLLOWUP_STATUSES
from bcp_drill.tui.modals.confirm import ConfirmModal
from bcp_drill.tui.modals.form import FormModal, field_error_label


class FollowUpFormModal(FormModal):
    """Dismisses with the changed fields only; `closed_without_evidence` when the user said so."""

    first_field = "followup-status"

    def __init__(self, t: Translator, item: FollowUp) -> None:
        super().__init__()
        self.t = t
        self.item = item

    def compose(self) -> ComposeResult:
        t, item = self.t, self.item
        with VerticalScroll(classes="dialog wide"):
            yield Label(t("followups.update_title", id=item.id, title=item.title), classes="dialog-title", markup=False)
            yield Label(t("followups.col_status"), markup=False)
            yield Select([(t(f"followup_status.{s}"), s) for s in FOLLOWUP_STATUSES], value=item.status,
                         allow_blank=False, id="followup-status")
            yield Label(t("tui.problem_owner_organisation"), markup=False)
            yield Input(item.owner_organisation, id="followup-owner-organisation")
            yield Label(t("tui.problem_owner_person"), markup=False)
            yield Input(item.owner_person, id="followup-owner-person")
            yield Label(t("tui.problem_due"), markup=False)
            yield Input(item.due.isoformat() if item.due else "", placeholder="YYYY-MM-DD", id="followup-due")
            yield field_error_label("followup-due")
            yield Label(t("followups.corrective_action"), markup=False)
            yield TextArea(item.corrective_action, id="followup-action", soft_wrap=True)
            yield Label(t("followups.col_evidence"), markup=False)
            yield TextArea(item.closure_evidence, id="followup-evidence", soft_wrap=True)
            yield field_error_label("followup-evidence")
            yield Label(t("tui.form_keys"), classes="dialog-hint", markup=False)

    def action_save(self) -> None:
        due_text = self.query_one("#followup-due", Input).value.strip()
        due = None
        if due_text:
            try:
                due = date.fromisoformat(due_text)
            except ValueError:
                self.show_field_error("followup-due", self.t("tui.bad_date", value=due_text))
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
        changes = {k: v for k, v in proposed.items() if v != getattr(self.item, k) and v is not None}
        if not needs_closure_evidence(self.item, changes):
            self.dismiss(changes)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss({**changes, "closed_without_evidence": True})
            else:
                self.show_field_error("followup-evidence", self.t("followups.evidence_needed"))

        self.app.push_screen(ConfirmModal(self.t("followups.close_without_evidence"), self.t("tui.yes_no_keys")),
                             answered)

"""Update a follow-up item: status, owner, due date, corrective action, closure evidence."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import TypeVar

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Select, TextArea

from bcp_drill.followups.items import FollowUp, needs_closure_evidence
from bcp_drill.i18n import Translator
from bcp_drill.records.values import FOLLOWUP_STATUSES
from bcp_drill.tui.modals.confirm import ConfirmModal
from bcp_drill.tui.modals.form import FormModal, field_error_label
from bcp_drill.tui.widgets.text_fields import InOrderInput, InOrderTextArea

Value = TypeVar("Value")


@dataclass(frozen=True)
class FollowUpChanges:
    """The fields the user changed (None: left as it was), named as `update_followup` takes them;
    `closed_without_evidence` when the user said so on purpose."""

    status: str | None = None
    owner_organisation: str | None = None
    owner_person: str | None = None
    due: date | None = None
    corrective_action: str | None = None
    closure_evidence: str | None = None
    closed_without_evidence: bool = False

    @property
    def changed(self) -> dict[str, object]:
        """The changed fields alone: what becomes part of the event."""
        return {f.name: value for f in fields(self)
                if f.name != "closed_without_evidence" and (value := getattr(self, f.name)) is not None}


def _if_changed(value: Value, before: object) -> Value | None:
    return None if value == before else value


class FollowUpFormModal(FormModal[FollowUpChanges]):
    """Dismisses with the changed fields only."""

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
            yield InOrderInput(item.owner_organisation, id="followup-owner-organisation")
            yield Label(t("tui.problem_owner_person"), markup=False)
            yield InOrderInput(item.owner_person, id="followup-owner-person")
            yield Label(t("tui.problem_due"), markup=False)
            yield InOrderInput(item.due.isoformat() if item.due else "", placeholder="YYYY-MM-DD", id="followup-due")
            yield field_error_label("followup-due")
            yield Label(t("followups.corrective_action"), markup=False)
            yield InOrderTextArea(item.corrective_action, id="followup-action", soft_wrap=True)
            yield Label(t("followups.col_evidence"), markup=False)
            yield InOrderTextArea(item.closure_evidence, id="followup-evidence", soft_wrap=True)
            yield field_error_label("followup-evidence")
            yield Label(t("tui.form_keys"), classes="dialog-hint", markup=False)

    def action_save(self) -> None:
        item = self.item
        readable, due = self.read_due("followup-due", kept=item.due)  # a date long past may stay as it is
        if not readable:
            return
        # Only what changed becomes part of the event.
        changes = FollowUpChanges(
            status=_if_changed(str(self.query_one("#followup-status", Select).value), item.status),
            owner_organisation=_if_changed(self.query_one("#followup-owner-organisation", Input).value.strip(),
                                           item.owner_organisation),
            owner_person=_if_changed(self.query_one("#followup-owner-person", Input).value.strip(),
                                     item.owner_person),
            due=_if_changed(due, item.due),
            corrective_action=_if_changed(self.query_one("#followup-action", TextArea).text.strip(),
                                          item.corrective_action),
            closure_evidence=_if_changed(self.query_one("#followup-evidence", TextArea).text.strip(),
                                         item.closure_evidence),
        )
        if needs_closure_evidence(item, changes.changed):
            self._ask_to_close_without_evidence(changes)
        else:
            self.dismiss(changes)

    @work
    async def _ask_to_close_without_evidence(self, changes: FollowUpChanges) -> None:
        question = ConfirmModal(self.t("followups.close_without_evidence"), self.t("tui.yes_no_keys"))
        if await self.app.push_screen_wait(question):
            self.dismiss(replace(changes, closed_without_evidence=True))
        else:
            self.show_field_error("followup-evidence", self.t("followups.evidence_needed"))

"""What every form shares: an error line under each field, shown where the user is looking,
and a question before Escape throws typed text away."""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Generic, TypeVar, cast

from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, Select, TextArea

from bcp_drill.tui.bindings import translate_bindings, translate_select_menus
from bcp_drill.tui.context import app_context
from bcp_drill.wallclock import local_date

FormResult = TypeVar("FormResult")


def field_error_label(field_id: str) -> Label:
    """The (empty, hidden) error line that goes right under the field FIELD_ID."""
    label = Label("", id=f"{field_id}-error", classes="field-error", markup=False)
    label.display = False
    return label


def _value(widget: Widget) -> Any:
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, (Input, Select)):
        return widget.value
    return None


class FormMixin:
    """For a screen or modal holding Inputs, TextAreas and Selects."""

    _initial_values: dict[str, Any]

    def remember_values(self) -> None:
        """Take the values as the form opened; Escape asks only when something was typed since.

        Also puts the drop-down lists' own key words in the UI language.
        """
        self._initial_values = self._values()
        translate_select_menus(cast(Widget, self), app_context(cast(Widget, self)).t)

    def _values(self) -> dict[str, Any]:
        return {w.id: _value(w) for w in self.query("Input, TextArea, Select") if w.id}  # type: ignore[attr-defined]

    @property
    def dirty(self) -> bool:
        return self._values() != getattr(self, "_initial_values", {})

    def clear_errors(self) -> None:
        for label in self.query(".field-error"):  # type: ignore[attr-defined]
            label.display = False

    def read_due(self, field_id: str, kept: date | None = None) -> tuple[bool, date | None]:
        """The due date typed in FIELD_ID (blank: None), and whether it may be saved: not when it
        is no date, nor when it is before today (a year mistyped makes an item overdue at once),
        unless it is KEPT, the date the item already has. Said under the field."""
        widget = cast(Widget, self)
        text = widget.query_one(f"#{field_id}", Input).value.strip()
        if not text:
            return True, None
        t = app_context(widget).t
        try:
            due = date.fromisoformat(text)
        except ValueError:
            self.show_field_error(field_id, t("tui.bad_date", value=text))
            return False, None
        today = local_date(app_context(widget).now())
        if due < today and due != kept:
            self.show_field_error(field_id, t("tui.due_before_today", due=text, today=today.isoformat()))
            return False, None
        return True, due

    def show_field_error(self, field_id: str, message: str) -> None:
        """Put MESSAGE under the field, focus it and scroll both into view (at 80x24 too)."""
        self.clear_errors()
        field = self.query_one(f"#{field_id}")  # type: ignore[attr-defined]
        label = self.query_one(f"#{field_id}-error", Label)  # type: ignore[attr-defined]
        label.update(message)
        label.display = True
        field.focus()
        self.call_after_refresh(label.scroll_visible)  # type: ignore[attr-defined]

    def confirm_discard(self, discard: Callable[[], object]) -> None:
        """Escape: leave at once when nothing was typed, else ask first."""
        if not self.dirty:
            discard()
            return
        from bcp_drill.tui.modals.confirm import ConfirmModal

        t = app_context(cast(Widget, self)).t
        self.app.push_screen(ConfirmModal(t("tui.discard_confirm"), t("tui.discard_keys"),  # type: ignore[attr-defined]
                                          enter_means=False),
                             lambda yes: discard() if yes else None)


class FormModal(FormMixin, ModalScreen[FormResult], Generic[FormResult]):
    """A modal form: Ctrl+S saves (dismissing with a FormResult), Escape cancels (None), asking
    first when text was typed."""

    BINDINGS = [
        Binding("escape", "cancel", "keys.cancel"),
        Binding("ctrl+s", "save", "keys.save"),
    ]
    first_field = ""

    def on_mount(self) -> None:
        translate_bindings(self, app_context(self).t)
        if self.first_field:
            self.query_one(f"#{self.first_field}").focus()
        self.remember_values()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_save(self) -> None:  # pragma: no cover - every form defines it
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.confirm_discard(lambda: self.dismiss(None))

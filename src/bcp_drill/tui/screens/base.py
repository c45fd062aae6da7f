"""Base screens shared by drills and reviews: recording through a session, and set-up forms."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Generic, ParamSpec, TypeVar

from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Button, Input

from bcp_drill.errors import UserError, describe
from bcp_drill.tui.context import app_context, the_app
from bcp_drill.tui.modals.form import FormMixin
from bcp_drill.tui.modals.problem_form import ProblemFields
from bcp_drill.wallclock import local

if TYPE_CHECKING:
    from bcp_drill.sessions import JournalSession

SessionT = TypeVar("SessionT", bound="JournalSession")
CallArgs = ParamSpec("CallArgs")
Result = TypeVar("Result")


class SessionScreen(Screen[None], Generic[SessionT]):
    """A screen that records through `self.session`; every write reports success or failure.

    The session decides what may be written; a refusal comes back as a UserError and is only
    put into words here.
    """

    session: SessionT
    saved = var("")  # the last write, in words (tui.saved), for the widgets bound to it

    def _safely(self, action: Callable[CallArgs, Result], *args: CallArgs.args,
                **kwargs: CallArgs.kwargs) -> Result | None:
        """Run a session call; a refusal or write failure is shown, never a crash, nothing is half-saved."""
        t = app_context(self).t
        try:
            result = action(*args, **kwargs)
        except (UserError, OSError) as error:
            self.notify(describe(error, t), severity="error", timeout=15)
            return None
        if self.session.journal.events:
            last = self.session.journal.events[-1]
            self.saved = t("tui.saved", seq=last.seq, time=local(last.at).strftime("%H:%M:%S"))
        return result

    def _saved(self, action: Callable[CallArgs, object], *args: CallArgs.args, **kwargs: CallArgs.kwargs) -> bool:
        """`_safely`, saying whether the call was taken (its result may be None either way)."""
        taken: list[bool] = []

        def call() -> None:
            action(*args, **kwargs)
            taken.append(True)

        self._safely(call)
        return bool(taken)

    def _raise_problem(self, problem: ProblemFields, source_ref: str | None) -> None:
        """Record the problem the form describes, raised from SOURCE_REF; say its id once saved."""
        raised = self._safely(self.session.raise_problem, problem.title, source_ref=source_ref,
                              description=problem.description, category=problem.category,
                              priority=problem.priority, owner_organisation=problem.owner_organisation,
                              owner_person=problem.owner_person, due=problem.due, main_issue=problem.main_issue,
                              corrective_action=problem.corrective_action)
        if raised is not None:
            self.notify(app_context(self).t("tui.problem_saved", id=raised.problem_id))

    def _permitted(self, check: Callable[[], object]) -> bool:
        """Ask the session whether a write would be taken now (before opening a form for it)."""
        try:
            check()
        except UserError as error:
            self.notify(error.message(app_context(self).t), severity="warning", timeout=10)
            return False
        return True


class FormScreen(FormMixin, Screen):
    """A set-up form: Enter moves to the next field, the Start button or Ctrl+S starts;
    Escape leaves, asking first when something was typed."""

    def on_mount(self) -> None:
        # Runs after the subclass's on_mount (Textual calls each class's handler in turn).
        self.remember_values()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()

    def action_start(self) -> None:  # pragma: no cover - every form defines it
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.confirm_discard(the_app(self).leave_screen)

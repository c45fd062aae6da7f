"""Setting up a review: fiscal year (年度), reviewer and organisation."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Button, Footer, Input, Label

from bcp_drill.content.outline import ChecklistOutline
from bcp_drill.errors import UserError, describe
from bcp_drill.fiscal import fiscal_year, fiscal_year_label, parse_fiscal_year
from bcp_drill.tui.bindings import translate_bindings
from bcp_drill.tui.context import app_context
from bcp_drill.tui.modals.form import field_error_label
from bcp_drill.tui.screens.base import FormScreen
from bcp_drill.tui.widgets.text_fields import InOrderInput
from bcp_drill.wallclock import local_date


class ReviewSetupScreen(FormScreen):
    BINDINGS = [
        Binding("ctrl+s", "start", "keys.start_review"),
        Binding("escape", "cancel", "keys.cancel"),
    ]

    def __init__(self, checklist: ChecklistOutline, fiscal_year: int | None = None) -> None:
        super().__init__()
        # Drawn from the outline (content/outline.py): the validated checklist is taken from the
        # content library when the review starts.
        self.checklist = checklist
        self.asked_year = fiscal_year  # `review --year`: the 年度 recorded unless changed here

    def compose(self) -> ComposeResult:
        ctx = app_context(self)
        t, lang = ctx.t, ctx.lang
        translate_bindings(self, t, refresh=False)  # before the footer is composed: drawn once
        this_year = self.asked_year or fiscal_year(local_date(ctx.now()))
        with VerticalScroll(id="setup-form"):
            yield Label(t("review.setup_title", title=self.checklist.title.get(lang)), classes="form-title",
                        markup=False)
            if self.checklist.description:
                yield Label(self.checklist.description.get(lang), classes="form-summary", markup=False)
            yield Label(t("review.setup_year"), markup=False)
            yield InOrderInput(str(this_year), id="review-year")
            yield field_error_label("review-year")
            yield Label(t("review.setup_year_hint", label=fiscal_year_label(this_year, lang)), classes="form-hint",
                        markup=False)
            yield Label(t("review.setup_reviewer"), markup=False)
            yield InOrderInput(ctx.settings.recorder, id="review-reviewer")
            yield Label(t("review.setup_organisation"), markup=False)
            yield InOrderInput(ctx.settings.organisation, id="review-organisation")
            yield Label("", id="setup-error", classes="dialog-error", markup=False)
            yield Button(t("review.setup_start"), id="start", variant="primary")
            yield Label(t("review.setup_keys"), classes="form-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#review-year").focus()

    def action_start(self) -> None:
        ctx = app_context(self)
        t = ctx.t
        error = self.query_one("#setup-error", Label)
        year_text = self.query_one("#review-year", Input).value
        year = parse_fiscal_year(year_text)
        if year is None:
            self.show_field_error("review-year", t("cli.bad_year", value=year_text))
            return
        # The records' machinery loads when a review starts, not with its set-up screen.
        from bcp_drill.content.models import Checklist
        from bcp_drill.review.session import ReviewSession, latest_review_before

        source = ctx.library.checklists.get(self.checklist.id)
        checklist = source.document if source is not None else None
        if source is None or not isinstance(checklist, Checklist):  # changed or removed since the form was drawn
            error.update(t("review.unknown_checklist", id=self.checklist.id))
            return
        previous = latest_review_before(ctx.store, self.checklist.id, year)  # next year starts from it
        try:
            session = ReviewSession.start(
                ctx.store, source, ctx.library.scale_of(checklist), fiscal_year_value=year,
                reviewer=self.query_one("#review-reviewer", Input).value.strip(),
                organisation=self.query_one("#review-organisation", Input).value.strip(), previous=previous)
        except (UserError, OSError) as failure:
            if getattr(failure, "code", "") == "review_year_out_of_range":  # the year typed: said under it
                self.show_field_error("review-year", describe(failure, t))
                return
            error.update(t("tui.cannot_create_record", reason=describe(failure, t)))
            error.scroll_visible()
            return
        from bcp_drill.tui.screens.review import ReviewScreen

        self.app.switch_screen(ReviewScreen(session))
        if previous is not None and previous.started is not None:
            self.app.notify(t("review.starts_from", year=fiscal_year_label(previous.started.fiscal_year, t.lang),
                              record=previous.started.record_id))

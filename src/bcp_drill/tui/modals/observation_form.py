"""Record an observation as HSEEP writes them: a strength or an area for improvement, the
objective and capability element it concerns, and for an area for improvement the analysis
(root cause) and the recommendation. Ctrl+S saves, Escape cancels."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Label, Select, TextArea

from bcp_drill.content.models import Scenario
from bcp_drill.i18n import Translator
from bcp_drill.records.values import CAPABILITIES, OBSERVATION_KINDS
from bcp_drill.tui.modals.form import FormModal, field_error_label
from bcp_drill.tui.widgets.text_fields import InOrderTextArea


@dataclass(frozen=True)
class ObservationFields:
    """What the observation form asks, named as the session's `record_observation` takes it."""

    kind: str
    observation: str
    objective_id: str | None
    capability: str | None
    analysis: str
    recommendation: str


class ObservationFormModal(FormModal[ObservationFields]):
    first_field = "observation-kind"

    def __init__(self, t: Translator, scenario: Scenario, objective_id: str | None = None) -> None:
        super().__init__()
        self.t = t
        self.scenario = scenario
        self.objective_id = objective_id  # preselected: the objective of the step in view

    def compose(self) -> ComposeResult:
        t = self.t
        objectives = [(o.title.get(t.lang), o.id) for o in self.scenario.objectives]
        with VerticalScroll(classes="dialog wide"):
            yield Label(t("tui.observation_title"), classes="dialog-title", markup=False)
            yield Label(t("tui.observation_kind"), markup=False)
            yield Select([(t(f"observation_kind.{k}"), k) for k in OBSERVATION_KINDS], value=OBSERVATION_KINDS[0],
                         allow_blank=False, id="observation-kind")
            yield Label(t("tui.observation_objective"), markup=False)
            yield Select(objectives, value=self.objective_id if self.objective_id else Select.NULL,
                         prompt=t("tui.observation_none"), id="observation-objective")
            yield Label(t("tui.observation_capability"), markup=False)
            yield Select([(t(f"capability.{c}"), c) for c in CAPABILITIES], prompt=t("tui.observation_none"),
                         id="observation-capability")
            yield Label(t("tui.observation_text"), markup=False)
            yield InOrderTextArea(id="observation-text", soft_wrap=True)
            yield field_error_label("observation-text")
            yield Label(t("tui.observation_analysis"), markup=False)
            yield InOrderTextArea(id="observation-analysis", soft_wrap=True)
            yield Label(t("tui.observation_recommendation"), markup=False)
            yield InOrderTextArea(id="observation-recommendation", soft_wrap=True)
            yield Label(t("tui.form_keys"), classes="dialog-hint", markup=False)

    def action_save(self) -> None:
        text = self.query_one("#observation-text", TextArea).text.strip()
        if not text:
            self.show_field_error("observation-text", self.t("tui.observation_required"))
            return

        def chosen(widget_id: str) -> str | None:
            value = self.query_one(widget_id, Select).value
            return value if isinstance(value, str) else None

        self.dismiss(ObservationFields(
            kind=chosen("#observation-kind") or OBSERVATION_KINDS[0],
            observation=text,
            objective_id=chosen("#observation-objective"),
            capability=chosen("#observation-capability"),
            analysis=self.query_one("#observation-analysis", TextArea).text.strip(),
            recommendation=self.query_one("#observation-recommendation", TextArea).text.strip(),
        ))

"""The hotwash at the end of a drill: what went well, what to improve, and (Ctrl+O) observations
written the HSEEP way, each saved the moment its form is saved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, TextArea

from bcp_drill.content.models import Scenario
from bcp_drill.i18n import Translator
from bcp_drill.tui.modals.form import FormModal
from bcp_drill.tui.modals.observation_form import ObservationFields, ObservationFormModal
from bcp_drill.tui.widgets.text_fields import InOrderTextArea


@dataclass(frozen=True)
class HotwashText:
    """What the hotwash form asks, named as the session's `record_hotwash` takes it."""

    strengths: str
    improvements: str


class HotwashModal(FormModal[HotwashText]):
    first_field = "hotwash-strengths"
    BINDINGS = [Binding("ctrl+o", "observation", "keys.observation")]

    def __init__(self, t: Translator, strengths: str = "", improvements: str = "",
                 scenario: Scenario | None = None,
                 save_observation: Callable[[ObservationFields], object] | None = None,
                 count_observations: Callable[[], int] | None = None) -> None:
        super().__init__()
        self.t = t
        self.strengths = strengths
        self.improvements = improvements
        self.scenario = scenario
        self.save_observation = save_observation
        self.count_observations = count_observations or (lambda: 0)

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="dialog wide"):
            yield Label(t("tui.hotwash_title"), classes="dialog-title", markup=False)
            yield Label(t("tui.hotwash_strengths"), markup=False)
            yield InOrderTextArea(self.strengths, id="hotwash-strengths", soft_wrap=True)
            yield Label(t("tui.hotwash_improvements"), markup=False)
            yield InOrderTextArea(self.improvements, id="hotwash-improvements", soft_wrap=True)
            if self.scenario is not None:
                yield Label(self._observations_text(), id="hotwash-observations", markup=False)
            yield Label(t("tui.hotwash_keys"), classes="dialog-hint", markup=False)

    def _observations_text(self) -> str:
        return self.t("tui.hotwash_observations", count=self.count_observations())

    @work
    async def action_observation(self) -> None:
        if self.scenario is None or self.save_observation is None:
            return
        observation: ObservationFields | None = await self.app.push_screen_wait(
            ObservationFormModal(self.t, self.scenario))
        if observation is not None:
            self.save_observation(observation)
        self.query_one("#hotwash-observations", Label).update(self._observations_text())

    def action_save(self) -> None:
        self.dismiss(HotwashText(strengths=self.query_one("#hotwash-strengths", TextArea).text.strip(),
                                 improvements=self.query_one("#hotwash-improvements", TextArea).text.strip()))

"""A drill step's ratings take their keys and words from the shipped HSEEP scale, as a review's
ratings take theirs from its checklist's scale: one home for P, S, M and U."""

from textual.widgets import Footer

from bcp_drill.content.library import builtin_scale
from bcp_drill.drill import ratings
from bcp_drill.drill.wording import rating_label
from bcp_drill.i18n import Translator
from bcp_drill.records.values import HSEEP_RATINGS
from bcp_drill.tui.app import StartRequest
from bcp_drill.tui.screens.drill_runner import DrillRunnerScreen
from bcp_drill.tui.widgets.step_list import StepList

from .support import SIZE, journal_events, make_app


def test_the_shipped_scale_offers_exactly_what_a_record_may_hold():
    dimension = ratings.rating_dimension()
    assert tuple(o.code for o in dimension.options) == HSEEP_RATINGS
    assert len({o.key for o in dimension.options}) == len(HSEEP_RATINGS)
    for option in dimension.options:
        for lang in ("ja", "en"):
            assert option.label.get(lang) and option.short_label(lang) and option.description.get(lang)


def test_reports_and_screens_word_a_rating_as_the_scale_does():
    option = builtin_scale("hseep").dimensions[0].option("S")
    assert rating_label("S", Translator("ja")) == option.label.get("ja") == "S 一部支障あり"
    assert rating_label("S", Translator("en")) == option.label.get("en")
    assert rating_label("", Translator("ja")) == "-"  # no rating: never a letter


async def test_the_runner_binds_the_scales_keys_and_shows_its_words(tmp_path, monkeypatch):
    shipped = ratings.rating_dimension()
    # A scale whose P is on "d": the runner must follow the scale, not a key written in the screen.
    moved = shipped.model_copy(update={"options": [
        o.model_copy(update={"key": "d"}) if o.code == "P" else o for o in shipped.options]})
    monkeypatch.setattr("bcp_drill.tui.screens.drill_runner.rating_dimension", lambda: moved)
    app, store, clock = make_app(tmp_path, start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        runner = app.screen
        assert isinstance(runner, DrillRunnerScreen)
        keys = [binding.key for binding in runner._bindings.key_to_bindings.values() for binding in binding][:4]
        assert keys == ["d", "s", "m", "u"]  # first in the footer, in the scale's order
        footer = " ".join(str(item.render()) for item in app.screen.query_one(Footer).query("*"))
        assert shipped.option("S").short_label("ja") in footer
        assert runner.query_one(StepList).selected_step_id == "s1"
        await pilot.press("p")  # no longer a rating key
        await pilot.press("d")
        await pilot.pause()
    completed = [e for e in journal_events(store) if e.type == "step_completed"]
    assert [(e.step_id, e.rating) for e in completed] == [("s1", "P")]

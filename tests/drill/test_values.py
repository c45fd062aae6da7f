"""Measured values are read in their check's unit: "1.5時間" in a minutes field is 90, "9割" is
90%, "８５％" is 85%, and a unit that cannot be converted is refused, never read as a bare number."""

import pytest

from bcp_drill.content.fields import LocalizedText
from bcp_drill.content.models import ValueSpec
from bcp_drill.drill.values import UnreadableValue, read_measured

MINUTES = ValueSpec(kind="number", unit=LocalizedText(ja="分", en="min"), min=30)
HOURS = ValueSpec(kind="number", unit=LocalizedText(ja="時間", en="h"), min=12)
LITRES = ValueSpec(kind="number", unit=LocalizedText(ja="L"), min=200)
PERCENT = ValueSpec(kind="percent", min=80)


@pytest.mark.parametrize("spec, typed, number", [
    (MINUTES, "25", 25), (MINUTES, "２５分", 25), (MINUTES, "25 min", 25), (MINUTES, "1.5時間", 90),
    (MINUTES, "1時間30分", 90), (MINUTES, "１時間３０分", 90), (MINUTES, "1h30m", 90), (MINUTES, "90秒", 1.5),
    (HOURS, "72", 72), (HOURS, "3日", 72), (HOURS, "90分", 1.5), (HOURS, "1日12時間", 36),
    (LITRES, "250", 250), (LITRES, "250L", 250), (LITRES, "250 リットル", 250),
    (PERCENT, "85", 85), (PERCENT, "85%", 85), (PERCENT, "８５％", 85), (PERCENT, "9割", 90),
    (PERCENT, "９割５分", 95),
])
def test_a_value_is_read_in_its_checks_unit(spec, typed, number):
    assert read_measured(typed, spec).number == pytest.approx(number)


@pytest.mark.parametrize("spec, typed, code", [
    (MINUTES, "25L", "value_unit_unknown"), (LITRES, "25分", "value_unit_unknown"),
    (MINUTES, "abc", "value_not_a_number"), (PERCENT, "120%", "percent_out_of_range"),
    (PERCENT, "12割", "percent_out_of_range"), (PERCENT, "85 L", "value_not_a_number"),
])
def test_a_value_in_another_unit_is_refused(spec, typed, code):
    with pytest.raises(UnreadableValue) as refused:
        read_measured(typed, spec)
    assert refused.value.code == code


def test_the_runner_flags_and_shows_the_number_it_read(tmp_path):
    """1時間30分 of UPS time is not "below 30 min": it is 90 minutes, and shown so."""
    from bcp_drill.drill.view import value_views
    from bcp_drill.drill.wording import value_text
    from bcp_drill.errors import SessionRefused
    from bcp_drill.i18n import Translator
    from drill.test_plan_model import start

    session, clock = start(tmp_path)
    step = next(s for s in session.scenario.steps if any(c.value is not None and c.value.kind == "number"
                                                         for c in s.checks))
    index = next(i for i, c in enumerate(step.checks) if c.value is not None and c.value.kind == "number")
    spec = step.checks[index].value
    t = Translator("ja")
    unit = spec.unit.get("ja")
    assert (unit, spec.min) == ("分", 30)  # the plan's UPS minutes left, at least 30
    session.record_value(step.id, index, "1時間30分")
    view = next(v for v in value_views(session.state, step) if v.index == index)
    assert view.recorded.number == 90 and value_text(view, t) == "1時間30分 (= 90分)"  # no (!): 90 is not below 30
    session.record_value(step.id, index, "２５分")
    view = next(v for v in value_views(session.state, step) if v.index == index)
    assert value_text(view, t).startswith("２５分 (!)")
    with pytest.raises(SessionRefused) as refused:
        session.record_value(step.id, index, "25kg")
    assert refused.value.code == "value_unit_unknown" and unit in refused.value.message(t)
    session.close()


def test_a_percentage_typed_full_width_is_shown_once_with_its_sign(tmp_path):
    """"７５％" was shown "７５％%" on screen and in every report."""
    from bcp_drill.drill.view import value_views
    from bcp_drill.drill.wording import value_text
    from bcp_drill.i18n import Translator
    from drill.test_plan_model import start

    session, _ = start(tmp_path)
    step = next(s for s in session.scenario.steps if any(c.value is not None and c.value.kind == "percent"
                                                         for c in s.checks))
    index = next(i for i, c in enumerate(step.checks) if c.value is not None and c.value.kind == "percent")
    t = Translator("ja")
    for typed, shown in (("７５％", "７５％"), ("75", "75%"), ("9割", "9割 (= 90%)")):
        session.record_value(step.id, index, typed)
        view = next(v for v in value_views(session.state, step) if v.index == index)
        assert value_text(view, t).split(" (!)")[0] == shown, typed
    session.close()

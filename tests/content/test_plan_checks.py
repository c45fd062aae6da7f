"""validate on the plan structures: conditions, `when`, `after`, relative targets, cycles."""

from .helpers import load_yaml, rendered
from .test_loader_errors import VALID_HEAD

CONDITIONS = """conditions:
  - id: hours
    title: 発生時間帯
    values:
      - {id: office, title: 就業時間内}
      - {id: off_hours, title: 時間外}
"""


def codes(loaded):
    return sorted((p.code, p.line) for p in loaded.problems)


def test_a_valid_plan_scenario_has_no_problems(tmp_path):
    loaded = load_yaml(tmp_path, VALID_HEAD + CONDITIONS + """steps:
  - {id: s1, phase: p0, title: 点検, role: lead, when: {hours: office}}
  - {id: s2, phase: p0, title: 報告, role: lead, after: [s1], target_after_minutes: 30}
  - {id: s3, phase: p0, title: 再起動, role: lead, after_injects: [i1], when: {hours: [office, off_hours]}}
injects:
  - {id: i1, at_minutes: 60, recipient: lead, sender: 電力, channel: 電話, content: 復旧, when: {hours: off_hours}}
""")
    assert loaded.problems == []
    step = loaded.document.steps[0]
    assert step.target_minutes is None and step.when == {"hours": ["office"]}


def test_references_of_the_plan_structures_resolve(tmp_path):
    loaded = load_yaml(tmp_path, VALID_HEAD + CONDITIONS + """steps:
  - {id: s1, phase: p0, title: 点検, role: lead, when: {hour: office}}
  - {id: s2, phase: p0, title: 報告, role: lead, when: {hours: night}, after: [s9], after_injects: [i9]}
  - {id: s3, phase: p0, title: 再起動, role: lead, target_after_minutes: 5}
  - {id: s4, phase: p0, title: 再起動, role: lead, after: [s1], target_minutes: 5, target_after_minutes: 5}
  - {id: s5, phase: p0, title: 自分, role: lead, after: [s5]}
""")
    assert codes(loaded) == [("after_itself", 23), ("relative_target_without_after", 21),
                             ("two_targets", 22), ("unknown_reference", 19), ("unknown_reference", 20),
                             ("unknown_reference", 20), ("unknown_reference", 20)]
    text = "\n".join(rendered(loaded))
    assert "doc.yaml:19:" in text and "'hours'" in text  # did you mean
    assert "office, off_hours" in text  # the values the condition has


def test_a_fixed_value_must_be_one_of_the_conditions_values(tmp_path):
    loaded = load_yaml(tmp_path, VALID_HEAD + CONDITIONS.replace("    values:", "    fixed: night\n    values:")
                       + "steps:\n  - {id: s1, phase: p0, title: 点検, role: lead}\n")
    assert codes(loaded) == [("unknown_reference", 15)]


def test_a_cycle_in_after_is_reported_once_with_its_path(tmp_path):
    loaded = load_yaml(tmp_path, VALID_HEAD + """steps:
  - {id: a, phase: p0, title: A, role: lead, after: [c]}
  - {id: b, phase: p0, title: B, role: lead, after: [a]}
  - {id: c, phase: p0, title: C, role: lead, after: [b]}
  - {id: d, phase: p0, title: D, role: lead, after: [a]}
""")
    assert codes(loaded) == [("after_cycle", 14)]
    assert "a -> c -> b -> a" in "\n".join(rendered(loaded))


def test_decision_options_are_checked(tmp_path):
    loaded = load_yaml(tmp_path, VALID_HEAD + """steps:
  - id: d1
    phase: p0
    title: 場所
    role: lead
    options:
      - {id: a, title: 残る, enables: [d1, s9], triggers: [i1, i9]}
  - id: d2
    phase: p0
    title: 選ぶ
    role: lead
    options:
      - {id: x, title: X, enables: [s3]}
      - {id: x, title: Y}
  - {id: s3, phase: p0, title: 移動, role: lead, target_after_minutes: 30}
injects:
  - {id: i1, at_minutes: 5, recipient: lead, sender: 外部, channel: 電話, content: 準備完了}
""")
    assert codes(loaded) == [("decides_itself", 18), ("decision_needs_options", 18), ("duplicate_id", 25),
                             ("triggered_inject_timed", 18), ("unknown_reference", 18), ("unknown_reference", 18)]
    # s3's relative target counts from d2's decision: no "needs after" problem for it


def test_a_decision_that_enables_a_step_it_waits_for_is_a_cycle(tmp_path):
    loaded = load_yaml(tmp_path, VALID_HEAD + """steps:
  - {id: s1, phase: p0, title: A, role: lead, after: [d1]}
  - id: d1
    phase: p0
    title: 決める
    role: lead
    after: [s1]
    options:
      - {id: a, title: A, enables: [s1]}
      - {id: b, title: B}
""")
    assert [c for c, _ in codes(loaded)] == ["after_cycle"]

"""Every kind of bad content file is reported with its exact file, line and column."""

import time
from pathlib import Path

import pytest

from bcp_drill.content.loader import FileLoader
from bcp_drill.content.models import Scenario

from .helpers import load_yaml, rendered

VALID_HEAD = """
kind: scenario
id: quake
version: "1"
title: 地震
summary: 概要
hazard: 地震
drill_types: [tabletop]
roles:
  - {id: lead, title: 責任者}
phases:
  - {id: p0, title: 直後, at_minutes: 0}
"""

VALID_STEPS = VALID_HEAD + """steps:
  - {id: s1, phase: p0, title: 点検, role: lead, target_minutes: 5}
"""


def test_valid_scenario_loads_with_hash(data_dir):
    loaded = FileLoader().load(data_dir / "content" / "mini-scenario.yaml", "mini-scenario.yaml")
    assert loaded.problems == []
    assert isinstance(loaded.document, Scenario)
    assert loaded.document.version == "1.0"  # a YAML float read as the text the author meant
    assert loaded.document.title.get("en") == "A small scenario"
    assert loaded.document.summary.get("en") == "テスト用"  # English falls back to Japanese
    assert len(loaded.sha256) == 64


def test_yaml_syntax_error_points_at_the_problem(tmp_path):
    loaded = load_yaml(tmp_path, """
        kind: scenario
        id: quake
        title: [unclosed
        summary: x
    """)
    assert loaded.document is None
    [problem] = loaded.problems
    assert problem.code == "yaml_syntax"
    assert (problem.line, problem.column) == (4, 8)
    assert rendered(loaded)[0].startswith("doc.yaml:4:8: YAML syntax error:")


def test_empty_and_comment_only_files(tmp_path):
    assert [p.code for p in load_yaml(tmp_path, "", "a.yaml").problems] == ["file_empty"]
    assert [p.code for p in load_yaml(tmp_path, "# only a comment\n", "b.yaml").problems] == ["file_empty"]
    message = rendered(load_yaml(tmp_path, "   \n", "c.yaml"))[0]
    assert message == "c.yaml: the file is empty (begin the file with 'kind: scenario' or 'kind: checklist')"


def test_non_utf8_bytes_are_located(tmp_path):
    path = tmp_path / "sjis.yaml"
    path.write_bytes("kind: scenario\ntitle: ".encode() + "地震".encode("shift_jis") + b"\n")
    loaded = FileLoader().load(path, "sjis.yaml")
    [problem] = loaded.problems
    assert problem.code == "not_utf8"
    assert (problem.line, problem.column) == (2, 8)
    assert "save the file again as UTF-8" in rendered(loaded)[0]


def test_control_character_is_refused(tmp_path):
    loaded = load_yaml(tmp_path, "kind: scenario\nid: a\x07b\n")
    [problem] = loaded.problems
    assert problem.code == "bad_character"
    assert (problem.line, problem.column) == (2, 6)
    assert problem.params["character"] == "U+0007"


def test_unknown_key_suggests_the_closest_valid_key(tmp_path):
    loaded = load_yaml(tmp_path, VALID_HEAD + """
steps:
  - id: s1
    phase: p0
    title: 点検
    role: lead
    target_minuts: 5
""")
    problems = {p.code: p for p in loaded.problems}
    assert problems["unknown_key"].line == 18 and problems["unknown_key"].column == 5
    assert problems["unknown_key"].hint_params == {"suggestion": "target_minutes"}
    # target_minutes is optional (a step may have no target), so nothing is reported missing
    assert "missing_key" not in problems
    assert "doc.yaml:18:5: unknown key 'target_minuts' (did you mean 'target_minutes'?)" in rendered(loaded)


def test_wrong_type_is_reported_at_the_value(tmp_path):
    loaded = load_yaml(tmp_path, VALID_HEAD + """
steps:
  - {id: s1, phase: p0, title: 点検, role: lead, target_minutes: soon}
""")
    [problem] = loaded.problems
    assert problem.code == "expected_integer"
    assert (problem.line, problem.column) == (14, 64)
    assert rendered(loaded) == ["doc.yaml:14:64: steps.0.target_minutes: expected a whole number (found text)"]


def test_wrong_container_type(tmp_path):
    loaded = load_yaml(tmp_path, VALID_HEAD + "steps: not-a-list\n")
    [problem] = loaded.problems
    assert problem.code == "expected_list"
    assert (problem.line, problem.column) == (12, 8)


def test_dangling_references_are_all_reported(tmp_path):
    loaded = load_yaml(tmp_path, VALID_HEAD + """
objectives:
  - {id: obj-1, title: 目標}
steps:
  - {id: s1, phase: p1, title: 点検, role: lead, target_minutes: 5}
  - {id: s2, phase: p0, title: 報告, role: leader, target_minutes: 5, objectives: [obj-2]}
injects:
  - {id: i1, at_minutes: 1, recipient: nobody, sender: 本部, channel: 電話, content: 連絡, steps: [s1, s9]}
""")
    assert loaded.document is None
    found = sorted((p.line, p.column, p.params["kind"], p.params["value"]) for p in loaded.problems)
    assert found == [
        (16, 21, "phase", "p1"),
        (17, 42, "role", "leader"),
        (17, 82, "objective", "obj-2"),
        (19, 40, "role", "nobody"),
        (19, 98, "step", "s9"),
    ]
    messages = rendered(loaded)
    assert "doc.yaml:16:21: phase 'p1' is not defined (defined: p0)" in messages
    assert "doc.yaml:17:42: role 'leader' is not defined (did you mean 'lead'?)" in messages


def test_duplicate_ids_within_a_file_name_the_first(tmp_path):
    loaded = load_yaml(tmp_path, VALID_HEAD + """
steps:
  - {id: s1, phase: p0, title: 点検, role: lead, target_minutes: 5}
  - {id: s2, phase: p0, title: 報告, role: lead, target_minutes: 6}
  - {id: s1, phase: p0, title: 再点検, role: lead, target_minutes: 7}
""")
    [problem] = loaded.problems
    assert problem.code == "duplicate_id"
    assert (problem.line, problem.column, problem.params["first_line"]) == (16, 10, 14)
    assert rendered(loaded) == ["doc.yaml:16:10: duplicate step id 's1' (first on line 14)"]


def test_duplicate_mapping_key(tmp_path):
    loaded = load_yaml(tmp_path, VALID_STEPS + "title: 二重\n")
    [problem] = loaded.problems
    assert (problem.code, problem.line, problem.column) == ("duplicate_key", 14, 1)
    assert problem.params == {"key": "title", "first_line": 4}


def test_python_tags_are_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    loaded = load_yaml(tmp_path, f"""
kind: scenario
id: !!python/object/apply:os.system ["touch {marker}"]
""")
    assert not marker.exists()
    assert loaded.document is None
    tag_problem = next(p for p in loaded.problems if p.code == "unsupported_tag")
    assert (tag_problem.line, tag_problem.column) == (2, 5)
    assert tag_problem.params["tag"] == "!!python/object/apply:os.system"


def test_custom_tags_are_refused(tmp_path):
    loaded = load_yaml(tmp_path, "kind: !include other.yaml\n")
    assert [p.code for p in loaded.problems][0] == "unsupported_tag"


def test_alias_bomb_is_refused_fast(tmp_path):
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        prev = f"*a{level - 1}"
        levels.append(f"a{level}: &a{level} [{', '.join([prev] * 10)}]")
    started = time.monotonic()
    loaded = load_yaml(tmp_path, "kind: scenario\n" + "\n".join(levels) + "\n")
    elapsed = time.monotonic() - started
    [problem] = loaded.problems
    assert problem.code == "too_many_nodes"
    assert elapsed < 10  # generous: the point is that it stops, not how fast this machine is


def test_recursive_alias_is_refused(tmp_path):
    loaded = load_yaml(tmp_path, "kind: scenario\nloop: &l [*l]\n")
    assert [p.code for p in loaded.problems] in (["too_deep"], ["too_many_nodes"], ["yaml_syntax"])


def test_oversized_file_is_refused_before_reading(tmp_path):
    loaded = load_yaml(tmp_path, "kind: scenario\n" + "# padding\n" * 200, max_bytes=1000)
    [problem] = loaded.problems
    assert problem.code == "file_too_large"
    assert problem.line is None
    assert "limit 1000" in rendered(loaded)[0]


def test_top_level_must_be_a_mapping_with_a_known_kind(tmp_path):
    assert [p.code for p in load_yaml(tmp_path, "- a\n- b\n", "l.yaml").problems] == ["top_not_mapping"]
    assert [p.code for p in load_yaml(tmp_path, "id: x\n", "k.yaml").problems] == ["kind_missing"]
    unknown = load_yaml(tmp_path, "id: x\nkind: scenaro\n", "u.yaml")
    [problem] = unknown.problems
    assert (problem.code, problem.line, problem.column) == ("kind_unknown", 2, 7)
    assert problem.hint_params == {"suggestion": "scenario"}


def test_phase_order_and_step_before_its_phase(tmp_path):
    loaded = load_yaml(tmp_path, """
kind: scenario
id: q
version: "1"
title: t
summary: s
hazard: h
drill_types: [tabletop]
roles: [{id: lead, title: 責任者}]
phases:
  - {id: p60, title: 1時間, at_minutes: 60}
  - {id: p10, title: 10分, at_minutes: 10}
steps:
  - {id: s1, phase: p60, title: 点検, role: lead, target_minutes: 30}
""")
    codes = {(p.code, p.line) for p in loaded.problems}
    assert codes == {("phase_order", 11), ("step_before_phase", 13)}


def test_bad_id_and_bad_enum_values(tmp_path):
    loaded = load_yaml(tmp_path, VALID_HEAD.replace("drill_types: [tabletop]", "drill_types: [desk]")
                       .replace("id: quake", "id: 地震"))
    by_code = {p.code: p for p in loaded.problems}
    assert by_code["bad_id"].line == 2
    assert by_code["not_one_of"].line == 7
    assert "'desk' is not allowed" in by_code["not_one_of"].message(lambda k, **p: __import__(
        "bcp_drill.i18n", fromlist=["translate"]).translate("en", k, **p))


def test_empty_localized_text(tmp_path):
    loaded = load_yaml(tmp_path, VALID_STEPS.replace("title: 地震", "title: {}"))
    assert [(p.code, p.line) for p in loaded.problems] == [("empty_text", 4)]


def test_unquoted_comma_in_flow_mapping_gets_a_hint(tmp_path):
    loaded = load_yaml(tmp_path, VALID_STEPS.replace("title: 地震", "title: {ja: 地震, en: Quake, big}"))
    [problem] = loaded.problems
    assert problem.hint == "quote_commas"
    assert (problem.line, problem.column) == (4, 28)


def test_nesting_ten_thousand_levels_deep_is_refused_fast_with_its_place(tmp_path):
    import time

    from bcp_drill.content.loader import FileLoader

    path = tmp_path / "deep.yaml"
    path.write_text("kind: scenario\nx: " + "[" * 10000 + "]" * 10000 + "\n", encoding="utf-8")
    started = time.perf_counter()
    [problem] = FileLoader().load(path).problems
    assert time.perf_counter() - started < 1.0  # refused while reading tokens, not after recursing
    assert (problem.code, problem.line, problem.column) == ("too_deep", 2, 53)


@pytest.mark.parametrize("value", ["[]", "{a: 1}", "[scenario]"])
def test_a_kind_that_is_not_text_is_a_problem_not_a_crash(tmp_path, value):
    from bcp_drill.content.loader import FileLoader

    path = tmp_path / "odd.yaml"
    path.write_text(f"kind: {value}\nid: x\n", encoding="utf-8")
    [problem] = FileLoader().load(path).problems
    assert (problem.code, problem.line) == ("kind_unknown", 1)


def test_a_pipe_or_a_device_is_not_read(tmp_path):
    import os

    from bcp_drill.content.loader import FileLoader

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        [problem] = FileLoader().load(path).problems  # returns at once: nothing is opened
        assert problem.code == "not_a_regular_file"

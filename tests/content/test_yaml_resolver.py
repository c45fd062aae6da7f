"""The remembering resolver gives every scalar the tag PyYAML's own safe loader gives it, with
the same lines and columns, however often the same text comes back quoted or plain."""

from pathlib import Path

import yaml
from yaml.nodes import ScalarNode

from bcp_drill.content.yamltree import FAST_LOADER, TreeReader
from conftest import REPO

TRICKY = """\
plain: [yes, no, on, off, true, "true", 'true', ~, null, "null", 1:30, "1:30", 0x1F, 017, 1_000, .5, .inf, -.inf]
dates: [2026-04-01, "2026-04-01", 2026-04-01 09:00:00, 2026-02-31]
text: [id, ja, en, 震度6強, "", '', " ", "- x"]
again: [yes, "yes", 'yes', 1:30, '1:30', ~, "~"]
"""


def shape(node):
    if isinstance(node, ScalarNode):  # libyaml says "" for a plain scalar's style, PyYAML None
        return (node.tag, node.value, node.style or None, node.start_mark.line, node.start_mark.column)
    items = [(shape(k), shape(v)) if isinstance(k, ScalarNode) or hasattr(k, "value") else shape(k)
             for k, v in node.value] if node.id == "mapping" else [shape(child) for child in node.value]
    return (node.tag, node.start_mark.line, node.start_mark.column, items)


def test_tags_and_marks_match_the_pure_python_safe_loader():
    texts = [TRICKY] + [p.read_text(encoding="utf-8") for p in sorted(Path(REPO, "scenarios").glob("*.yaml"))]
    for _ in range(2):  # the second round is answered from what the first remembered
        for text in texts:
            assert shape(yaml.compose(text, Loader=FAST_LOADER)) == shape(yaml.compose(text, Loader=yaml.SafeLoader))


def test_quoted_and_plain_text_are_told_apart_after_both_were_seen():
    first = yaml.compose('a: true\nb: "true"\n', Loader=FAST_LOADER)
    second = yaml.compose('b: "true"\na: true\n', Loader=FAST_LOADER)
    tags = {k.value: v.tag for k, v in first.value} | {k.value + "2": v.tag for k, v in second.value}
    assert tags == {"a": "tag:yaml.org,2002:bool", "b": "tag:yaml.org,2002:str",
                    "a2": "tag:yaml.org,2002:bool", "b2": "tag:yaml.org,2002:str"}


def test_a_plain_time_stays_text_under_libyaml_too():
    # YAML 1.1 reads an unquoted 1:30 as the number 90; people mean a time. libyaml marks a
    # plain scalar's style "" (not None), which once let 1:30 through as 90.
    for loader in (FAST_LOADER, yaml.CSafeLoader, yaml.SafeLoader):
        root = yaml.compose("start: 5:30\nquoted: '1:30'\nminutes: 90\n", Loader=loader)
        assert TreeReader().to_data(root) == {"start": "5:30", "quoted": "1:30", "minutes": 90}

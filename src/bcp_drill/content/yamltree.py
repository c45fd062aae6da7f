"""Safe YAML reading that keeps each value's line and column.

The file is composed into nodes (never constructed as Python objects by tag), then
turned into plain data here, so tags, duplicate keys and alias bombs can be refused
with a location instead of being executed, silently merged or expanded forever.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_FILE_BYTES = 1024 * 1024
MAX_NODES = 50_000
MAX_DEPTH = 50

_TAG = "tag:yaml.org,2002:"
SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?")
SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
SCALAR_CONSTRUCTORS = {tag: yaml.constructor.SafeConstructor.yaml_constructors[tag] for tag in SCALAR_TAGS}
_STR = _TAG + "str"
_MERGE = _TAG + "merge"


@dataclass(frozen=True)
class TreeIssue:
    """Something found while reading the tree; the loader turns it into a Problem."""

    line: int | None
    column: int | None
    code: str
    params: dict[str, Any]


class TreeTooLarge(Exception):
    """The document expands past MAX_NODES or MAX_DEPTH (alias bomb or runaway nesting)."""

    def __init__(self, issue: TreeIssue) -> None:
        super().__init__(issue.code)
        self.issue = issue


class RememberingResolver(yaml.resolver.Resolver):
    """YAML's implicit tag rules, remembered per scalar: a library repeats the same keys and
    values (`id`, `ja`, `en`, `true`) thousands of times, and libyaml's composer asks Python
    to resolve every one of them. No path resolvers are used, so a scalar's tag depends on
    its text and quoting alone; the answers are shared by every file read in the process."""

    # One table per (plain, quoted) pair that libyaml passes, so no key tuple is built per scalar.
    _tags: dict[Any, dict[str, str]] = {}
    _LIMIT = 50_000  # distinct scalars remembered per table before starting afresh (memory stays bounded)

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is not ScalarNode:
            resolved: str = super().resolve(kind, value, implicit)
            return resolved
        table = self._tags.get(implicit)
        if table is None:
            table = self._tags[implicit] = {}
        tag = table.get(value)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(table) >= self._LIMIT:
                table.clear()
            table[value] = tag
        return tag

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None  # only path resolvers use these, and there are none

    def ascend_resolver(self) -> None:
        return None


def _fast_loader() -> type:
    """libyaml's parser and composer with the remembering resolver; the pure-Python loader
    (same rules, slower) where PyYAML was built without libyaml."""
    try:
        from yaml._yaml import CParser  # libyaml, when PyYAML was built with it
    except ImportError:
        return yaml.SafeLoader

    class FastSafeLoader(CParser, yaml.constructor.SafeConstructor, RememberingResolver):
        def __init__(self, stream: Any) -> None:
            CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            RememberingResolver.__init__(self)

    return FastSafeLoader


FAST_LOADER: type = _fast_loader()


def mark_of(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _describe_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


class TreeReader:
    """Turns composed YAML nodes into plain dicts, lists and scalars, collecting issues."""

    def __init__(self) -> None:
        self.issues: list[TreeIssue] = []
        self._nodes_seen = 0
        # Scalars are built by the safe constructor's own functions, called directly: its
        # construct_object() would keep every node in a cache inside a reference cycle, which
        # left each file's whole tree for the cyclic garbage collector to find.
        self._constructor = yaml.constructor.SafeConstructor()

    def _issue(self, node: Node, code: str, **params: object) -> None:
        line, column = mark_of(node)
        self.issues.append(TreeIssue(line, column, code, params))

    def to_data(self, node: Node, depth: int = 0) -> Any:
        self._nodes_seen += 1
        if self._nodes_seen > MAX_NODES:
            line, column = mark_of(node)
            raise TreeTooLarge(TreeIssue(line, column, "too_many_nodes", {"limit": MAX_NODES}))
        if depth > MAX_DEPTH:
            line, column = mark_of(node)
            raise TreeTooLarge(TreeIssue(line, column, "too_deep", {"limit": MAX_DEPTH}))
        if isinstance(node, ScalarNode):
            if node.tag not in SCALAR_TAGS:
                self._issue(node, "unsupported_tag", tag=_describe_tag(node.tag))
                return None
            if node.tag == _STR:
                return node.value
            if not node.style and SEXAGESIMAL.fullmatch(node.value):  # plain: None (Python), "" (libyaml)
                return node.value  # YAML 1.1 reads 1:30 as 90; people mean a time (YAML 1.2 agrees)
            try:
                return SCALAR_CONSTRUCTORS[node.tag](self._constructor, node)
            except ValueError:
                return node.value  # e.g. 2026-02-31: left as text for the model to reject with a location
        if isinstance(node, SequenceNode):
            if node.tag != _TAG + "seq":
                self._issue(node, "unsupported_tag", tag=_describe_tag(node.tag))
                return None
            return [self.to_data(child, depth + 1) for child in node.value]
        if isinstance(node, MappingNode):
            if node.tag != _TAG + "map":
                self._issue(node, "unsupported_tag", tag=_describe_tag(node.tag))
                return None
            return self._mapping(node, depth)
        raise TypeError(f"unexpected YAML node {node!r}")  # pragma: no cover - yaml has 3 kinds

    def _mapping(self, node: MappingNode, depth: int) -> dict[str, Any]:
        data: dict[str, Any] = {}
        first_key: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self._issue(key_node, "complex_key")
                continue
            if key_node.tag == _MERGE:
                self._issue(key_node, "merge_key")
                continue
            # Keys are taken as written: `on:` or `no:` stay text, not YAML 1.1 booleans.
            key = key_node.value
            if key in data:
                self._issue(key_node, "duplicate_key", key=key, first_line=mark_of(first_key[key])[0])
            else:
                first_key[key] = key_node
            data[key] = self.to_data(value_node, depth + 1)
        return data


def child(node: Node, key: str | int) -> tuple[Node | None, Node | None]:
    """The (key node, value node) under NODE for a mapping key or list index."""
    if isinstance(node, MappingNode) and isinstance(key, str):
        found: tuple[Node | None, Node | None] = (None, None)
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                found = (key_node, value_node)  # the last one wins, as in the data
        return found
    if isinstance(node, SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return None, node.value[key]
    return None, None


def locate(root: Node, loc: tuple[str | int, ...], at_key: bool = False) -> Node:
    """The deepest node along LOC; elements that match nothing (union tags) are skipped."""
    current = root
    for index, element in enumerate(loc):
        key_node, value_node = child(current, element)
        if value_node is None:
            continue
        if at_key and index == len(loc) - 1 and key_node is not None:
            return key_node
        current = value_node
    return current

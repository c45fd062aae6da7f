"""One content file → a validated model, or every problem in it with its file:line:column."""

from __future__ import annotations

import functools
import hashlib
import stat
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node

from bcp_drill.content.checks import (
    Finding,
    check_checklist,
    check_register,
    check_scale,
    check_scenario,
    closest,
    evidence_links,
)
from bcp_drill.content.models import (
    DOCUMENT_KINDS,
    Checklist,
    ContentDocument,
    Scenario,
    SystemsRegister,
)
from bcp_drill.content.problems import Problem
from bcp_drill.content.scales import Scale
from bcp_drill.content.yamltree import (
    FAST_LOADER,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    TreeReader,
    TreeTooLarge,
    child,
    locate,
    mark_of,
)


@dataclass
class LoadedFile:
    """What reading one file gave: the document if it is valid, and its problems."""

    path: Path
    display: str
    document: ContentDocument | None = None
    root: Node | None = None
    sha256: str = ""
    raw: bytes = b""
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # worth a look; the file is still valid
    # A scenario's shared systems register (kind: systems), set by the library; a drill pins it.
    systems_source: "LoadedFile | None" = None
    # The document as the file alone gives it, once the library has put a register's systems in.
    as_read: ContentDocument | None = None
    # Where a few top-level keys are, kept when the node tree is let go (see `forget_tree`).
    marks: dict[tuple[str | int, ...], tuple[int | None, int | None]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.document is not None and not self.problems

    def forget_tree(self, keep: tuple[tuple[str | int, ...], ...] = (("id",), ("scale",), ("systems_register",),
                                                                      ("final_year_only",))) -> None:
        """Let go of the YAML node tree once checked, keeping the places cross-file checks ask for.

        A library of many files would otherwise hold every node of every file, and Python's
        garbage collector would walk them all again and again while later files load.
        """
        if self.root is not None:
            if isinstance(self.document, Checklist):  # its evidence lines are checked against the scenarios
                keep += tuple(here + (key,) for here, _ in evidence_links(self.document)
                              for key in ("scenario", "step", "objective"))
            self.marks = {loc: mark_of(locate(self.root, loc)) for loc in keep}
            self.root = None


def _position_in_text(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _describe_input(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return type(value).__name__


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found += _models_in(arg)
    return found


def _model_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model class that validates the mapping at LOC (for 'did you mean' on keys)."""
    current: type[BaseModel] | None = model
    for element in loc:
        if current is None:
            return None
        if isinstance(element, int):
            continue
        info = current.model_fields.get(element)
        if info is None:
            continue  # a union tag such as 'inline'
        models = _models_in(info.annotation)
        current = models[0] if models else None
    return current


# pydantic error types → catalog codes; the rest fall back to `invalid_value`.
_ERROR_CODES = {
    "string_type": "expected_text",
    "int_type": "expected_integer",
    "int_parsing": "expected_integer",
    "int_from_float": "expected_integer",
    "bool_type": "expected_bool",
    "bool_parsing": "expected_bool",
    "list_type": "expected_list",
    "dict_type": "expected_mapping",
    "model_type": "expected_mapping",
    "model_attributes_type": "expected_mapping",
    "string_too_short": "empty_value",
    "string_too_long": "too_long",
    "too_short": "too_few",
    "greater_than_equal": "too_small",
    "less_than_equal": "too_large",
    "enum": "not_one_of",
    "literal_error": "not_one_of",
    "string_pattern_mismatch": "bad_pattern",
    "bad_id": "bad_id",
    "empty_text": "empty_text",
    "bad_elapsed": "bad_elapsed",
    "bad_clock": "bad_clock",
    "bad_role": "bad_role",
    "bad_year": "bad_year",
    "bad_range": "bad_range",
    "date_from_datetime_parsing": "bad_date",
    "date_parsing": "bad_date",
    "date_type": "bad_date",
}


_OPENING = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken, yaml.FlowMappingStartToken,
            yaml.FlowSequenceStartToken)
_CLOSING = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def too_deep_at(source: str, loader: type = FAST_LOADER) -> tuple[int, int] | None:
    """Where nesting first goes past MAX_DEPTH, by reading tokens (no recursion), or None.

    PyYAML's composer recurses once per level, so 10,000 levels would exhaust the stack
    before any later check could refuse them; the token stream can be counted flat.
    """
    depth = 0
    try:
        for token in yaml.scan(source, Loader=loader):
            if isinstance(token, _OPENING):
                depth += 1
                if depth > MAX_DEPTH:
                    return token.start_mark.line + 1, token.start_mark.column + 1
            elif isinstance(token, _CLOSING):
                depth -= 1
    except yaml.YAMLError:
        if loader is not yaml.SafeLoader:
            # libyaml 0.2.5 reads far ahead and stops at its own depth limit (1,000) before
            # handing out a token: count again with the pure-Python scanner (flat too).
            return too_deep_at(source, yaml.SafeLoader)
        return None  # a syntax error: composing reports it with its place
    return None


class FileLoader:
    """Reads content files; one instance per validation run."""

    def __init__(self, max_bytes: int = MAX_FILE_BYTES, kinds: Mapping[str, type] | None = None) -> None:
        self.max_bytes = max_bytes
        self.kinds = kinds or DOCUMENT_KINDS  # import files bring their own kinds

    def load(self, path: Path, display: str | None = None) -> LoadedFile:
        result = LoadedFile(path=path, display=display or str(path))
        try:
            status = path.stat()
            if not stat.S_ISREG(status.st_mode):  # a FIFO or a device would never end
                self._problem(result, None, None, "not_a_regular_file")
                return result
            size = status.st_size
            if size > self.max_bytes:
                self._problem(result, None, None, "file_too_large", size=size, limit=self.max_bytes)
                return result
            self._load(result, path.read_bytes())
        except OSError as error:
            self._problem(result, None, None, "unreadable", reason=error.strerror or str(error))
        return result

    def load_bytes(self, raw: bytes, display: str) -> LoadedFile:
        """Load content kept elsewhere (e.g. the scenario pinned in a drill journal)."""
        result = LoadedFile(path=Path(display), display=display)
        if len(raw) > self.max_bytes:
            self._problem(result, None, None, "file_too_large", size=len(raw), limit=self.max_bytes)
            return result
        self._load(result, raw)
        return result

    # -- steps -------------------------------------------------------------

    def _problem(self, result: LoadedFile, line: int | None, column: int | None, code: str,
                 hint: str | None = None, hint_params: dict | None = None, **params: Any) -> None:
        result.problems.append(Problem(result.display, line, column, code, params, hint,
                                       hint_params or {}))

    def _load(self, result: LoadedFile, raw: bytes) -> None:
        result.sha256 = hashlib.sha256(raw).hexdigest()
        result.raw = raw
        try:
            source = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            before = raw[: error.start].decode("utf-8", "replace")
            line, column = _position_in_text(before, len(before))
            self._problem(result, line, column, "not_utf8", hint="save_as_utf8",
                          byte=f"0x{raw[error.start]:02X}")
            return
        if not source.strip():
            self._problem(result, None, None, "file_empty", hint="start_with_kind")
            return
        root = self._compose(result, source)
        if root is None:
            return
        result.root = root
        reader = TreeReader()
        try:
            data = reader.to_data(root)
        except TreeTooLarge as too_large:
            issue = too_large.issue
            place: tuple[int | None, int | None] = (issue.line, issue.column)
            if issue.code == "too_deep":  # the same place the token pass names
                place = too_deep_at(source, yaml.SafeLoader) or place
            self._problem(result, place[0], place[1], issue.code, **issue.params)
            return
        for issue in reader.issues:
            hint = {"unsupported_tag": "plain_values", "merge_key": "write_out"}.get(issue.code)
            self._problem(result, issue.line, issue.column, issue.code, hint=hint, **issue.params)
        model = self._kind(result, root, data)
        if model is None:
            return
        try:
            document = model.model_validate(data)
        except ValidationError as error:
            self._validation_problems(result, root, model, error)
            return
        for finding in self._findings(document):
            self._finding(result, root, finding)
        if not result.problems:
            result.document = document

    def _compose(self, result: LoadedFile, source: str) -> Node | None:
        # libyaml composes without Python recursion, so deep nesting is counted by the flat
        # token pass only when it is missing, or when libyaml stops at its own depth limit.
        check_first = FAST_LOADER is yaml.SafeLoader
        try:
            deep = too_deep_at(source) if check_first else None
            if deep is not None:
                self._problem(result, deep[0], deep[1], "too_deep", limit=MAX_DEPTH)
                return None
            root = yaml.compose(source, Loader=FAST_LOADER)
        except yaml.MarkedYAMLError as error:
            deep = None if check_first else too_deep_at(source, yaml.SafeLoader)
            if deep is not None:
                self._problem(result, deep[0], deep[1], "too_deep", limit=MAX_DEPTH)
                return None
            mark = error.problem_mark or error.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
            detail = error.problem or error.context or ""
            self._problem(result, line, column, "yaml_syntax", detail=detail)
            return None
        except yaml.reader.ReaderError as error:
            line, column = _position_in_text(source, error.position)
            self._problem(result, line, column, "bad_character", character=f"U+{error.character:04X}"
                          if isinstance(error.character, int) else repr(error.character))
            return None
        except yaml.YAMLError as error:  # pragma: no cover - every PyYAML error is one of the above
            self._problem(result, None, None, "yaml_syntax", detail=str(error))
            return None
        if root is None:
            self._problem(result, None, None, "file_empty", hint="start_with_kind")
        return root

    def _kind(self, result: LoadedFile, root: Node, data: Any) -> type[ContentDocument] | None:
        line, column = mark_of(root)
        if not isinstance(data, dict) or not isinstance(root, MappingNode):
            self._problem(result, line, column, "top_not_mapping", got=_describe_input(data),
                          hint="start_with_kind")
            return None
        kind = data.get("kind")
        kinds = ", ".join(self.kinds)
        if kind is None:
            self._problem(result, line, column, "kind_missing", hint="kind_values", hint_params={"kinds": kinds})
            return None
        if not isinstance(kind, str) or kind not in self.kinds:
            node = locate(root, ("kind",))
            k_line, k_column = mark_of(node)
            guess = closest(str(kind), self.kinds)
            self._problem(result, k_line, k_column, "kind_unknown", value=kind,
                          hint="did_you_mean" if guess else "kind_values",
                          hint_params={"suggestion": guess} if guess else {"kinds": kinds})
            return None
        return self.kinds[kind]

    def _validation_problems(self, result: LoadedFile, root: Node, model: type[BaseModel],
                             error: ValidationError) -> None:
        for detail in error.errors(include_url=False):
            loc = tuple(detail["loc"])
            kind = detail["type"]
            where = ".".join(str(part) for part in loc) or "-"
            hint: str | None = None
            hint_params: dict[str, object] = {}
            params: dict[str, object] = {"field": where}
            if kind == "extra_forbidden":
                node = locate(root, loc, at_key=True)
                key = str(loc[-1])
                owner = _model_at(model, loc[:-1])
                allowed = sorted(owner.model_fields) if owner else []
                guess = closest(key, allowed)
                code = "unknown_key"
                params["key"] = key
                parent = locate(root, loc[:-1])
                _, value_node = child(parent, key)
                if (isinstance(parent, MappingNode) and parent.flow_style
                        and value_node is not None and value_node.value == ""):
                    # `{en: Done, partly}` splits at the comma: the text needs quotes.
                    hint = "quote_commas"
                elif guess:
                    hint, hint_params = "did_you_mean", {"suggestion": guess}
                elif allowed:
                    hint, hint_params = "valid_keys", {"keys": ", ".join(allowed)}
            elif kind == "missing":
                node = locate(root, loc)
                code = "missing_key"
                params["key"] = str(loc[-1])
                hint, hint_params = "add_key", {"key": str(loc[-1])}
            else:
                node = locate(root, loc)
                code = _ERROR_CODES.get(kind, "invalid_value")
                ctx = detail.get("ctx") or {}
                params.update({k: v for k, v in ctx.items() if isinstance(v, (str, int, float))})
                params["got"] = _describe_input(detail.get("input"))
                params["input"] = detail.get("input") if isinstance(detail.get("input"), (str, int, float)) else ""
                params["detail"] = detail.get("msg", "")
                if code == "bad_id":
                    hint = "id_format"
                elif code == "expected_text" and isinstance(detail.get("input"), bool):
                    hint = "quote_yes_no"  # YAML 1.1 reads yes/no/on/off as booleans
            line, column = mark_of(node)
            self._problem(result, line, column, code, hint=hint, hint_params=hint_params, **params)

    @staticmethod
    def _findings(document: object) -> list[Finding]:
        if isinstance(document, Scenario):
            return check_scenario(document)
        if isinstance(document, Checklist):
            return check_checklist(document)
        if isinstance(document, Scale):
            return check_scale(document)
        if isinstance(document, SystemsRegister):
            return check_register(document)
        return []  # import files are checked against their scenario by the importer

    def _finding(self, result: LoadedFile, root: Node, finding: Finding) -> None:
        line, column = mark_of(locate(root, finding.loc))
        params = dict(finding.params)
        if finding.related is not None:
            params["first_line"] = mark_of(locate(root, finding.related))[0]
        problem = Problem(result.display, line, column, finding.code, params, finding.hint,
                          finding.hint_params)
        (result.warnings if finding.warning else result.problems).append(problem)


def locate_line(loaded: LoadedFile, loc: tuple[str | int, ...]) -> tuple[int | None, int | None]:
    """Line and column of LOC in a loaded file (for checks made across files)."""
    if loaded.root is None:
        return loaded.marks.get(loc, (None, None))
    return mark_of(locate(loaded.root, loc))


__all__ = ["FileLoader", "LoadedFile", "locate_line", "Scale"]


# Valid documents of the content read in this process, by the SHA-256 of their file's bytes: a
# record that pins the same text (a drill of an unchanged scenario) gets the document already
# validated, even from the kept copy of the library (content/cache.py), whose models were never
# built. The same bytes always validate to the same document: only the display name differs.
_VALID: dict[str, ContentDocument] = {}
_VALID_KEPT = 256


def remember_valid(files: Iterable[LoadedFile]) -> None:
    """Note the valid documents of FILES (as each file alone gives it) for `load_pinned`."""
    for loaded in files:
        document = loaded.as_read or loaded.document
        if loaded.ok and document is not None and loaded.sha256:
            _VALID.pop(loaded.sha256, None)
            _VALID[loaded.sha256] = document
    while len(_VALID) > _VALID_KEPT:
        del _VALID[next(iter(_VALID))]


def known_valid(raw: bytes) -> ContentDocument | None:
    """The document RAW validated to in this process already (`remember_valid`), or None."""
    return _VALID.get(hashlib.sha256(raw).hexdigest()) if len(raw) <= MAX_FILE_BYTES else None


@functools.lru_cache(maxsize=64)
def load_pinned(text: str, display: str) -> tuple[ContentDocument | None, tuple[str, ...]]:
    """Content kept in a record (a drill's scenario, a review's checklist), parsed once per
    process: a folder of 10,000 drills holds only a handful of distinct texts. The document
    is shared, so callers must not change it (nothing does: states only read their content)."""
    raw = text.encode("utf-8")
    known = known_valid(raw)
    if known is not None:
        return known, ()
    loaded = FileLoader().load_bytes(raw, display)
    return loaded.document, tuple(p.code for p in loaded.problems)

"""Problems found in content files: user errors with a location and a catalog message.

A file can have many problems, so they are collected as values (a list) rather than raised
one by one; each is still the one kind of user error (`bcp_drill.errors.UserError`).
"""

from __future__ import annotations

from typing import Callable, Mapping

from bcp_drill.errors import UserError

Translate = Callable[..., str]


class Problem(UserError):
    """One thing wrong with one file, at a line and column (1-based) when known."""

    area = "problem"
    path: str

    def __init__(self, path: str, line: int | None, column: int | None, code: str,
                 params: Mapping[str, object] | None = None, hint: str | None = None,
                 hint_params: Mapping[str, object] | None = None) -> None:
        super().__init__(code, path=path, line=line, column=column, **dict(params or {}))
        self.hint = hint
        self.hint_params = dict(hint_params or {})

    def _key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, tuple(sorted(self.params.items(), key=str)),
                self.hint)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.path, self.line, self.column, self.code))

    def __repr__(self) -> str:
        return f"Problem({self.location()}: {self.code} {self.params})"

    def message(self, t: Translate) -> str:
        params = self.message_params()
        if "kind" in params:
            label = t(f"ref_kind.{params['kind']}")
            params["kind"] = params["kind"] if label.startswith("ref_kind.") else label
        text = t(f"problem.{self.code}", **params)
        if self.hint:
            text += " (" + t(f"hint.{self.hint}", **self.hint_params) + ")"
        return text

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.column or 0, self.code)

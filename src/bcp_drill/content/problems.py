"""Problems found in content files: values with a location and a catalog message."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

Translate = Callable[..., str]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, at a line and column (1-based) when known."""

    path: str
    line: int | None
    column: int | None
    code: str
    params: Mapping[str, object] = field(default_factory=dict)
    hint: str | None = None
    hint_params: Mapping[str, object] = field(default_factory=dict)

    def location(self) -> str:
        if self.line is None:
            return self.path
        if self.column is None:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column}"

    def message(self, t: Translate) -> str:
        params = dict(self.params)
        if "kind" in params:
            label = t(f"ref_kind.{params['kind']}")
            params["kind"] = params["kind"] if label.startswith("ref_kind.") else label
        text = t(f"problem.{self.code}", **params)
        if self.hint:
            text += " (" + t(f"hint.{self.hint}", **self.hint_params) + ")"
        return text

    def render(self, t: Translate) -> str:
        return f"{self.location()}: {self.message(t)}"

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.column or 0, self.code)

"""The one kind of user error: a catalog code, its parameters and, when known, a place in a file.

Content loading, journals, settings, imports and sessions all raise (or report) it; the CLI,
plain mode and the TUI only turn it into words with `message(t)` or `render(t)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

Translate = Callable[..., str]


class UserError(Exception):
    """Something the user can see and fix; `code` names the message in the catalog section `area`."""

    area = "error"

    def __init__(self, code: str, *, path: Path | str | None = None, line: int | None = None,
                 column: int | None = None, **params: Any) -> None:
        self.code = code
        self.path = path
        self.line = line
        self.column = column
        self.params = params
        super().__init__(f"{self.location() or '-'}: {self.area}.{code} {params}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Subclasses take other arguments than Exception keeps in `args`: rebuilt from the
        # instance's fields instead (an error crosses from a worker process this way).
        return _rebuilt, (type(self), self.args, self.__dict__)

    @property
    def key(self) -> str:
        return f"{self.area}.{self.code}"

    def location(self) -> str:
        if self.path is None:
            return ""
        place = str(self.path)
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        return place

    def message_params(self) -> dict[str, object]:
        """Every value a message may name: the parameters plus the place."""
        return {"path": "" if self.path is None else str(self.path), "line": self.line or "-",
                "column": self.column or "-", **self.params}

    def message(self, t: Translate) -> str:
        # A parameter may itself be an error (why a part was left out): said in the same words.
        return t(self.key, **{name: value.message(t) if isinstance(value, UserError) else value
                              for name, value in self.message_params().items()})

    def render(self, t: Translate) -> str:
        """`file:line:column: message`, or the message alone when there is no file."""
        where = self.location()
        return f"{where}: {self.message(t)}" if where else self.message(t)


def _rebuilt(cls: type[UserError], args: tuple[Any, ...], state: dict[str, Any]) -> UserError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class SessionRefused(UserError):
    """A session refused a write that its rules do not allow (nothing was written)."""

    area = "session"


class RecordClosed(SessionRefused):
    """The drill has ended, or the review is finished: reopen it before changing it."""


def describe(error: BaseException, t: Translate) -> str:
    """Words for any error a user can meet while recording: a UserError's own, or the OS's."""
    if isinstance(error, UserError):
        return error.message(t)
    if isinstance(error, OSError):
        return t("error.os_error", reason=error.strerror or str(error),
                 path=str(error.filename) if error.filename else "")
    return t("error.unexpected", reason=str(error))

"""Reading commands and writing lines, shared by the plain drill and the plain review."""

from __future__ import annotations

import shlex
from typing import Callable, TextIO

from bcp_drill.i18n import Translator
from bcp_drill.records.journal import JournalError


class PlainConsole:
    """One line in, lines out; end of input ends the session (everything is already saved)."""

    def __init__(self, t: Translator, stdin: TextIO, stdout: TextIO) -> None:
        self.t = t
        self.stdin = stdin
        self.stdout = stdout

    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def ask(self, prompt: str) -> str | None:
        """Print PROMPT and read one line; None at the end of input."""
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.say()
            return None
        return line.rstrip("\r\n")

    def ask_optional(self, prompt_key: str, default: str = "", **params: object) -> str | None:
        answer = self.ask(self.t(prompt_key, **params) + (f" [{default}]" if default else "") + ": ")
        if answer is None:
            return None
        return answer.strip() or default

    def saved(self, event: object) -> None:
        seq = getattr(event, "seq", None)
        if seq is not None:
            self.say(self.t("plain.saved", seq=seq, time=event.at.astimezone().strftime("%H:%M:%S")))

    def run_safely(self, action: Callable, *args, **kwargs):
        """Run one session call; a failed write is reported and nothing is half-saved."""
        try:
            return action(*args, **kwargs)
        except (JournalError, OSError) as error:
            code = getattr(error, "code", "journal_write_failed")
            self.say(self.t("plain.error", message=self.t(f"journal.{code}", **getattr(error, "params", {}))))
            return None


def split_command(line: str) -> tuple[str, str]:
    """('note', 'text with spaces') from 'note text with spaces'; the command is lower-cased."""
    stripped = line.strip()
    if not stripped:
        return "", ""
    head, _, rest = stripped.partition(" ")
    return head.lower(), rest.strip()


def words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()

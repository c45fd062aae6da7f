"""Reading commands and writing lines, shared by the plain drill and the plain review."""

from __future__ import annotations

import shlex
from datetime import date
from typing import Any, Callable, TextIO

from bcp_drill.errors import UserError, describe
from bcp_drill.i18n import Translator, code_named
from bcp_drill.records import events as ev
from bcp_drill.records.values import CAPABILITIES, PRIORITIES
from bcp_drill.wallclock import local, local_date


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

    def ask_choice(self, prompt_key: str, default: str, codes: tuple[str, ...], area: str) -> str | None:
        """One of CODES, by its code or its word in either language; asked again, naming the
        words, until one is given (Enter: DEFAULT); None at the end of input."""
        t = self.t
        while True:
            answer = self.ask_optional(prompt_key, t(f"{area}.{default}"), choices=choices_text(codes, area, t))
            if answer is None:
                return None
            code = choose(answer, codes, area, t)
            if code is not None:
                return code
            self.say(t("plain.not_a_choice", answer=answer, choices=choices_text(codes, area, t)))

    def ask_date(self, prompt_key: str, not_before: date | None = None) -> str | None:
        """A date as YYYY-MM-DD, or blank; asked again until it reads as one, not before
        NOT_BEFORE (today, for a due date); None at the end of input."""
        while True:
            answer = self.ask_optional(prompt_key)
            if answer is None or not answer:
                return answer
            try:
                typed = date.fromisoformat(answer)
            except ValueError:
                self.say(self.t("tui.bad_date", value=answer))
                continue
            if not_before is None or typed >= not_before:
                return answer
            self.say(self.t("tui.due_before_today", due=answer, today=not_before.isoformat()))

    def confirm(self, prompt: str) -> bool:
        """A yes/no question: y, yes or はい; n, no, いいえ or an empty line (the end of input too)
        is no. Anything else is asked again: typed text is never taken as an answer."""
        while True:
            answer = self.ask(prompt + " ")
            if answer is None:
                return False
            word = answer.strip().lower()
            if word in YES_WORDS or word in NO_WORDS or not word:
                return word in YES_WORDS
            self.say(self.t("plain.yes_or_no", answer=answer.strip()))

    def saved(self, event: ev.EventBase) -> None:
        self.say(self.t("plain.saved", seq=event.seq, time=local(event.at).strftime("%H:%M:%S")))

    def run_safely(self, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one session call; a failed write is reported and nothing is half-saved."""
        try:
            return action(*args, **kwargs)
        except (UserError, OSError) as error:
            self.say(self.t("plain.error", message=describe(error, self.t)))
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


STOP = object()  # returned by a command that ends the dialogue
YES_WORDS = ("y", "yes", "はい", "ｙ")
NO_WORDS = ("n", "no", "いいえ", "ｎ")


def choose(answer: str, codes: tuple[str, ...], area: str, t: Translator) -> str | None:
    """A code of CODES named by itself or by its word in either language (計画, Planning → planning)."""
    return code_named(answer.strip(), codes, area)


def choices_text(codes: tuple[str, ...], area: str, t: Translator) -> str:
    return ", ".join(t(f"{area}.{code}") for code in codes)


class PlainRunner:
    """What the plain drill and the plain review share: saving through the session, problems."""

    session: Any
    console: PlainConsole
    commands: dict[str, Callable[[str], object]]

    def run(self) -> int:  # pragma: no cover - each runner has its own
        raise NotImplementedError

    def run_and_close(self) -> int:
        """Run the dialogue, then close the session however it ends (everything is saved already)."""
        try:
            return self.run()
        finally:
            self.session.close()

    def loop(self) -> int:
        """Read commands until one returns STOP or the input ends (everything is saved either way)."""
        t = self.console.t
        while True:
            self.before_prompt()
            line = self.console.ask(self.prompt())
            if line is None:
                self.console.say(t("plain.input_ended", record=self.session.record_id))
                return 0
            command, rest = split_command(line)
            if not command or self.handle_special(command, rest):
                continue
            handler = self.commands.get(command)
            if handler is None:
                self.console.say(t("plain.unknown_command", command=command))
            elif handler(rest) is STOP:
                return 0

    def before_prompt(self) -> None:
        """Work to do before each prompt (a drill delivers injects whose time has come)."""

    def handle_special(self, command: str, rest: str) -> bool:
        """Input that is not a named command (a review's rating keys); True when handled."""
        return False

    def prompt(self) -> str:  # pragma: no cover - each runner has its own
        raise NotImplementedError

    def permitted(self, check: Callable[[], object]) -> bool:
        """Ask the session whether a write would be taken now; say why not when it would not."""
        try:
            check()
        except UserError as error:
            self.console.say(error.message(self.console.t))
            return False
        return True

    def _record(self, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a session call; say "saved" once its event is on disk. Falsy when nothing was saved."""
        before = self.session.state.last_seq
        result = self.console.run_safely(action, *args, **kwargs)
        saved = self.session.state.last_seq > before
        if saved:
            self.console.saved(self.session.journal.events[-1])
        return result if result is not None else saved

    def ask_problem(self, title: str) -> dict[str, Any] | None:
        """The fields of a problem, asked one per line; None when cancelled or invalid."""
        ask, t = self.console.ask_optional, self.console.t
        title = title.strip() or (ask("tui.problem_title") or "")
        # A choice or a date that cannot be read is asked again at once, naming what is allowed:
        # the answers before it are kept, and the lines after it are never taken for it.
        answers = [ask("tui.problem_description"),
                   self.console.ask_choice("plain.ask_category", "planning", CAPABILITIES, "capability"),
                   self.console.ask_choice("plain.ask_priority", "medium", PRIORITIES, "priority"),
                   ask("tui.problem_corrective_action"),
                   ask("tui.problem_owner_organisation"), ask("tui.problem_owner_person"),
                   self.console.ask_date("tui.problem_due", local_date(self.session.journal.clock())),
                   ask("tui.problem_main_issue")] if title else [None]
        if None in answers:
            self.console.say(t("plain.cancelled"))
            return None
        (description, category, priority, corrective_action, organisation, person, due_text, main_issue) = answers
        return {"title": title, "description": description, "category": category, "priority": priority,
                "owner_organisation": organisation, "owner_person": person,
                "due": date.fromisoformat(due_text) if due_text else None,
                "corrective_action": corrective_action, "main_issue": main_issue}

    def raise_problem(self, title: str, source_ref: str) -> None:
        fields = self.ask_problem(title)
        if fields is not None:
            event = self._record(self.session.raise_problem, source_ref=source_ref, **fields)
            if event:
                self.console.say(self.console.t("tui.problem_saved", id=event.problem_id))

"""A drill as a line dialogue: the current step is printed, short commands record outcomes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Callable

from bcp_drill.content.fields import text
from bcp_drill.drill.counts import StepStatus, format_elapsed, format_percent
from bcp_drill.drill.ratings import RATINGS, rating_dimension
from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.setup import (
    DRILL_TYPE,
    PARTICIPANTS,
    PLACE,
    RECORDER,
    T0,
    UNREACHABLE,
    RosterPerson,
    SetupError,
    SetupQuestion,
    parse_condition_options,
)
from bcp_drill.drill.view import DrillView
from bcp_drill.drill.wording import (
    check_text,
    conditions_text,
    conflict_choices,
    contribution_text,
    deputy_order_text,
    inject_time_text,
    occurrence_saved_text,
    phase_start_words,
    progress_text,
    rating_label,
    reference_text,
    status_word,
    step_plan_lines,
    system_history_text,
    system_line,
    target_label,
    timeline_lines,
)
from bcp_drill.errors import UserError
from bcp_drill.i18n import code_named
from bcp_drill.plain.console import (
    STOP,
    PlainConsole,
    PlainRunner,
    choices_text,
    choose,
)
from bcp_drill.records.values import CAPABILITIES, OBSERVATION_KINDS, SYSTEM_STATES
from bcp_drill.wallclock import local

if TYPE_CHECKING:
    from bcp_drill.content.models import Scenario, Step


# What plain mode asks for each set-up question (the form labels its fields in its own words).
_PROMPTS = {DRILL_TYPE: "plain.ask_type", PLACE: "tui.setup_place", PARTICIPANTS: "plain.ask_participants",
            T0: "plain.ask_t0", RECORDER: "tui.setup_recorder", UNREACHABLE: "call_in.ask_unreachable"}


def introduce_scenario(console: PlainConsole, scenario: Scenario) -> None:
    """The set-up's title, then what the scenario assumes and where it comes from."""
    t = console.t
    console.say(t("tui.setup_title", title=scenario.title.get(t.lang)))
    if scenario.notes:
        console.say(f"{t('tui.scenario_notes')}: {scenario.notes.get(t.lang)}")
    for reference in scenario.sources:
        console.say(f"{t('tui.scenario_source')}: {reference_text(reference, t)}")


def ask_setup(console: PlainConsole, scenario: Scenario, questions: Sequence[SetupQuestion],
              given: Mapping[str, str], condition_options: list[str],
              now: datetime) -> dict[str, str | None] | SetupError | None:
    """The set-up answers: those GIVEN on the command line, the others asked one by one, the
    conditions last (scripts written for plain mode give type, place, participants and T0 first)
    and asked again until one is chosen. None when the input ends; else the first answer that
    cannot be used."""
    answers: dict[str, str | None] = dict(given)
    for question in questions:
        if question.condition is not None:
            continue
        if question.key == UNREACHABLE and question.key not in answers and not question.people:
            answers[question.key] = ""  # without a roster it is given as --unreachable (older scripts stay valid)
        if question.key not in answers:
            answers[question.key] = _ask(console, question, answers)
            if answers[question.key] is None:
                return None
        value = question.read(answers[question.key], now)
        if isinstance(value, SetupError):
            return value
    chosen, bad = parse_condition_options(condition_options, scenario)
    if bad:
        return bad[0]
    for question in questions:
        if question.condition is None:
            continue
        if question.condition.id in chosen:
            answers[question.key] = chosen[question.condition.id]
        if not _ask_condition(console, question, answers, now):
            return None
    return answers


def _ask(console: PlainConsole, question: SetupQuestion, answers: Mapping[str, str | None]) -> str | None:
    """One answer typed for QUESTION; None when the input ends there."""
    prompt = _PROMPTS[question.key]
    if question.kind == "lines":
        console.say(console.t(prompt))
        if question.people:
            console.say(console.t("call_in.plain_roster_hint", count=len(question.people)))
        lines = []
        while (line := console.ask("  > ")) not in (None, ""):
            lines += _roster_line(console, question.people, line)
        return "\n".join(lines)
    if question.kind == "names":
        return _ask_unreachable(console, question, answers.get(PARTICIPANTS) or "")
    if question.kind == "choice":
        return console.ask_optional(prompt, question.default, choices=", ".join(question.choices))
    answer = console.ask_optional(prompt, question.default)
    return (answer or "") if question.kind == "time" else answer  # input ended at T0: now, as a blank line


def _roster_line(console: PlainConsole, people: Sequence[RosterPerson], line: str) -> list[str]:
    """A participants line as typed; `?` lists the roster's people, a number adds that person."""
    if people and line.strip() in ("?", "？"):
        _list_people(console, [p.label() for p in people])
        return []
    number = line.strip()
    if people and number.isdigit():
        if not 1 <= int(number) <= len(people):
            console.say(console.t("call_in.plain_no_such_number", number=number, count=len(people)))
            return []
        added = people[int(number) - 1].participant_line(console.t)
        console.say(console.t("call_in.plain_added", line=added))
        return [added]
    return [line]


def _list_people(console: PlainConsole, labels: Sequence[str]) -> None:
    for number, label in enumerate(labels, 1):
        console.say(f"  {number}. {label}")


def _ask_unreachable(console: PlainConsole, question: SetupQuestion, participants: str) -> str | None:
    """Who could not be reached (a call-in drill): names, or numbers of the list `?` shows; blank: nobody."""
    typed = [line.split(",")[0].split("、")[0].strip() for line in participants.splitlines() if line.strip()]
    names = list(dict.fromkeys([*(p.name for p in question.people), *typed]))
    labels = {p.name: p.label() for p in question.people}
    while True:
        answer = console.ask_optional(_PROMPTS[UNREACHABLE])
        if answer is None or answer.strip() not in ("?", "？"):
            break
        _list_people(console, [labels.get(n, n) for n in names])
    if answer is None:
        return None
    words = [w for w in answer.replace("、", ",").split(",") if w.strip()]
    return "\n".join(names[int(w) - 1] if w.strip().isdigit() and 1 <= int(w) <= len(names) else w.strip()
                     for w in words)


def _ask_condition(console: PlainConsole, question: SetupQuestion, answers: dict[str, str | None],
                   now: datetime) -> bool:
    """Say a condition's fixed value, or ask for one until it is read; False when the input ends."""
    t = console.t
    assert question.condition is not None
    title = question.condition.title.get(t.lang)
    if question.fixed is not None:
        console.say(t("plain.condition_fixed", condition=title, value=question.choice_title(question.fixed, t)))
        return True
    choices = "  ".join(f"{number}. {question.choice_title(value, t)} ({value})"
                        for number, value in enumerate(question.choices, 1))
    while question.key not in answers:
        answer = console.ask_optional("plain.ask_condition", condition=title, choices=choices)
        if answer is None:
            return False
        problem = question.read(answer, now)
        if isinstance(problem, SetupError):
            console.say(problem.message(t))
        else:
            answers[question.key] = answer
    return True


class PlainDrill(PlainRunner):
    """Runs one drill session until the user quits, the drill ends, or input ends."""

    session: DrillSession

    def __init__(self, session: DrillSession, console: PlainConsole, people: Sequence[RosterPerson] = ()) -> None:
        self.session = session
        self.console = console
        self.people = list(people)  # the roster's: who holds and deputises for each role (a call-in drill)
        self.t = console.t
        steps = session.scenario.steps
        open_steps = set(DrillView(session.state, session.now()).open_steps)
        pending = [i for i, s in enumerate(steps) if s.id in open_steps]
        self.index = pending[0] if pending else 0
        # The shipped scale's keys rate the current step, as on the screen (p s m u).
        rate = {o.key: (lambda rest, code=o.code: self.rate(code, rest)) for o in rating_dimension().options}
        self.commands: dict[str, Callable[[str], object]] = {
            **rate, "rate": self.rate_words,
            "help": self.help, "h": self.help, "?": self.help, "ヘルプ": self.help,
            "list": self.list_steps, "l": self.list_steps, "一覧": self.list_steps,
            "show": self.show, "info": self.show, "表示": self.show,
            "next": self.next, ".": self.next, "次": self.next,
            "prev": self.prev, ",": self.prev, "前": self.prev,
            "go": self.go, "g": self.go,
            "x": self.not_done, "notdone": self.not_done, "未実施": self.not_done,
            "skip": self.skip, "k": self.skip, "省略": self.skip,
            "reopen": self.reopen, "undo": self.reopen, "取消": self.reopen,
            "check": self.check, "c": self.check,
            "value": self.value, "v": self.value, "値": self.value,
            "repeat": self.repeat, "rep": self.repeat, "回": self.repeat,
            "deputy": self.deputy, "代行": self.deputy,
            "annex": self.annex, "annexes": self.annex, "別紙": self.annex,
            "note": self.note, "memo": self.note, "メモ": self.note,
            "drillnote": self.drill_note, "全体メモ": self.drill_note,
            "withdraw": self.withdraw, "w": self.withdraw, "メモ取消": self.withdraw,
            "objective": self.objective, "o": self.objective, "目標": self.objective,
            "problem": self.problem, "f": self.problem, "課題": self.problem,
            "observation": self.observation, "obs": self.observation, "所見": self.observation,
            "inject": self.inject, "i": self.inject, "状況付与": self.inject,
            "system": self.system, "sys": self.system, "システム": self.system,
            "pause": self.pause, "一時停止": self.pause, "resume": self.resume_clock, "再開": self.resume_clock,
            "jump": self.jump, "j": self.jump,
            "time": self.status, "t": self.status, "status": self.status, "状況": self.status,
            "end": self.end, "終了": self.end,
            "consoles": self.consoles, "端末": self.consoles, "settle": self.settle, "確定": self.settle,
            "quit": self.quit, "q": self.quit, "exit": self.quit,
        }

    # -- the loop ----------------------------------------------------------------

    def run(self) -> int:
        say, t = self.console.say, self.t
        scenario = self.session.scenario
        say(t("plain.drill_header", title=scenario.title.get(t.lang), record=self.session.record_id))
        if scenario.conditions:
            say(f"{t('tui.conditions')}: {conditions_text(self.session.state, t)}")
        say(t("plain.help_hint"))
        if self.session.state.ended is not None:
            say(t("plain.drill_already_ended"))
            self.print_summary()
            return 0
        self.status("")
        self.show("")
        return self.loop()

    def before_prompt(self) -> None:
        self.take_in_others()
        self.deliver_injects()

    def take_in_others(self) -> None:
        """A team drill: say what the other consoles have written since the last prompt."""
        if not self.console.run_safely(self.session.refresh):
            return
        t = self.t
        for entry in timeline_lines(self.session.state, self.session.incoming, t):
            self.console.say(t("plain.from_console", who=entry.by, text=entry.text))
        for conflict in self.session.new_conflicts:
            step = self.session.scenario.step(conflict.step_id)
            outcomes = "; ".join(conflict_choices(conflict, t))
            self.console.say(t("plain.conflict", step=step.title.get(t.lang) if step else conflict.step_id,
                               step_id=conflict.step_id, outcomes=outcomes))

    def consoles(self, rest: str) -> None:
        t = self.t
        self.console.say(t("plain.consoles_header"))
        from bcp_drill.records.team import read_merged

        store = self.session.store
        if store is None:
            return
        merged = self.console.run_safely(read_merged, store.root, self.session.record_id,
                                         store.path_of(self.session.record_id), None, store.seal_key)
        for info in merged.consoles if merged else []:
            self.console.say(t("plain.console_line", console=info.console_id or self.session.record_id,
                               role=t(f"console_role.{info.role}"), who=f"{info.by}@{info.host}",
                               offset=f"{info.offset_seconds:+.0f}", events=info.events))

    def settle(self, rest: str) -> None:
        """settle STEP NUMBER [REASON]: the lead picks the outcome that stands in a conflict."""
        t = self.t
        parts = rest.split(maxsplit=2)
        conflict = self.session.state.conflict(parts[0]) if parts else None
        if conflict is None or len(parts) < 2 or not parts[1].isdigit() \
                or not 1 <= int(parts[1]) <= len(conflict.outcomes):
            for open_conflict in (c for c in self.session.state.conflicts if c.settled is None):
                for line in conflict_choices(open_conflict, t):
                    self.console.say(f"  {open_conflict.step_id} {line}")
            self.console.say(t("plain.settle_how"))
            return
        chosen = conflict.outcomes[int(parts[1]) - 1]
        if self._record(self.session.settle_conflict, conflict.step_id, chosen.console, chosen.seq,
                        parts[2] if len(parts) > 2 else ""):
            self.console.say(t("plain.settled"))

    def prompt(self) -> str:
        step = self.current
        elapsed = format_elapsed(self.session.elapsed())
        paused = f" {self.t('plain.paused')}" if self.session.state.paused else ""
        return f"[T+{elapsed}{paused} {step.id}] > "

    @property
    def current(self) -> Step:
        return self.session.scenario.steps[self.index]

    def deliver_injects(self) -> None:
        for event in self.console.run_safely(self.session.deliver_due_injects) or []:
            self.announce_inject(event.inject_id)

    def announce_inject(self, inject_id: str) -> None:
        t, lang = self.t, self.t.lang
        delivered = self.session.state.delivered[inject_id]
        inject = delivered.inject
        role = self.session.scenario.role(inject.recipient)
        self.console.say(t("plain.inject", id=inject.id, elapsed=format_elapsed(delivered.elapsed_seconds),
                           sender=inject.sender.get(lang), recipient=role.title.get(lang) if role else inject.recipient,
                           channel=inject.channel.get(lang), content=inject.content.get(lang)))
        if not self.session.may("inject"):
            return  # what the players are expected to do, and the controller's notes, are not for them
        if inject.expected_action:
            self.console.say(f"    {t('tui.expected_action')}: {inject.expected_action.get(lang)}")
        if inject.controller_note:
            self.console.say(f"    {t('tui.controller_note')}: {inject.controller_note.get(lang)}")

    # -- showing -------------------------------------------------------------------

    def view(self) -> DrillView:
        return DrillView(self.session.state, self.session.now())

    def step_line(self, position: int) -> str:
        t, lang = self.t, self.t.lang
        shown = self.view().step(self.session.scenario.steps[position].id)
        line = (f"{position + 1:>3}. {shown.status.mark} {shown.step.id} {target_label(shown, t)} "
                f"{shown.step.title.get(lang)} - {status_word(shown.status, t)}")
        if shown.rating:
            line += f" {shown.rating} {shown.actual_text}"
        elif shown.reason:
            line += f": {shown.reason}"
        return line

    def help(self, rest: str) -> None:
        self.console.say(self.t("plain.drill_help"))

    def list_steps(self, rest: str) -> None:
        lang = self.t.lang
        for phase in self.session.scenario.phases:
            self.console.say(f"-- {phase_start_words(phase, self.session.scenario, self.t)} {phase.title.get(lang)}")
            for position, step in enumerate(self.session.scenario.steps):
                if step.phase == phase.id:
                    self.console.say(self.step_line(position))

    def show(self, rest: str) -> None:
        say, t, lang = self.console.say, self.t, self.t.lang
        step = self.current
        record = self.session.state.steps[step.id]
        say(self.step_line(self.index))
        for label, line in step_plan_lines(self.view(), step, t):
            say(f"  {label}: {line}")
        if step.is_decision:
            decision = record.decision
            for number, option in enumerate(step.options, 1):
                mark = "(*)" if decision and decision.option_id == option.id else "( )"
                say(f"  {t('plain.option_line', number=number)} {mark} {option.title.get(lang)} ({option.id})")
        if step.instructions:
            say(f"  {t('tui.instructions')}: {text(step.instructions, lang)}")
        done_checks = self.session.state.checks_done(step.id)  # ticked or measured
        for number, _check in enumerate(step.checks, 1):
            box = "[x]" if number - 1 in done_checks else "[ ]"
            say(f"  {t('plain.check_line', number=number)} {box} {check_text(self.session.state, step, number - 1, t)}")
        if step.expected_outcome:
            say(f"  {t('tui.expected')}: {text(step.expected_outcome, lang)}")
        for note in self.session.state.notes_for(step.id):
            say(f"  {t('tui.notes')} #{note.seq}: {note.text}")

    def status(self, rest: str) -> None:
        t = self.t
        state = self.session.state
        now = self.session.now()
        clock = t("plain.clock_paused") if state.paused else t("plain.clock_running")
        scenario_time = state.scenario_time(now)
        view = DrillView(state, now)
        self.console.say(t("plain.status", elapsed=format_elapsed(view.elapsed), clock=clock,
                           scenario_time=local(scenario_time).strftime("%H:%M") if scenario_time else "-",
                           progress=progress_text(view, t), overdue=view.count(StepStatus.OVERDUE)))

    # -- moving ----------------------------------------------------------------------

    def _move_to(self, position: int) -> None:
        self.index = position
        self.show("")

    def next(self, rest: str) -> None:
        steps = self.session.scenario.steps
        order = list(range(self.index + 1, len(steps))) + list(range(0, self.index))
        pending = [i for i in order if self.session.state.steps[steps[i].id].outcome is None]
        if pending:
            self._move_to(pending[0])
        elif self.index + 1 < len(steps):
            self._move_to(self.index + 1)
        else:
            self.console.say(self.t("plain.no_more_steps"))

    def prev(self, rest: str) -> None:
        if self.index > 0:
            self._move_to(self.index - 1)

    def go(self, rest: str) -> None:
        steps = self.session.scenario.steps
        target = rest.strip()
        if target.isdigit() and 1 <= int(target) <= len(steps):
            self._move_to(int(target) - 1)
            return
        for position, step in enumerate(steps):
            if step.id == target:
                self._move_to(position)
                return
        self.console.say(self.t("plain.no_such_step", step=target or "-"))

    # -- recording ---------------------------------------------------------------------

    def _open(self) -> bool:
        return self.permitted(self.session.ensure_open)

    def after_outcome(self) -> None:
        """The step just recorded stays current, as on the screen, so a note lands on it too;
        the next open step is named so `.` goes there."""
        steps = self.session.scenario.steps
        open_steps = set(self.view().open_steps)
        later = [i for i in list(range(self.index + 1, len(steps))) + list(range(0, self.index))
                 if steps[i].id in open_steps]
        if later:
            step = steps[later[0]]
            self.console.say(self.t("plain.next_open", step=step.id, title=step.title.get(self.t.lang)))
        else:
            self.console.say(self.t("plain.all_recorded"))

    def rate(self, rating: str, rest: str = "") -> None:
        """p / s / m / u, optionally followed by a note on the same step ("p 連絡済み")."""
        rating = rating.upper()
        if rating not in RATINGS:
            self.console.say(self.t("plain.bad_rating"))
            return
        if not self._open():
            return
        step = self.current
        if step.is_decision and self.session.state.steps[step.id].outcome is None:
            self.decide(rating)
            return
        if self._record(self.session.complete_step, step.id, rating):
            if rest.strip():
                self._record(self.session.add_note, rest.strip(), self.current.id)
            self.after_outcome()

    def decide(self, rating: str) -> None:
        """A decision step: ask which option was chosen (number, id or title), then who chose it."""
        t, lang, step = self.t, self.t.lang, self.current
        for number, listed in enumerate(step.options, 1):
            self.console.say(f"  {t('plain.option_line', number=number)} {listed.title.get(lang)} ({listed.id})")
        answer = (self.console.ask(t("plain.ask_option") + ": ") or "").strip()
        option = next((o for n, o in enumerate(step.options, 1)
                       if answer in (str(n), o.id, o.title.ja, o.title.en)), None) if answer else None
        if option is None:
            self.console.say(t("plain.cancelled") if not answer else t("plain.bad_option", value=answer))
            return
        who = self.console.ask(t("tui.decided_by_title") + ": ")
        if who is None:
            self.console.say(t("plain.cancelled"))
            return
        decided = self._record(self.session.decide, step.id, option.id, rating, who)
        if decided:
            for inject_id in decided.triggered:
                self.announce_inject(inject_id)
            self.after_outcome()

    def rate_words(self, rest: str) -> None:
        rating, _, note = rest.strip().partition(" ")
        self.rate(rating, note)

    def _reason(self, rest: str, key: str) -> str | None:
        reason = rest.strip()
        if not reason:
            reason = (self.console.ask(self.t(key) + ": ") or "").strip()
        if not reason:
            self.console.say(self.t("plain.cancelled"))
            return None
        return reason

    def not_done(self, rest: str) -> None:
        if self._open() and (reason := self._reason(rest, "tui.not_done_title")):
            if self._record(self.session.step_not_done, self.current.id, reason):
                self.after_outcome()

    def skip(self, rest: str) -> None:
        if self._open() and (reason := self._reason(rest, "tui.skip_title")):
            if self._record(self.session.step_not_done, self.current.id, reason, True):
                self.after_outcome()

    def reopen(self, rest: str) -> None:
        """Withdraw the current step's outcome, after asking (a correction; nothing is erased)."""
        if not self._open():
            return
        shown = self.view().step(self.current.id)
        if shown.record.outcome is None:
            self.console.say(self.t("plain.nothing_to_withdraw"))
            return
        question = self.t("tui.reopen_confirm", step=shown.step.title.get(self.t.lang),
                          status=f"{shown.status.mark} {status_word(shown.status, self.t)}")
        if self.console.confirm(question + " " + self.t("plain.yes_no")):
            self._record(self.session.reopen_step, self.current.id)
        else:
            self.console.say(self.t("plain.cancelled"))

    def withdraw(self, rest: str) -> None:
        """withdraw: list the notes of this step and of the drill; withdraw N: withdraw note #N."""
        t = self.t
        if not self._open():
            return
        notes = self.session.state.notes_for(self.current.id) + self.session.state.notes_for(None)
        target = rest.strip().lstrip("#")
        if not target:
            if not notes:
                self.console.say(t("tui.no_note_to_withdraw"))
            for note in notes:
                where = note.step_id or t("tui.drill_note_short")
                self.console.say(f"  #{note.key} [{where}] {note.text}")
            if notes:
                self.console.say(t("plain.withdraw_how"))
            return
        chosen = next((n for n in notes if n.key == target.lstrip("#")), None)
        if chosen is None:
            self.console.say(t("plain.no_such_note", seq=target))
            return
        if self.console.confirm(t("tui.withdraw_note_confirm", text=chosen.text) + " " + t("plain.yes_no")):
            self._record(self.session.retract_note, chosen.seq, t("tui.withdrawn_on_screen"), chosen.console)
        else:
            self.console.say(t("plain.cancelled"))

    def objective(self, rest: str) -> None:
        """objective: each objective's rating and what decided it; objective N RATING REASON: override."""
        t, lang = self.t, self.t.lang
        results = self.view().objectives
        parts = rest.split(maxsplit=2)
        if not parts:
            for number, result in enumerate(results, 1):
                objective = self.session.scenario.objective(result.objective_id)
                title = objective.title.get(lang) if objective else result.objective_id
                self.console.say(f"{number:>3}. {rating_label(result.rating, t)}  {title}")
                if result.decided_by is not None:
                    state = self.session.state
                    self.console.say(f"     {t('objective.decided_by')}: "
                                     f"{contribution_text(result.decided_by, state, t)}")
                if result.override is not None:
                    self.console.say(f"     {t('objective.overridden', reason=result.override.reason)}"
                                     f" ({t('objective.derived')}: {result.derived})")
            if not results:
                self.console.say(t("objective.none"))
            else:
                self.console.say(t("plain.objective_how"))
            return
        if len(parts) < 3 or not parts[0].isdigit() or not 1 <= int(parts[0]) <= len(results):
            self.console.say(t("plain.objective_how"))
            return
        rating = None if parts[1] == "-" else parts[1].upper()
        self._record(self.session.rate_objective, results[int(parts[0]) - 1].objective_id, rating, parts[2])

    def check(self, rest: str) -> None:
        if not rest.strip().isdigit():
            self.console.say(self.t("plain.bad_check", count=len(self.current.checks)))
            return
        if self._record(self.session.toggle_check, self.current.id, int(rest) - 1):
            self.show("")

    def annex(self, rest: str) -> None:
        from bcp_drill.render.annexes import annexes_text

        self.console.say(annexes_text(self.session.scenario, self.t))

    def deputy(self, rest: str) -> None:
        """`deputy N REASON`: deputy N of the step's lead role acted (`deputy ROLE N REASON` for
        another role of the step). In a call-in drill, `deputy` alone takes the next reachable
        deputy of a holder found unreachable at set-up."""
        from bcp_drill.drill.call_in import deputy_option_text, deputy_options

        step = self.current
        parts = rest.split(maxsplit=2)
        role_id = step.role
        if parts and not parts[0].isdigit():
            role_id, parts = parts[0], parts[1:]
        options = deputy_options(self.session.state, step, self.people, self.t.lang)
        suggested = next((o for o in options if o.suggested and (not rest.strip() or o.role_id == role_id)), None)
        if not parts and suggested is not None:
            self.console.say(self.t("call_in.plain_suggested", deputy=deputy_option_text(suggested, self.session.state,
                                                                                         self.t)))
            parts = [str(suggested.number)]
            role_id = suggested.role_id
        if len(parts) < 1 or not parts[0].isdigit():
            self.console.say(self.t("plain.deputy_usage",
                                    order=deputy_order_text(self.session.scenario, role_id, self.t) or "-"))
            return
        chosen = next((o for o in options if o.role_id == role_id and o.number == int(parts[0])), None)
        default = self.t("call_in.reason_unreachable", holder=chosen.acted_for) \
            if chosen is not None and suggested is not None and chosen.role_id == suggested.role_id else ""
        reason = " ".join(parts[1:]) or (self.console.ask_optional("tui.deputy_reason", default) or "")
        if self._record(self.session.record_deputy, step.id, role_id, int(parts[0]), reason,
                        person=chosen.person if chosen else "", acted_for=chosen.acted_for if chosen else ""):
            self.show("")

    def value(self, rest: str) -> None:
        """`value N TEXT`: the value measured for check N of the current step."""
        number, _, typed = rest.strip().partition(" ")
        if not number.isdigit() or not typed.strip():
            self.console.say(self.t("plain.value_usage"))
            return
        if self._record(self.session.record_value, self.current.id, int(number) - 1, typed):
            self.show("")

    def repeat(self, rest: str) -> None:
        """`repeat [N] [RATING] [NOTE]`: an occurrence of the current (repeated) step done; N by
        default the first not yet recorded."""
        t, step = self.t, self.current
        if step.repeat is None:
            self.console.say(t("repeat.no_repeat"))
            return
        words = rest.split(maxsplit=1)
        number = int(words.pop(0)) if words and words[0].isdigit() else None
        words = " ".join(words).split(maxsplit=1)
        rating = words.pop(0).upper() if words and words[0].upper() in RATINGS else None
        event = self._record(self.session.record_occurrence, step.id, number, rating, " ".join(words))
        if event:
            self.console.say(occurrence_saved_text(self.session.state, event, self.session.elapsed(), t))
            self.show("")

    def note(self, rest: str, step_id: str | None = "current") -> None:
        text_value = rest.strip() or (self.console.ask(self.t("tui.note_title") + ": ") or "").strip()
        if not text_value:
            self.console.say(self.t("plain.cancelled"))
            return
        event = self._record(self.session.add_note, text_value, self.current.id if step_id == "current" else None)
        if event:
            self.console.say(self.t("plain.note_saved", seq=event.seq))

    def drill_note(self, rest: str) -> None:
        self.note(rest, step_id=None)

    def problem(self, rest: str) -> None:
        if self._open():
            self.raise_problem(rest, self.current.id)

    def observation(self, rest: str) -> None:
        """An HSEEP observation, asked one field per line; allowed after the end too."""
        t, ask = self.t, self.console.ask_optional
        kinds = OBSERVATION_KINDS
        kind_text = ask("plain.ask_observation_kind", t("observation_kind.improvement"),
                        choices=choices_text(kinds, "observation_kind", t))
        kind = choose(kind_text or "", kinds, "observation_kind", t) if kind_text is not None else None
        if kind is None:
            self.console.say(t("plain.bad_choice") if kind_text is not None else t("plain.cancelled"))
            return
        objectives = self.session.scenario.objectives
        for number, objective in enumerate(objectives, 1):
            self.console.say(f"  {number}. {objective.title.get(t.lang)}")
        default = next((str(n) for n, o in enumerate(objectives, 1) if o.id in self.current.objectives), "0")
        objective_text = ask("plain.ask_observation_objective", default) if objectives else "0"
        if objective_text is None:
            self.console.say(t("plain.cancelled"))
            return
        objective_id = None
        if objective_text not in ("0", "-", "なし"):
            if not objective_text.isdigit() or not 1 <= int(objective_text) <= len(objectives):
                self.console.say(t("plain.bad_choice"))
                return
            objective_id = objectives[int(objective_text) - 1].id
        answers = [rest.strip() or ask("tui.observation_text"),
                   ask("plain.ask_category", "", choices=choices_text(CAPABILITIES, "capability", t)),
                   ask("tui.observation_analysis"), ask("tui.observation_recommendation")]
        if None in answers or not answers[0]:
            self.console.say(t("plain.cancelled"))
            return
        observation, capability_text, analysis, recommendation = answers
        capability = choose(capability_text or "", CAPABILITIES, "capability", t) if capability_text else None
        if capability_text and capability is None:
            self.console.say(t("plain.bad_choice"))
            return
        event = self._record(self.session.record_observation, kind, observation, objective_id, capability,
                             analysis or "", recommendation or "")
        if event:
            self.console.say(t("tui.observation_saved", count=len(self.session.state.observations)))

    def system(self, rest: str) -> None:
        """`system`: every system with its state and recovery target; `system ID STATE [note]`
        records a state (STATE as its id or its word in either language)."""
        t = self.t
        if not self.session.scenario.systems:
            self.console.say(t("tui.no_systems"))
            return
        parts = rest.split(maxsplit=2)
        if not parts:
            for shown in self.view().systems:
                self.console.say(f"  {shown.system.id}: {system_line(shown, t)}")
                if shown.history:
                    self.console.say(f"      {system_history_text(shown, t)}")
            return
        if len(parts) < 2:
            self.console.say(t("plain.system_usage"))
            return
        state = code_named(parts[1], SYSTEM_STATES, "system_state")
        if state is None:
            self.console.say(t("plain.system_usage"))
            return
        if self._record(self.session.record_system_state, parts[0], state, parts[2] if len(parts) > 2 else ""):
            shown = next(s for s in self.view().systems if s.system.id == parts[0])
            self.console.say(f"  {system_line(shown, t)}")

    def inject(self, rest: str) -> None:
        t, lang = self.t, self.t.lang
        try:
            self.session.check("inject")  # before anything is listed: a player never sees what is to come
        except UserError as refused:
            self.console.say(t("plain.error", message=refused.message(t)))
            return
        pending = self.session.state.pending_injects()
        target = rest.strip()
        if not target:
            if not pending:
                self.console.say(t("tui.no_pending_injects"))
            for inject in pending:
                planned = inject_time_text(inject, self.session.scenario, t, self.session.state)
                self.console.say(f"  {inject.id} {planned} {inject.sender.get(lang)}: {inject.content.get(lang)}")
            if pending:
                self.console.say(t("plain.inject_how"))
            return
        if target not in {i.id for i in pending}:
            self.console.say(t("plain.no_such_inject", id=target))
            return
        if self._open() and self._record(self.session.deliver_inject, target, True):
            self.announce_inject(target)

    def pause(self, rest: str) -> None:
        if self._open():
            if self.session.state.paused:
                self.console.say(self.t("plain.already_paused"))
                return
            self._record(self.session.pause)
            self.status("")

    def resume_clock(self, rest: str) -> None:
        if self._open():
            if not self.session.state.paused:
                self.console.say(self.t("plain.already_running"))
                return
            self._record(self.session.resume_clock)
            self.status("")

    def jump(self, rest: str) -> None:
        if self._open():
            if self._record(self.session.advance_to_next_phase):
                self.status("")
            else:
                self.console.say(self.t("tui.no_next_phase"))

    def end(self, rest: str) -> object:
        t = self.t
        if self.session.state.ended is not None:
            self.print_summary()
            return STOP
        open_steps = len(self.view().open_steps)
        if not self.console.confirm(t("plain.end_confirm", open=open_steps)):
            self.console.say(t("plain.cancelled"))
            return None
        strengths = self.console.ask(t("tui.hotwash_strengths") + ": ")
        improvements = self.console.ask(t("tui.hotwash_improvements") + ": ")
        self._record(self.session.record_hotwash, (strengths or "").strip(), (improvements or "").strip())
        while self.console.confirm(t("plain.ask_more_observations")):
            self.observation("")
        self._record(self.session.end)
        self.print_summary()
        return STOP

    def print_summary(self) -> None:
        t = self.t
        view = self.view()
        figures = view.figures
        counts = figures.overall
        self.console.say(t("plain.summary", elapsed=format_elapsed(figures.elapsed_seconds), done=counts.done,
                           total=counts.total, on_time=counts.on_time, late=counts.late, not_done=counts.not_done,
                           skipped=counts.skipped, rate=format_percent(counts.on_time_rate),
                           problems=figures.problems))
        self.console.say(t("figures.on_time_rule"))
        if view.objectives:
            self.objective("")

    def quit(self, rest: str) -> object:
        self.console.say(self.t("plain.left", record=self.session.record_id))
        return STOP

"""A drill's set-up: the questions it asks for a scenario (choices, defaults, how each answer is
read) and what starting the drill needs, read from the answers. The TUI form and plain mode both
present these questions; neither has a rule of its own."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import TYPE_CHECKING, Any, Literal, cast

from bcp_drill.content.outline import ConditionOutline, ScenarioOutline, Words, scenario_outline
from bcp_drill.i18n import Translator
from bcp_drill.records.values import DrillRole
from bcp_drill.wallclock import local

if TYPE_CHECKING:  # the models load when a drill starts, not with its set-up screen (content/outline.py)
    from bcp_drill.content.models import Scenario
    from bcp_drill.records.events import Participant

# Words a user may type for each drill role, in Japanese or English.
ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "lead": ("lead", "drill lead", "統括", "訓練統括者", "統括者"),
    "controller": ("controller", "コントローラー", "コントローラ", "統制", "統制官"),
    "evaluator": ("evaluator", "評価者", "評価"),
    "recorder": ("recorder", "記録者", "記録"),
    "player": ("player", "プレイヤー", "プレーヤー", "参加者"),
    "observer": ("observer", "見学者", "見学", "オブザーバー"),
}
_ROLE_LOOKUP: dict[str, DrillRole] = {word.lower(): cast(DrillRole, role)
                                     for role, words in ROLE_WORDS.items() for word in words}
_SEPARATORS = re.compile(r"\s*[,、，/／\t]\s*")

# The keys of the set-up questions (a condition's is `condition:<its id>`).
DRILL_TYPE, PLACE, PARTICIPANTS, T0, RECORDER = "drill_type", "place", "participants", "t0", "recorder"
CONDITION = "condition"
UNREACHABLE = "unreachable"  # a call-in drill: who could not be reached (連絡不通)
QuestionKind = Literal["choice", "condition", "text", "lines", "time", "names"]
_NAME_SEPARATORS = re.compile(r"\s*(?:\n|[,、，;；])\s*")


@dataclass(frozen=True)
class RosterPerson:
    """A person of the city's staff roster as set-up offers them (the front ends read the roster)."""

    name: str
    department: str = ""
    role: str = ""  # the ICT-BCP role as the plan names it, "" for none
    deputy_of: str = ""  # the name of the person this one deputises for

    def participant_line(self, t: Translator) -> str:
        """The participants line adding this person: "山田 太郎, プレイヤー, 情報政策課"."""
        return ", ".join(part for part in (self.name, t("drill_role.player"), self.department) if part)

    def label(self) -> str:
        """"山田 太郎（情報政策課・ICT部門責任者）" as offered in a list."""
        about = "・".join(part for part in (self.department, self.role) if part)
        return f"{self.name}（{about}）" if about else self.name


@dataclass
class SetupRoster:
    """The roster's people as drill set-up offers them, or why the roster could not be read."""

    people: list[RosterPerson] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # each rendered with its file and line
    path: str = ""


def name_key(name: str) -> str:
    """A name as compared: NFKC (full- and half-width alike), without spaces (山田 太郎 = 山田太郎)."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def parse_names(text: str) -> list[str]:
    """Names one per line or separated by 、 , ; (each once, in the order given)."""
    names: dict[str, str] = {}
    for name in _NAME_SEPARATORS.split(text.strip()):
        if name.strip():
            names.setdefault(name_key(name), name.strip())
    return list(names.values())


@dataclass(frozen=True)
class SetupError:
    """An answer that cannot be used: the question it answers and the catalog message saying why."""

    question: str  # the SetupQuestion's key
    key: str  # the catalog message
    params: Mapping[str, object] = field(default_factory=dict)

    def message(self, t: Translator) -> str:
        return t(self.key, **{name: value.get(t.lang) if isinstance(value, Words) else value
                              for name, value in self.params.items()})


def parse_participants(text: str) -> tuple[list[Participant], list[SetupError]]:
    """One participant per line: `name, role[, organisation]`; blank lines are ignored."""
    from bcp_drill.records.events import Participant

    participants: list[Participant] = []
    errors: list[SetupError] = []
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        parts = _SEPARATORS.split(raw.strip(), maxsplit=2)
        if len(parts) < 2 or not parts[0]:
            errors.append(SetupError(PARTICIPANTS, "tui.participant_format", {"line": number, "value": raw.strip()}))
            continue
        role = _ROLE_LOOKUP.get(parts[1].strip().lower())
        if role is None:
            errors.append(SetupError(PARTICIPANTS, "tui.participant_role",
                                     {"line": number, "value": parts[1].strip()}))
            continue
        participants.append(Participant(name=parts[0].strip(), role=role,
                                        organisation=parts[2].strip() if len(parts) > 2 else ""))
    return participants, errors


def condition_value(condition: ConditionOutline, answer: str) -> str | None:
    """The value id a user meant: its id, its number in the list (1-based) or its title in
    either language; None when it matches none."""
    answer = answer.strip()
    for number, value in enumerate(condition.values, 1):
        titles = {value.title.ja, value.title.en} - {None}
        if answer in (value.id, str(number)) or answer in titles:
            return value.id
    return None


def parse_condition_options(options: list[str],
                            scenario: Scenario | ScenarioOutline) -> tuple[dict[str, str], list[SetupError]]:
    """`--condition ID=VALUE` options (VALUE as in condition_value) into condition values."""
    scenario = _outlined(scenario)
    chosen: dict[str, str] = {}
    errors: list[SetupError] = []
    known = ", ".join(c.id for c in scenario.conditions) or "-"
    for option in options:
        name, sep, answer = option.partition("=")
        condition = scenario.condition(name.strip())
        if not sep or condition is None:
            errors.append(SetupError(CONDITION, "plain.condition_option", {"value": option, "known": known}))
            continue
        value = condition_value(condition, answer)
        if value is None:
            errors.append(SetupError(condition_key(condition), "plain.condition_option_value",
                                     {"value": option, "known": known}))
            continue
        chosen[condition.id] = value
    return chosen, errors


def parse_t0(text: str, now: datetime) -> datetime | None:
    """Blank: now. `HH:MM`: that time today. `YYYY-MM-DD HH:MM`: that moment. Local time."""
    text = text.strip()
    if not text:
        return now
    local_now = local(now)
    try:
        if re.fullmatch(r"\d{1,2}:\d{2}", text):
            clock = time.fromisoformat(text.zfill(5))
            return datetime.combine(local_now.date(), clock, tzinfo=local_now.tzinfo)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=local_now.tzinfo)



def condition_key(condition: ConditionOutline) -> str:
    return f"{CONDITION}:{condition.id}"


@dataclass(frozen=True)
class SetupQuestion:
    """One question of a drill's set-up: what may be answered, the answer taken when none is given,
    and (`read`) how an answer becomes its value."""

    key: str
    kind: QuestionKind
    choices: tuple[str, ...] = ()  # the value ids a choice or a condition takes, in the order offered
    default: str = ""
    condition: ConditionOutline | None = None
    people: tuple[RosterPerson, ...] = ()  # the roster's people offered (participants, unreachable)

    @property
    def fixed(self) -> str | None:
        """The value the scenario fixes for this condition: shown, not asked."""
        return self.condition.fixed if self.condition is not None else None

    def choice_title(self, value: str, t: Translator) -> str:
        """What a choice is called: a condition value's title, a drill type's word."""
        if self.condition is None:
            return t(f"drill_type.{value}")
        found = self.condition.value(value)
        return found.title.get(t.lang) if found is not None else value

    def read(self, answer: str | None, now: datetime) -> Any:
        """The value ANSWER gives (None: not answered), or the SetupError saying why it cannot be used."""
        if self.kind == "choice":
            chosen = self.default if answer is None else answer
            if chosen not in self.choices:
                return SetupError(self.key, "plain.bad_type", {"value": chosen, "choices": ", ".join(self.choices)})
            return chosen
        if self.kind == "condition":
            return self._read_condition(answer)
        if self.kind == "lines":
            participants, problems = parse_participants(answer or "")
            return problems[0] if problems else participants
        if self.kind == "names":
            return parse_names(answer or "")
        if self.kind == "time":
            t0 = parse_t0(answer or "", now)
            return t0 if t0 is not None else SetupError(self.key, "tui.bad_t0", {"value": answer})
        return (answer or "").strip() or self.default

    def _read_condition(self, answer: str | None) -> str | SetupError | None:
        assert self.condition is not None
        if answer is None:  # nothing is preselected: whoever sets up says which case is played
            if self.fixed is not None:
                return None
            return SetupError(self.key, "tui.condition_required", {"condition": self.condition.title})
        value = condition_value(self.condition, answer)
        return value if value is not None else SetupError(self.key, "plain.bad_condition", {"value": answer})


def _outlined(scenario: Scenario | ScenarioOutline) -> ScenarioOutline:
    return scenario if isinstance(scenario, ScenarioOutline) else scenario_outline(scenario)


def setup_questions(scenario: Scenario | ScenarioOutline, recorder: str,
                    people: Sequence[RosterPerson] = ()) -> tuple[SetupQuestion, ...]:
    """What setting up a drill of SCENARIO asks, in the order a form shows it; RECORDER: the
    settings' recorder, who records unless someone else is named; PEOPLE: the roster's, offered."""
    scenario = _outlined(scenario)
    types = scenario.drill_types
    offered = tuple(people)
    return (SetupQuestion(DRILL_TYPE, "choice", types, types[0]),
            *(SetupQuestion(condition_key(c), "condition", tuple(v.id for v in c.values), condition=c)
              for c in scenario.conditions),
            SetupQuestion(PLACE, "text"), SetupQuestion(PARTICIPANTS, "lines", people=offered),
            SetupQuestion(T0, "time"),
            # Who records at this console is stamped on every event and named in the report.
            SetupQuestion(RECORDER, "text", default=recorder),
            # Last, so scripts written for plain mode before it existed still answer the same questions.
            SetupQuestion(UNREACHABLE, "names", scenario.contact_names, people=offered))


@dataclass(frozen=True)
class DrillSetup:
    """What starting a drill needs, read from its set-up answers."""

    drill_type: str
    place: str
    participants: list[Participant]
    t0: datetime
    conditions: dict[str, str]  # the chosen values (a fixed one only when given: the session checks it)
    recorder: str
    unreachable: list[str] = field(default_factory=list)  # names found unreachable at set-up (連絡不通)


def read_setup(questions: Sequence[SetupQuestion], answers: Mapping[str, str | None],
               now: datetime) -> DrillSetup | SetupError:
    """The set-up ANSWERS (by question key; a missing one is not answered) read, or the first
    answer in the questions' order that cannot be used."""
    values: dict[str, Any] = {}
    for question in questions:
        value = question.read(answers.get(question.key), now)
        if isinstance(value, SetupError):
            return value
        values[question.key] = value
    stranger = _unknown_unreachable(questions, values)
    if stranger is not None:
        return stranger
    conditions = {q.condition.id: values[q.key] for q in questions
                  if q.condition is not None and values[q.key] is not None}
    return DrillSetup(drill_type=values[DRILL_TYPE], place=values[PLACE], participants=values[PARTICIPANTS],
                      t0=values[T0], recorder=values[RECORDER], conditions=conditions,
                      unreachable=values.get(UNREACHABLE, []))


def _unknown_unreachable(questions: Sequence[SetupQuestion], values: Mapping[str, Any]) -> SetupError | None:
    """A name marked unreachable that is no participant, nobody of the roster and nobody of the
    scenario's contacts (a typing mistake: no deputy order could follow from it)."""
    question = next((q for q in questions if q.key == UNREACHABLE), None)
    if question is None:
        return None
    known = {name_key(name) for name in (*question.choices, *(p.name for p in question.people),
                                         *(p.name for p in values.get(PARTICIPANTS, [])))}
    for name in values.get(UNREACHABLE, []):
        if name_key(name) not in known:
            return SetupError(UNREACHABLE, "call_in.unknown_name", {"name": name})
    return None

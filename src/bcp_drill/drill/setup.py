"""Parsing what a user types when setting up a drill: participants, conditions and the T0 time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import cast

from bcp_drill.content.models import Condition, Scenario
from bcp_drill.records.events import Participant
from bcp_drill.records.values import DrillRole

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


@dataclass(frozen=True)
class SetupError:
    """A line the user typed that cannot be used, with the catalog message for it."""

    line: int
    code: str
    value: str = ""


def parse_participants(text: str) -> tuple[list[Participant], list[SetupError]]:
    """One participant per line: `name, role[, organisation]`; blank lines are ignored."""
    participants: list[Participant] = []
    errors: list[SetupError] = []
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        parts = _SEPARATORS.split(raw.strip(), maxsplit=2)
        if len(parts) < 2 or not parts[0]:
            errors.append(SetupError(number, "participant_format", raw.strip()))
            continue
        role = _ROLE_LOOKUP.get(parts[1].strip().lower())
        if role is None:
            errors.append(SetupError(number, "participant_role", parts[1].strip()))
            continue
        participants.append(Participant(name=parts[0].strip(), role=role,
                                        organisation=parts[2].strip() if len(parts) > 2 else ""))
    return participants, errors


def condition_value(condition: Condition, answer: str) -> str | None:
    """The value id a user meant: its id, its number in the list (1-based) or its title in
    either language; None when it matches none."""
    answer = answer.strip()
    for number, value in enumerate(condition.values, 1):
        titles = {value.title.ja, value.title.en} - {None}
        if answer in (value.id, str(number)) or answer in titles:
            return value.id
    return None


def parse_condition_options(options: list[str], scenario: Scenario) -> tuple[dict[str, str], list[SetupError]]:
    """`--condition ID=VALUE` options (VALUE as in condition_value) into condition values."""
    chosen: dict[str, str] = {}
    errors: list[SetupError] = []
    for number, option in enumerate(options, 1):
        name, sep, answer = option.partition("=")
        condition = scenario.condition(name.strip())
        if not sep or condition is None:
            errors.append(SetupError(number, "condition_option", option))
            continue
        value = condition_value(condition, answer)
        if value is None:
            errors.append(SetupError(number, "condition_option_value", option))
            continue
        chosen[condition.id] = value
    return chosen, errors


def parse_t0(text: str, now: datetime) -> datetime | None:
    """Blank: now. `HH:MM`: that time today. `YYYY-MM-DD HH:MM`: that moment. Local time."""
    text = text.strip()
    if not text:
        return now
    local_now = now.astimezone()
    try:
        if re.fullmatch(r"\d{1,2}:\d{2}", text):
            clock = time.fromisoformat(text.zfill(5))
            return datetime.combine(local_now.date(), clock, tzinfo=local_now.tzinfo)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=local_now.tzinfo)

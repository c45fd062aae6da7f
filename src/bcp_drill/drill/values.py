"""Measured values as typed at a drill: "1時間30分", "1.5時間", "９割", "８５％", "25 L".

A value is read in the unit its check names (`ValueSpec.unit`): a time typed in another time
unit is converted (1.5時間 in a minutes field is 90), a unit that cannot be converted is refused
with the unit expected, never read as a bare number. Full-width digits and units are fine.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bcp_drill.content.models import ValueSpec

# Words for each time unit, in seconds. Checked longest first ("時間" before "時", "min" before "m").
_TIME_UNITS: dict[str, float] = {
    "秒": 1, "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "分": 60, "分間": 60, "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "時間": 3600, "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "日": 86400, "日間": 86400, "d": 86400, "day": 86400, "days": 86400,
}
# Other units written in more than one way: each spelling → the one a check names.
_SAME_UNIT = {"リットル": "l", "ℓ": "l", "l": "l", "度": "℃", "°c": "℃", "c": "℃", "℃": "℃",
              "件": "件", "人": "人", "名": "人", "台": "台", "kw": "kw", "kva": "kva", "v": "v"}
_PART = re.compile(r"\s*([-+]?\d+(?:\.\d+)?)\s*([^\d\s.+-][^\d]*?)?\s*(?=[-+]?\d|$)")
_TENTHS = {"割": 10.0, "分": 1.0, "厘": 0.1}  # 9割5分 = 95%


class UnreadableValue(ValueError):  # noqa: N818  (a value, not an exception's name)
    """A typed value that cannot be read: CODE names the message, PARAMS fill it."""

    def __init__(self, code: str, value: str, unit: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.value = value
        self.unit = unit  # the unit the check expects


@dataclass(frozen=True)
class Measured:
    number: float  # in the check's own unit (or percent)
    converted: bool  # typed in another unit (or as 割) and converted: shown with the number it became


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(",", "").strip()


def _parts(text: str) -> list[tuple[float, str]] | None:
    """"1時間30分" → [(1, "時間"), (30, "分")]; None when something is left over."""
    parts, position = [], 0
    for found in _PART.finditer(text):
        if found.start() != position or not found.group(0).strip():
            return None
        parts.append((float(found.group(1)), (found.group(2) or "").strip().lower()))
        position = found.end()
    return parts if parts and position == len(text) else None


def _time_unit(unit: str) -> float | None:
    return _TIME_UNITS.get(unicodedata.normalize("NFKC", unit).strip().lower())


def read_measured(typed: str, spec: ValueSpec) -> Measured:
    """The number TYPED stands for in SPEC's unit; raises UnreadableValue when it cannot be read."""
    text = _normal(typed)
    if spec.kind == "percent":
        return _percent(text, typed)
    parts = _parts(text)
    if parts is None:
        raise UnreadableValue("value_not_a_number", value=typed)
    names = [spec.unit.get(lang) for lang in ("ja", "en")] if spec.unit else []  # the unit in either language
    expected = names[0] if names else ""
    expected_time = next((seconds for name in names if (seconds := _time_unit(name)) is not None), None)
    if expected_time is not None:  # a time: every part in a time unit (a bare number is in the check's unit)
        total, converted = 0.0, False
        for number, unit in parts:
            seconds = _time_unit(unit) if unit else expected_time
            if seconds is None:
                raise UnreadableValue("value_unit_unknown", value=typed, unit=expected)
            converted = converted or seconds != expected_time
            total += number * seconds
        return Measured(total / expected_time, converted or len(parts) > 1)
    if len(parts) != 1:
        raise UnreadableValue("value_unit_unknown", value=typed, unit=expected or "-")
    number, unit = parts[0]
    if unit and _same_unit(unit) not in {_same_unit(name) for name in names}:
        raise UnreadableValue("value_unit_unknown", value=typed, unit=expected or "-")
    return Measured(number, False)


def _same_unit(unit: str) -> str:
    unit = unicodedata.normalize("NFKC", unit).strip().lower()
    return _SAME_UNIT.get(unit, unit)


def _percent(text: str, typed: str) -> Measured:
    """"85", "85%", "85 %", "9割", "9割5分" → percent (0 to 100)."""
    if "割" in text:
        total, rest = 0.0, text
        for word, weight in _TENTHS.items():
            if word in rest:
                head, _, rest = rest.partition(word)
                try:
                    total += float(head) * weight
                except ValueError:
                    raise UnreadableValue("value_not_a_number", value=typed) from None
        if rest.strip():
            raise UnreadableValue("value_not_a_number", value=typed)
        number, converted = total, True
    else:
        parts = _parts(text)
        if parts is None or len(parts) != 1 or parts[0][1] not in ("", "%", "percent", "パーセント"):
            raise UnreadableValue("value_not_a_number", value=typed)
        number, converted = parts[0][0], False
    if not 0 <= number <= 100:
        raise UnreadableValue("percent_out_of_range", value=typed)
    return Measured(number, converted)

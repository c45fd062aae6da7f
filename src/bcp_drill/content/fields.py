"""Field types shared by every content model: ids, versions and bilingual text."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bcp_drill.i18n import Lang, in_language

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


def _check_id(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise PydanticCustomError("bad_id", "not a valid id: {value}", {"value": value})
    return value


def _version_as_text(value: Any) -> Any:
    # YAML reads `version: 1.0` as a float; authors mean the text "1.0".
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


Id = Annotated[str, AfterValidator(_check_id)]
Version = Annotated[str, BeforeValidator(_version_as_text), Field(min_length=1, max_length=32)]
Minutes = Annotated[int, Field(ge=0, le=60 * 24 * 14)]


class ContentModel(BaseModel):
    """Base of every content model: unknown keys are errors, models are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class LocalizedText(ContentModel):
    """Text written in Japanese (primary) and optionally English; a plain string is Japanese."""

    ja: str | None = None
    en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_string_is_japanese(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"ja": value}
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> "LocalizedText":
        if not (self.ja or self.en):
            raise PydanticCustomError("empty_text", "text must not be empty")
        return self

    def get(self, lang: Lang) -> str:
        """The text in LANG, falling back to Japanese, then English."""
        return in_language(self.ja, self.en, lang)

    def __str__(self) -> str:
        return self.get("ja")


def text(value: LocalizedText | None, lang: Lang) -> str:
    """Localised text, or '' when the field is absent."""
    return value.get(lang) if value is not None else ""

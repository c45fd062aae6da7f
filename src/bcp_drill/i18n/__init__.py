"""Message catalogs (ja, en) and the lookup function every screen and command uses."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Literal

Lang = Literal["ja", "en"]
LANGUAGES: tuple[Lang, ...] = ("ja", "en")


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalog(lang: Lang) -> dict[str, str]:
    """The flat message table of one language."""
    # The catalogs are plain files beside this module (in the source tree and in the wheel).
    return _read_catalog(Path(__file__).parent / f"{lang}.toml")


def _read_catalog(source: Path) -> dict[str, str]:
    """The catalog at SOURCE, from its compiled copy in __pycache__ while that copy was made
    from the same file (size and modification time), as Python does for modules.

    Parsing the TOML costs more than the rest of `--help`; the copy is only derived: when it
    is missing, stale, damaged or cannot be written, the TOML is read as before.
    """
    status = source.stat()
    stamp = [status.st_size, status.st_mtime_ns]
    compiled = source.parent / "__pycache__" / f"{source.stem}.catalog.json"
    try:
        kept = json.loads(compiled.read_bytes())
        if kept.get("source") == stamp and isinstance(kept.get("messages"), dict):
            messages: dict[str, str] = kept["messages"]
            return messages
    except (OSError, ValueError, AttributeError):
        pass
    import tomllib

    from bcp_drill.startup.derived import keep_copy

    messages = _flatten(tomllib.loads(source.read_text(encoding="utf-8")))
    keep_copy(compiled, json.dumps({"source": stamp, "messages": messages}, ensure_ascii=False).encode("utf-8"))
    return messages


def in_language(ja: str | None, en: str | None, lang: Lang) -> str:
    """A content text (Japanese, and English when written) in LANG, falling back to Japanese,
    then English."""
    if lang == "en" and en:
        return en
    return ja or en or ""


def translate(lang: Lang, key: str, /, **params: object) -> str:
    """Look a message up in LANG, falling back to Japanese, then to the key itself. When what
    it counts (COUNT, else PROBLEMS, else FILES) is 1, the message's singular form (`key_one`)
    if LANG has one: English does ("1 drill"), Japanese needs none."""
    messages = catalog(lang)
    number = params.get("count", params.get("problems", params.get("files")))  # what a message counts
    singular = messages.get(f"{key}_one") if number == 1 else None
    template = singular or messages.get(key) or catalog("ja").get(key) or key
    try:
        return template.format_map(_Filled(params))
    except (IndexError, ValueError):
        return template


class _Filled(dict):
    """Parameters for a message; one a caller forgot shows as "-", never as a raw {name}
    (tests/i18n check statically that every raise site gives every placeholder)."""

    def __missing__(self, key: str) -> str:
        return "-"


def code_named(word: str, codes: tuple[str, ...], area: str) -> str | None:
    """The code of CODES that WORD names: the code itself or its word `AREA.code` in either
    language, case aside ("停止" or "down" for the system state down)."""
    folded = word.lower()
    for code in codes:
        if folded == code or folded in (translate(lang, f"{area}.{code}").lower() for lang in LANGUAGES):
            return code
    return None


class Translator:
    """A translate function bound to one language, handed to screens and commands."""

    def __init__(self, lang: Lang) -> None:
        self.lang: Lang = lang

    def __call__(self, key: str, /, **params: object) -> str:
        return translate(self.lang, key, **params)


def language_from_locale(environ: dict[str, str] | None = None) -> Lang:
    """Japanese when the user's locale says so, English otherwise."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"

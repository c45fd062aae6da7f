"""Message catalogs (ja, en) and the lookup function every screen and command uses."""

from __future__ import annotations

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
    import tomllib  # read when the first message is looked up, not when the module is imported

    # The catalogs are plain files beside this module (in the source tree and in the wheel).
    raw = (Path(__file__).parent / f"{lang}.toml").read_text(encoding="utf-8")
    return _flatten(tomllib.loads(raw))


def translate(lang: Lang, key: str, /, **params: object) -> str:
    """Look a message up in LANG, falling back to Japanese, then to the key itself."""
    template = catalog(lang).get(key) or catalog("ja").get(key) or key
    try:
        return template.format_map(_Filled(params))
    except (IndexError, ValueError):
        return template


class _Filled(dict):
    """Parameters for a message; one a caller forgot shows as "-", never as a raw {name}
    (tests/i18n check statically that every raise site gives every placeholder)."""

    def __missing__(self, key: str) -> str:
        return "-"


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

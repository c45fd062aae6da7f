"""Where settings files are and the language they ask for, without the settings model.

`--help` must speak the user's language before anything heavy is imported: this module reads
only what that takes (the standard library and platformdirs). settings.py builds on it.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from bcp_drill.i18n import LANGUAGES, Lang, language_from_locale

CONFIG_NAME = "bcp-drill.toml"
APP_NAME = "bcp-drill"
ENV_PREFIX = "BCP_DRILL_"


def user_config_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / CONFIG_NAME


def _named(environ: dict[str, str], explicit: Path | None) -> Path | None:
    """The one settings file asked for by --config or BCP_DRILL_CONFIG, if any."""
    return explicit or (Path(environ[ENV_PREFIX + "CONFIG"]) if environ.get(ENV_PREFIX + "CONFIG") else None)


def settings_candidates(cwd: Path, environ: dict[str, str], explicit: Path | None = None) -> list[Path]:
    """Where settings files are looked for, lowest precedence first, whether they exist or not
    (an explicit one, or the one BCP_DRILL_CONFIG names, alone)."""
    named = _named(environ, explicit)
    return [named] if named is not None else [user_config_path(), cwd / CONFIG_NAME]


def config_files(cwd: Path, environ: dict[str, str], explicit: Path | None) -> list[Path]:
    """The settings files that apply, lowest precedence first (an explicit one alone, used or
    reported missing as it is)."""
    named = _named(environ, explicit)
    if named is not None:
        return [named]
    return [p for p in settings_candidates(cwd, environ) if p.is_file()]


def early_lang(option: str | None, explicit: Path | None = None, cwd: Path | None = None,
               environ: dict[str, str] | None = None) -> Lang:
    """The language settings will have, by the same precedence, read cheaply (for --help).

    A file that cannot be read is passed over here: loading the settings reports it.
    """
    env = dict(os.environ) if environ is None else environ
    candidates: list[str | None] = [option, env.get(ENV_PREFIX + "LANG")]
    for path in reversed(config_files(cwd or Path.cwd(), env, explicit)):
        try:
            with path.open("rb") as handle:
                candidates.append(tomllib.load(handle).get("lang"))
        except (OSError, tomllib.TOMLDecodeError):
            continue
    for value in candidates:
        if value in LANGUAGES:
            return value
    return language_from_locale(env)

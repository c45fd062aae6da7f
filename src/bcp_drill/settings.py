"""Settings and their precedence: defaults < user file < working-folder file < environment < options."""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bcp_drill.errors import UserError
from bcp_drill.i18n import LANGUAGES, Lang, language_from_locale
from bcp_drill.startup.config_files import APP_NAME, CONFIG_NAME, ENV_PREFIX, user_config_path  # noqa: F401

Source = Literal["default", "user_config", "local_config", "environment", "option"]


def _default_records_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "records"


def _default_recorder() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "unknown"


@dataclass(frozen=True)
class SettingField:
    description: str
    choices: tuple[str, ...] = ()  # the values allowed, when the field is one of a few words
    kind: Literal["text", "path", "paths", "count"] = "text"


# Every setting, in the order `bcp-drill settings` lists them. Plain dataclasses rather than
# pydantic: settings are read before the first frame, and pydantic is not needed until later.
FIELDS: dict[str, SettingField] = {
    "lang": SettingField("Language of screens and reports (ja, en).", LANGUAGES),
    "records": SettingField("Folder of drill and review journals.", kind="path"),
    "organisation": SettingField("Organisation name printed on reports (e.g. 〇〇市 情報政策課)."),
    "recorder": SettingField("Who is recording; stamped on every event."),
    "content": SettingField("Extra content folders, read after the defaults.", kind="paths"),
    "theme": SettingField("TUI colour theme.", ("default", "high-contrast")),
    "seal_key": SettingField("File of the key that seals every record (bcp-drill seal-key); kept out of the "
                             "records folder. Default: seal.key beside the user settings file.", kind="path"),
    "serve_max_consoles": SettingField("How many browsers `bcp-drill serve` runs at once (a team drill's "
                                       "consoles); one more gets a page saying it is full.", kind="count"),
    "import_max_bytes": SettingField("Largest spreadsheet or CSV file an import reads (bytes).", kind="count"),
    "import_max_rows": SettingField("Most rows a sheet of an import may have.", kind="count"),
    "import_max_columns": SettingField("Most columns a sheet of an import may have.", kind="count"),
    "import_max_cell_chars": SettingField("Most characters one cell of an import may hold (Excel's own "
                                          "limit is 32,767).", kind="count"),
    "reminder_days": SettingField("The home screen reminds of follow-ups due within this many days "
                                  "(and of those overdue, and of the programme's next drill).", kind="count"),
    "zeros": SettingField("How a count of none is printed in the status tallies (tally, plan-summary, the review "
                          "report, publish): 'blank', as the city's own documents print them, or '0'.",
                          ("blank", "0")),
    "chrome": SettingField("Frame characters: 'ascii' for terminals that draw East Asian ambiguous-width "
                           "characters (box lines, blocks) double wide, as Tera Term and RLogin often do.",
                           ("unicode", "ascii")),
}


class InvalidSetting(ValueError):
    def __init__(self, field: str, detail: str) -> None:
        super().__init__(detail)
        self.field = field
        self.detail = detail


def _checked(name: str, value: Any) -> Any:
    """VALUE as setting NAME holds it; InvalidSetting says why it cannot be used."""
    spec = FIELDS[name]
    if spec.kind == "paths":
        values = value if isinstance(value, (list, tuple)) else [value]
        if not all(isinstance(v, (str, Path)) for v in values):
            raise InvalidSetting(name, "Input should be a list of folders")
        return [Path(v) for v in values]
    if spec.kind == "count":
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit() \
                or int(value) < 1:
            raise InvalidSetting(name, "Input should be a whole number of 1 or more")
        return int(value)
    if spec.kind == "path":
        if not isinstance(value, (str, Path)):
            raise InvalidSetting(name, "Input should be a folder")
        return Path(value)
    if not isinstance(value, str):
        raise InvalidSetting(name, "Input should be a valid string")
    if spec.choices and value not in spec.choices:
        raise InvalidSetting(name, "Input should be " + " or ".join(f"'{c}'" for c in spec.choices))
    return value


@dataclass
class Settings:
    """Everything a user may set; each field can come from a file, the environment or an option.
    Every value is checked when it is set, at start-up and when a screen changes it."""

    lang: Lang = field(default_factory=language_from_locale)
    records: Path = field(default_factory=_default_records_dir)
    organisation: str = ""
    recorder: str = field(default_factory=_default_recorder)
    content: list[Path] = field(default_factory=list)
    theme: Literal["default", "high-contrast"] = "default"
    chrome: Literal["unicode", "ascii"] = "unicode"
    zeros: Literal["blank", "0"] = "blank"
    reminder_days: int = 14
    seal_key: Path = field(default_factory=lambda: user_config_path().parent / "seal.key")
    # Bounds that keep a hostile or broken file from exhausting the PC; far above any real sheet.
    serve_max_consoles: int = 12
    import_max_bytes: int = 16 * 1024 * 1024
    import_max_rows: int = 20_000
    import_max_columns: int = 100
    import_max_cell_chars: int = 32_767

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, _checked(name, value) if name in FIELDS else value)


ENV_NAMES = {name: ENV_PREFIX + name.upper() for name in FIELDS}


class SettingsError(UserError):
    """A settings file or variable that cannot be used; the message says which and why."""

    area = "settings"


def _read_config(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError("bad_toml", path=path, detail=str(error)) from None
    except OSError as error:
        raise SettingsError("unreadable", path=path, reason=error.strerror or str(error)) from None
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        import difflib

        key = unknown[0]
        guess = difflib.get_close_matches(key, list(FIELDS), n=1)
        if guess:
            raise SettingsError("unknown_setting_guess", path=path, key=key, guess=guess[0])
        raise SettingsError("unknown_setting", path=path, key=key, valid=", ".join(FIELDS))
    if isinstance(data.get("content"), str):
        data["content"] = [data["content"]]
    # Relative folders in a settings file are relative to that file.
    for key in ("records", "content", "seal_key"):
        if key in data:
            values = data[key] if isinstance(data[key], list) else [data[key]]
            resolved = [str((path.parent / Path(str(v)).expanduser())) for v in values]
            data[key] = resolved if key == "content" else resolved[0]
    return data


def _from_environment(environ: dict[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, name in ENV_NAMES.items():
        value = environ.get(name)
        if value is None or value == "":
            continue
        found[key] = [p for p in value.split(os.pathsep) if p] if key == "content" else value
    return found


def load_settings(
    options: dict[str, Any] | None = None,
    cwd: Path | None = None,
    environ: dict[str, str] | None = None,
    config_path: Path | None = None,
) -> tuple[Settings, dict[str, Source]]:
    """Merge every source in order of precedence; return the settings and where each came from."""
    cwd = cwd or Path.cwd()
    env = dict(os.environ) if environ is None else environ
    layers: list[tuple[Source, dict[str, Any]]] = []
    explicit = config_path or (Path(env[ENV_PREFIX + "CONFIG"]) if env.get(ENV_PREFIX + "CONFIG") else None)
    if explicit is not None:
        if not explicit.is_file():
            raise SettingsError("no_such_file", path=explicit)
        layers.append(("local_config", _read_config(explicit)))
    else:
        user = user_config_path()
        if user.is_file():
            layers.append(("user_config", _read_config(user)))
        local = cwd / CONFIG_NAME
        if local.is_file():
            layers.append(("local_config", _read_config(local)))
    layers.append(("environment", _from_environment(env)))
    layers.append(("option", {k: v for k, v in (options or {}).items() if v not in (None, [])}))

    merged: dict[str, Any] = {}
    sources: dict[str, Source] = {name: "default" for name in FIELDS}
    for source, values in layers:
        for key, value in values.items():
            if key == "content" and key in merged:
                merged[key] = list(merged[key]) + list(value)  # folders add up
            else:
                merged[key] = value
            sources[key] = source
    merged.setdefault("lang", language_from_locale(env))
    try:
        settings = Settings(**merged)
    except InvalidSetting as error:
        name = error.field
        where = {"environment": ENV_NAMES.get(name, name), "option": f"--{name}"}.get(
            sources.get(name, "default"), name)
        raise SettingsError("invalid_value", where=where, detail=error.detail) from None
    return settings, sources


def writable_config_path(cwd: Path | None = None, environ: dict[str, str] | None = None) -> Path:
    """Where a changed setting is saved: the file named by BCP_DRILL_CONFIG, else the
    working folder's bcp-drill.toml when there is one, else the user settings file."""
    env = dict(os.environ) if environ is None else environ
    if env.get(ENV_PREFIX + "CONFIG"):
        return Path(env[ENV_PREFIX + "CONFIG"])
    local = (cwd or Path.cwd()) / CONFIG_NAME
    return local if local.is_file() else user_config_path()


def save_setting(path: Path, key: str, value: str) -> None:
    """Set KEY = "VALUE" in the TOML file at PATH, keeping every other line and comment as it was."""
    import re

    if key not in FIELDS:
        raise SettingsError("unknown_setting", path=path, key=key, valid=", ".join(FIELDS))
    line = f'{key} = "{value}"'
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for index, existing in enumerate(lines):
        if pattern.match(existing):
            lines[index] = line
            break
    else:
        # Top-level keys must come before any [table] header.
        first_table = next((i for i, text in enumerate(lines) if text.lstrip().startswith("[")), len(lines))
        lines.insert(first_table, line)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

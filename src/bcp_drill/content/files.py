"""Where content is: the shipped folders, the working folder's, and the YAML files below them.

Plain paths only (no content models), so that the derived copy of the content can be looked
up (content/cache.py) before the models are loaded.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path
from typing import Iterable

CONTENT_SUFFIXES = (".yaml", ".yml")
CONTENT_FOLDERS = ("scenarios", "checklists")


def builtin_scales_dir() -> Path:
    return Path(str(files("bcp_drill.content").joinpath("scales")))


def bundled_content_root() -> Path | None:
    """Where the shipped scenarios and checklists are: inside the wheel, or the source tree."""
    inside = Path(str(files("bcp_drill").joinpath("bundled")))
    if inside.is_dir():
        return inside
    source_tree = Path(__file__).resolve().parents[3]
    if (source_tree / "pyproject.toml").is_file() and (source_tree / "scenarios").is_dir():
        return source_tree
    return None


def bundled_dirs() -> list[Path]:
    """The shipped scenarios/ and checklists/ folders."""
    root = bundled_content_root()
    return [root / name for name in CONTENT_FOLDERS if root and (root / name).is_dir()]


def default_content_dirs(cwd: Path) -> list[Path]:
    """The shipped scenarios/ and checklists/, then those of the working folder when present:
    local content adds to the shipped content, and a local file with the id of a shipped one
    is used instead of it (`list` says so). A city that imports its own measures into
    ./checklists still has the shipped plan-review checklist."""
    dirs = bundled_dirs()
    for name in CONTENT_FOLDERS:
        here = cwd / name
        if here.is_dir() and not any(safe_resolve(here) == safe_resolve(d) for d in dirs):
            dirs.append(here)
    return dirs


def _path_parts(name: str) -> list[str]:
    return name.split(os.sep)  # the order Path objects sort in: folder by folder


def content_files(paths: Iterable[Path]) -> list[Path]:
    """Every YAML file named, or found below a named folder, in a stable order."""
    unique: dict[str, Path] = {}
    for path in paths:
        if path.is_dir():
            # The folder is resolved once and its files joined to it: resolving each file and
            # sorting Path objects cost more than reading a thousand small files.
            folder = str(path.resolve())
            names: list[str] = []
            for directory, _subdirs, files in os.walk(folder):
                names += (os.path.join(directory, name) for name in files
                          if os.path.splitext(name)[1] in CONTENT_SUFFIXES)
            for name in sorted(names, key=_path_parts):
                real = os.path.realpath(name) if os.path.islink(name) else name
                if real not in unique and os.path.isfile(real):
                    unique[real] = Path(real)
        else:
            resolved = safe_resolve(path)
            unique.setdefault(str(resolved), resolved)
    return list(unique.values())


def safe_resolve(path: Path) -> Path:
    """PATH made absolute with its links followed; a link that leads back to itself stays as
    it is (absolute), to be reported as a file that cannot be read, never an internal error."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # a symlink loop: RuntimeError before Python 3.13, OSError after
        return Path(os.path.abspath(path))


def named_file(reference: str) -> Path | None:
    """The file REFERENCE names when it names one (it exists, or is a link, or ends in .yaml /
    .yml): `run FILE` then reads that file and says what is wrong with it; None for an id."""
    path = Path(reference).expanduser()
    if os.path.lexists(path) and not path.is_dir() or path.suffix in CONTENT_SUFFIXES:
        return path
    return None


def display_path(path: Path, cwd: Path) -> str:
    try:
        return os.path.relpath(path, cwd) if path.is_relative_to(cwd) else str(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)


def cache_request(paths: list[Path], cwd: Path | None,
                  registers_from: list[Path]) -> tuple[tuple[object, ...], list[str]]:
    """What a load is asked (folders, working folder, where the shipped content is) and every
    file it reads: the derived copy's key (content/cache.py)."""
    request = ("library", str(cwd or Path.cwd()), tuple(os.path.abspath(p) for p in paths),
               tuple(os.path.abspath(p) for p in registers_from),
               tuple(str(safe_resolve(d)) for d in bundled_dirs()))
    sources = content_files([builtin_scales_dir()]) + content_files(paths) \
        + content_files([f for f in registers_from if f.is_dir()])
    return request, [str(path) for path in sources]

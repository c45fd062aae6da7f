"""All content the tool knows: built-in scales plus every file in the content folders."""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Iterable

from bcp_drill.content.checks import closest
from bcp_drill.content.loader import FileLoader, LoadedFile, locate_line
from bcp_drill.content.models import Checklist, Scenario, SystemsRegister, with_register
from bcp_drill.content.problems import Problem
from bcp_drill.content.scales import Scale
from bcp_drill.workers import read_in_workers

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


def default_content_dirs(cwd: Path) -> list[Path]:
    """For each of scenarios/ and checklists/: the folder here when present, else the bundled copy
    (a city with its own scenarios still gets the shipped checklists, and the other way round)."""
    root = bundled_content_root()
    dirs = []
    for name in CONTENT_FOLDERS:
        if (cwd / name).is_dir():
            dirs.append(cwd / name)
        elif root and (root / name).is_dir():
            dirs.append(root / name)
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
            unique.setdefault(str(path.resolve()), path.resolve())
    return list(unique.values())


def display_path(path: Path, cwd: Path) -> str:
    try:
        return os.path.relpath(path, cwd) if path.is_relative_to(cwd) else str(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)


@dataclass
class ContentLibrary:
    """Valid scenarios, checklists and scales by id, and every problem found on the way."""

    scenarios: dict[str, LoadedFile] = field(default_factory=dict)
    checklists: dict[str, LoadedFile] = field(default_factory=dict)
    scales: dict[str, Scale] = field(default_factory=dict)
    registers: dict[str, LoadedFile] = field(default_factory=dict)  # systems registers by id
    files: list[LoadedFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def load(cls, paths: Iterable[Path], cwd: Path | None = None, lasting: bool = False,
             workers: int = 1) -> "ContentLibrary":
        """Every content file below PATHS. LASTING: the library lives until the process ends
        (a one-shot command), so what exists once it is loaded is frozen out of the garbage
        collector's walks; never in a long-lived program, where frozen cycles would leak.
        WORKERS > 1 reads the files in that many forked processes (a one-shot command only: a
        program with threads, such as the TUI, must not fork); the checks across files and
        the result are the same."""
        # Loading makes many small objects and no cycles worth collecting: pausing the cyclic
        # garbage collector meanwhile saves it walking every file's objects again and again.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return cls._load(paths, cwd, workers)
        finally:
            if lasting:
                gc.freeze()
            if enabled:
                gc.enable()

    @classmethod
    def _load(cls, paths: Iterable[Path], cwd: Path | None = None, workers: int = 1) -> "ContentLibrary":
        cwd = cwd or Path.cwd()
        library = cls()
        loader = FileLoader()
        for scale_file in content_files([builtin_scales_dir()]):
            loaded = loader.load(scale_file, f"<built-in>/{scale_file.name}")
            if isinstance(loaded.document, Scale) and loaded.ok:
                library.scales[loaded.document.id] = loaded.document
            library.problems += loaded.problems
        builtin_ids = set(library.scales)
        owners: dict[tuple[str, str], LoadedFile] = {}
        to_read: list[tuple[Path, str]] = []
        for path in content_files(paths):
            if not path.exists():
                library.problems.append(Problem(display_path(path, cwd), None, None, "no_such_file"))
            else:
                to_read.append((path, display_path(path, cwd)))
        for loaded in read_in_workers(_read_chunk, to_read, workers, _PARALLEL_FROM):
            library.files.append(loaded)
            library.problems += loaded.problems
            document = loaded.document
            if document is None or not loaded.ok:
                continue
            key = (document.kind, document.id)
            if key in owners or (document.kind == "scale" and document.id in builtin_ids):
                first = owners.get(key)
                line, column = locate_line(loaded, ("id",))
                library.problems.append(Problem(
                    loaded.display, line, column, "duplicate_document",
                    {"kind": document.kind, "value": document.id,
                     "other": first.display if first else "<built-in>"}))
                continue
            owners[key] = loaded
            if isinstance(document, Scenario):
                library.scenarios[document.id] = loaded
            elif isinstance(document, Checklist):
                library.checklists[document.id] = loaded
            elif isinstance(document, SystemsRegister):
                library.registers[document.id] = loaded
            else:
                library.scales[document.id] = document
        library._check_scale_references()
        library._attach_registers()
        library.problems.sort(key=Problem.sort_key)
        return library

    def _attach_registers(self) -> None:
        """Each scenario that names a systems register gets its systems (and keeps the
        register's file, which a drill pins beside the scenario); an unknown register or a
        system id found twice makes the scenario unusable, with its line."""
        for scenario_id, loaded in list(self.scenarios.items()):
            scenario = loaded.document
            assert isinstance(scenario, Scenario)
            if scenario.systems_register is None:
                continue
            source = self.registers.get(scenario.systems_register)
            line, column = locate_line(loaded, ("systems_register",))
            if source is None:
                guess = closest(scenario.systems_register, self.registers)
                self.problems.append(Problem(
                    loaded.display, line, column, "unknown_reference",
                    {"kind": "systems_register", "value": scenario.systems_register},
                    "did_you_mean" if guess else "known_ids",
                    {"suggestion": guess} if guess else {"ids": ", ".join(sorted(self.registers)) or "-"}))
                del self.scenarios[scenario_id]
                continue
            register = source.document
            assert isinstance(register, SystemsRegister)
            both = {s.id for s in register.systems} & {s.id for s in scenario.systems}
            if both:
                self.problems.append(Problem(loaded.display, line, column, "system_in_register_too",
                                             {"ids": ", ".join(sorted(both)), "register": source.display}))
                del self.scenarios[scenario_id]
                continue
            loaded.document = with_register(scenario, register)
            loaded.systems_source = source

    def _check_scale_references(self) -> None:
        for checklist_id, loaded in list(self.checklists.items()):
            checklist = loaded.document
            assert isinstance(checklist, Checklist)
            if isinstance(checklist.scale, Scale) or checklist.scale in self.scales:
                continue
            line, column = locate_line(loaded, ("scale",))
            guess = closest(checklist.scale, self.scales)
            self.problems.append(Problem(
                loaded.display, line, column, "unknown_reference",
                {"kind": "scale", "value": checklist.scale},
                "did_you_mean" if guess else "known_ids",
                {"suggestion": guess} if guess else {"ids": ", ".join(sorted(self.scales))}))
            del self.checklists[checklist_id]

    # -- lookups -------------------------------------------------------------

    def scenario(self, id_or_path: str) -> Scenario | None:
        loaded = self._find(self.scenarios, id_or_path)
        return loaded.document if loaded else None  # type: ignore[return-value]

    def checklist(self, id_or_path: str) -> Checklist | None:
        loaded = self._find(self.checklists, id_or_path)
        return loaded.document if loaded else None  # type: ignore[return-value]

    def scale_of(self, checklist: Checklist) -> Scale:
        return checklist.scale if isinstance(checklist.scale, Scale) else self.scales[checklist.scale]

    def source(self, document_id: str) -> LoadedFile | None:
        return self.scenarios.get(document_id) or self.checklists.get(document_id)

    @staticmethod
    def _find(table: dict[str, LoadedFile], id_or_path: str) -> LoadedFile | None:
        if id_or_path in table:
            return table[id_or_path]
        wanted = Path(id_or_path).expanduser()
        if wanted.exists():
            for loaded in table.values():
                if loaded.path.resolve() == wanted.resolve():
                    return loaded
        return None


# Below this many files, starting processes costs more than it saves.
_PARALLEL_FROM = 100


def _read_chunk(to_read: list[tuple[Path, str]]) -> list[LoadedFile]:
    """Each (path, display name) read and checked on its own (in a worker, or here)."""
    loader = FileLoader()
    chunk = []
    for path, display in to_read:
        loaded = loader.load(path, display)
        loaded.forget_tree()  # (no node tree crosses from a worker; the places checks need are kept)
        chunk.append(loaded)
    return chunk

"""All content the tool knows: built-in scales plus every file in the content folders."""

from __future__ import annotations

import gc
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Callable, Iterable

from bcp_drill.content import cache as content_cache
from bcp_drill.content.checks import check_evidence_links, closest
from bcp_drill.content.files import (
    builtin_scales_dir,
    bundled_dirs,
    cache_request,
    content_files,
    display_path,
    named_file,
    safe_resolve,
)
from bcp_drill.content.loader import FileLoader, LoadedFile, known_valid, locate_line, remember_valid
from bcp_drill.content.models import Checklist, Scenario, SystemsRegister, with_register
from bcp_drill.content.outline import ContentOutline, content_outline
from bcp_drill.content.problems import Problem
from bcp_drill.content.scales import Scale
from bcp_drill.workers import read_in_workers


@cache
def builtin_scale(scale_id: str) -> Scale:
    """A scale shipped with the tool (content/scales/SCALE_ID.yaml); a shipped file that does not
    load is a broken installation, said as such."""
    path = builtin_scales_dir() / f"{scale_id}.yaml"
    try:  # read already in this process (the library's built-in scales): not validated again
        known = known_valid(path.read_bytes())
    except OSError:
        known = None
    if isinstance(known, Scale):
        return known
    loaded = FileLoader().load(path, f"<built-in>/{path.name}")
    if not isinstance(loaded.document, Scale) or not loaded.ok:
        raise RuntimeError(f"the shipped scale {path} does not load: {[p.code for p in loaded.problems]}")
    return loaded.document


@dataclass
class ContentLibrary:
    """Valid scenarios, checklists and scales by id, and every problem found on the way."""

    scenarios: dict[str, LoadedFile] = field(default_factory=dict)
    checklists: dict[str, LoadedFile] = field(default_factory=dict)
    scales: dict[str, Scale] = field(default_factory=dict)
    registers: dict[str, LoadedFile] = field(default_factory=dict)  # systems registers by id
    files: list[LoadedFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # worth a look; those files are still used
    cwd: Path = field(default_factory=Path)  # what the problems' paths are relative to
    # Shipped documents a local file of the same kind and id is used instead of: (kind, id) -> shipped file.
    overridden: dict[tuple[str, str], str] = field(default_factory=dict)
    builtin_files: list[LoadedFile] = field(default_factory=list)  # the built-in scales' files, as read

    @classmethod
    def load(cls, paths: Iterable[Path], cwd: Path | None = None, lasting: bool = False,
             workers: int = 1, registers_from: Iterable[Path] = ()) -> "ContentLibrary":
        """Every content file below PATHS. LASTING: the library lives until the process ends
        (a one-shot command), so what exists once it is loaded is frozen out of the garbage
        collector's walks; never in a long-lived program, where frozen cycles would leak.
        WORKERS > 1 reads the files in that many forked processes (a one-shot command only: a
        program with threads, such as the TUI, must not fork); the checks across files and
        the result are the same. REGISTERS_FROM: folders whose systems registers (kind:
        systems) a scenario may name though they are not checked themselves (the folder of a
        scenario given as a file, the content folders)."""
        # Loading makes many small objects and no cycles worth collecting: pausing the cyclic
        # garbage collector meanwhile saves it walking every file's objects again and again.
        enabled = gc.isenabled()
        gc.disable()
        paths, registers_from = list(paths), list(registers_from)
        try:
            if content_cache.wanted():  # the TUI: the validated copy kept while no source changed
                library = content_cache.through_cache(lambda: cache_request(paths, cwd, registers_from),
                                                      lambda: cls._load(paths, cwd, workers, registers_from), cls,
                                                      outline=ContentLibrary.outline)
            else:
                library = cls._load(paths, cwd, workers, registers_from)
            # A pinned copy of one of these (a drill's scenario) is not read again, nor a built-in scale.
            remember_valid([*library.files, *library.registers.values(), *library.builtin_files])
            return library
        finally:
            if lasting:
                gc.freeze()
            if enabled:
                gc.enable()

    @classmethod
    def _load(cls, paths: Iterable[Path], cwd: Path | None = None, workers: int = 1,
              registers_from: Iterable[Path] = ()) -> "ContentLibrary":
        cwd = cwd or Path.cwd()
        library = cls()
        loader = FileLoader()
        for scale_file in content_files([builtin_scales_dir()]):
            loaded = loader.load(scale_file, f"<built-in>/{scale_file.name}")
            loaded.forget_tree()
            library.builtin_files.append(loaded)
            if isinstance(loaded.document, Scale) and loaded.ok:
                library.scales[loaded.document.id] = loaded.document
            library.problems += loaded.problems
        builtin_ids = set(library.scales)
        shipped = [str(safe_resolve(d)) + os.sep for d in bundled_dirs()]
        owners: dict[tuple[str, str], LoadedFile] = {}
        to_read: list[tuple[Path, str]] = []
        library.cwd = cwd
        for path in content_files(paths):
            if os.path.islink(path) and not path.exists():  # a link to nothing, or back to itself
                library.problems.append(Problem(display_path(path, cwd), None, None, "broken_link"))
            elif not path.exists():
                library.problems.append(Problem(display_path(path, cwd), None, None, "no_such_file"))
            else:
                to_read.append((path, display_path(path, cwd)))
        for loaded in read_in_workers(_read_chunk, to_read, workers, _PARALLEL_FROM):
            library.files.append(loaded)
            library.problems += loaded.problems
            library.warnings += loaded.warnings
            document = loaded.document
            if document is None or not loaded.ok:
                continue
            key = (document.kind, document.id)
            first = owners.get(key)
            if first is not None and any(str(first.path).startswith(d) for d in shipped) \
                    and not any(str(loaded.path).startswith(d) for d in shipped):
                # A local file with a shipped document's id is used instead of it.
                library.overridden[key] = first.display
                library._drop(first)
                first = None
                del owners[key]
            if key in owners or (document.kind == "scale" and document.id in builtin_ids):
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
        library._add_registers_from(registers_from, loader, cwd)
        library._attach_registers()
        library._check_evidence_links()
        library.problems.sort(key=Problem.sort_key)
        return library

    def _drop(self, loaded: LoadedFile) -> None:
        """Forget a document that another is used instead of."""
        for table in (self.scenarios, self.checklists, self.registers):
            for key in [k for k, v in table.items() if v is loaded]:
                del table[key]
        if isinstance(loaded.document, Scale):
            self.scales.pop(loaded.document.id, None)

    def _add_registers_from(self, folders: Iterable[Path], loader: FileLoader, cwd: Path) -> None:
        """The systems registers in FOLDERS that are not loaded already (their other files and
        their problems are not this library's: they were not asked to be checked)."""
        wanted = {document.systems_register for document in (s.document for s in self.scenarios.values())
                  if isinstance(document, Scenario) and document.systems_register is not None} - set(self.registers)
        if not wanted:
            return
        known = {str(f.path) for f in self.files}
        for path in content_files([f for f in folders if f.is_dir()]):
            if str(path) in known:
                continue
            loaded = loader.load(path, display_path(path, cwd))
            document = loaded.document
            if isinstance(document, SystemsRegister) and loaded.ok and document.id in wanted:
                self.registers[document.id] = loaded
                wanted.discard(document.id)
                if not wanted:
                    return

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
            loaded.as_read = scenario
            loaded.document = with_register(scenario, register)
            loaded.systems_source = source

    def _check_evidence_links(self) -> None:
        """A checklist's evidence lines against the scenarios loaded: what they name and the library
        lacks is a warning at its line (the checklist stays usable)."""
        scenarios = {key: loaded.document for key, loaded in self.scenarios.items()
                     if isinstance(loaded.document, Scenario)}
        for loaded in self.checklists.values():
            assert isinstance(loaded.document, Checklist)
            for finding in check_evidence_links(loaded.document, scenarios):
                line, column = locate_line(loaded, finding.loc)
                self.warnings.append(Problem(loaded.display, line, column, finding.code, finding.params,
                                             finding.hint, finding.hint_params))

    def _check_scale_references(self) -> None:
        for checklist_id, loaded in list(self.checklists.items()):
            checklist = loaded.document
            assert isinstance(checklist, Checklist)
            if isinstance(checklist.scale, Scale) or checklist.scale in self.scales:
                scale = self.scale_of(checklist)
                unknown = [d for d in checklist.final_year_only if scale.dimension(d) is None]
                if unknown:  # a dimension the scale does not have would silently never be asked
                    line, column = locate_line(loaded, ("final_year_only",))
                    self.problems.append(Problem(
                        loaded.display, line, column, "unknown_reference", {"kind": "dimension", "value": unknown[0]},
                        "known_ids", {"ids": ", ".join(d.id for d in scale.dimensions)}))
                    del self.checklists[checklist_id]
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

    def outline(self) -> ContentOutline:
        """Every scenario and checklist as a set-up screen shows it (content/outline.py)."""
        return content_outline(self.scenarios, self.checklists)

    def scale_of(self, checklist: Checklist) -> Scale:
        return checklist.scale if isinstance(checklist.scale, Scale) else self.scales[checklist.scale]

    def source(self, document_id: str) -> LoadedFile | None:
        return self.scenarios.get(document_id) or self.checklists.get(document_id)

    def not_found(self, kind: str, reference: str, t: Callable[..., str]) -> str:
        """Why there is no KIND ("scenario" or "checklist") REFERENCE: the problems of the file it
        names, each with its line, or the ids there are."""
        problems = self.problems_in(reference)
        shown = reference
        if not problems:  # an id: is it the id of a file that has problems?
            shown, problems = self._problems_of_id(reference)
        if problems:
            return "\n".join([t("cli.content_file_invalid", file=shown, count=len(problems)),
                              *(p.render(t) for p in problems)])
        table = self.scenarios if kind == "scenario" else self.checklists
        return t(f"cli.unknown_{kind}", value=reference, known=", ".join(sorted(table)))

    def _problems_of_id(self, content_id: str) -> tuple[str, list[Problem]]:
        """The file with problems whose `id:` line is CONTENT_ID, and its problems ("", [] when
        none is): an id asked for whose file cannot be used is named as that, not as unknown."""
        by_file: dict[str, list[Problem]] = {}
        for problem in self.problems:
            by_file.setdefault(str(problem.path), []).append(problem)
        declares = re.compile(rf"^id:\s*[\"']?{re.escape(content_id)}[\"']?\s*(#.*)?$", re.MULTILINE)
        for shown, problems in by_file.items():
            try:
                text = (self.cwd / shown).read_text(encoding="utf-8-sig", errors="replace")
            except OSError:
                continue
            if declares.search(text):
                return shown, problems
        return "", []

    def problems_in(self, reference: str) -> list[Problem]:
        """The problems found in the file REFERENCE names (none when it names no file): why a
        scenario or checklist given as a file is not there."""
        wanted = named_file(reference)
        if wanted is None:
            return []
        target = os.path.abspath(safe_resolve(wanted))
        return [p for p in self.problems if os.path.abspath(safe_resolve(self.cwd / str(p.path))) == target]

    @staticmethod
    def _find(table: dict[str, LoadedFile], id_or_path: str) -> LoadedFile | None:
        if id_or_path in table:
            return table[id_or_path]
        wanted = Path(id_or_path).expanduser()
        if wanted.exists():
            for loaded in table.values():
                if safe_resolve(loaded.path) == safe_resolve(wanted):
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

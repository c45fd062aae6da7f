"""What each CLI command does; cli.py only parses arguments and dispatches here."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TextIO

from bcp_drill.i18n import Translator

if TYPE_CHECKING:
    from bcp_drill.content.library import ContentLibrary
    from bcp_drill.content.outline import ContentOutline
    from bcp_drill.settings import Settings, Source


@dataclass
class CommandContext:
    """What every command gets: settings, their sources, the translator and the streams."""

    settings: Settings
    sources: dict[str, Source]
    cwd: Path
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)

    @property
    def t(self) -> Translator:
        return Translator(self.settings.lang)

    def content_dirs(self) -> list[Path]:
        """Default content folders, then the folders added by settings or --content."""
        from bcp_drill.content.files import default_content_dirs

        dirs = default_content_dirs(self.cwd)
        for extra in self.settings.content:
            path = extra if extra.is_absolute() else self.cwd / extra
            if path not in dirs:
                dirs.append(path)
        return dirs

    def library(self, extra: list[Path] | None = None) -> ContentLibrary:
        from bcp_drill.content.library import ContentLibrary

        extra = list(extra or [])
        return ContentLibrary.load(self.content_dirs() + extra, cwd=self.cwd, lasting=self.whole_process,
                                   registers_from=[path.parent for path in extra])

    def library_for(self, *references: str | None) -> ContentLibrary:
        """The content, with the files REFERENCES name read too (a scenario given as a file)."""
        return self.library(self._named_files(references))

    def kept_outline(self, *references: str | None) -> ContentOutline | None:
        """The outline of what `library_for(*REFERENCES)` gives, from its kept copy (content/cache.py)
        without reading the content or loading its models; None when there is no usable copy."""
        from bcp_drill.content import cache
        from bcp_drill.content.files import cache_request
        from bcp_drill.content.outline import ContentOutline

        extra = self._named_files(references)
        return cache.kept_outline(lambda: cache_request(self.content_dirs() + extra, self.cwd,
                                                        [path.parent for path in extra]), ContentOutline)

    @staticmethod
    def _named_files(references: tuple[str | None, ...]) -> list[Path]:
        from bcp_drill.content.files import named_file

        return [path for ref in references if ref and (path := named_file(ref)) is not None]

    def blank_zeros(self, asked: str | None = None) -> bool:
        """Whether a count of none is printed blank: as ASKED (--zeros), else the setting `zeros`."""
        return (asked or self.settings.zeros) == "blank"

    def print(self, text: str = "") -> None:
        print(text, file=self.out)

    def fail(self, text: str) -> int:
        print(f"bcp-drill: {self.t('cli.error_prefix')}: {text}", file=self.err)
        return 1

    force: bool = False  # --force: an output file may replace an existing one
    # The process ends with this command (bcp-drill run from a shell, not main() in a test or
    # a host program): what is loaded once may be kept out of the garbage collector's walks.
    whole_process: bool = False

    def write_file(self, path: Path, data: bytes | Callable[[Callable[[bytes], object]], None]) -> int:
        """Write an output the user named (DATA, or what DATA writes when called with a write
        function); an existing file is replaced only with --force or a yes on a terminal; a
        record's journal never. Returns the exit code."""
        from bcp_drill.outputs import OutputRefused, write_output_file

        records = self.settings.records
        try:
            write_output_file(path, data, records, self.force)
        except OutputRefused as refused:
            if refused.code != "exists" or not sys.stdin.isatty():
                return self.fail(refused.render(self.t))
            answer = input(self.t("output.overwrite_question", path=str(path)) + " ")
            if answer.strip().lower() not in ("y", "yes", "はい"):
                return self.fail(refused.render(self.t))
            try:
                write_output_file(path, data, records, force=True)
            except OutputRefused as again:
                return self.fail(again.render(self.t))
        self.print(self.t("cli.written", path=str(path)))
        return 0

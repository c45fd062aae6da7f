"""What each CLI command does; cli.py only parses arguments and dispatches here."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bcp_drill.content.library import ContentLibrary, default_content_dirs
from bcp_drill.i18n import Translator
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
        dirs = default_content_dirs(self.cwd)
        for extra in self.settings.content:
            path = extra if extra.is_absolute() else self.cwd / extra
            if path not in dirs:
                dirs.append(path)
        return dirs

    def library(self, extra: list[Path] | None = None) -> ContentLibrary:
        return ContentLibrary.load(self.content_dirs() + list(extra or []), cwd=self.cwd)

    def print(self, text: str = "") -> None:
        print(text, file=self.out)

    def fail(self, text: str) -> int:
        print(f"bcp-drill: {self.t('cli.error_prefix')}: {text}", file=self.err)
        return 1

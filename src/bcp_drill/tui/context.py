"""What every screen needs: settings, content, the record store and the translator."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bcp_drill.content.library import ContentLibrary
from bcp_drill.i18n import Translator
from bcp_drill.records.store import RecordStore
from bcp_drill.settings import Settings


@dataclass
class TuiContext:
    settings: Settings
    library: ContentLibrary
    store: RecordStore
    config_path: Path | None = None  # where a changed setting (the theme) is saved

    @property
    def t(self) -> Translator:
        return Translator(self.settings.lang)

    @property
    def lang(self):
        return self.settings.lang

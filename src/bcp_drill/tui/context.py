"""What every screen needs: settings, content, the record store and the translator."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode

from bcp_drill.content.library import ContentLibrary
from bcp_drill.i18n import Lang, Translator
from bcp_drill.records.store import RecordStore
from bcp_drill.settings import Settings

if TYPE_CHECKING:
    from bcp_drill.tui.app import BcpDrillApp


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
    def lang(self) -> Lang:
        return self.settings.lang


def app_context(node: DOMNode) -> TuiContext:
    """The context of the running bcp-drill app, typed (Textual types `node.app` as a plain App)."""
    return the_app(node).ctx


def the_app(node: DOMNode) -> "BcpDrillApp":
    """The running app as the BcpDrillApp it is (for its own methods such as open_record)."""
    return cast("BcpDrillApp", node.app)

"""What every screen needs: settings, content, the record store and the translator."""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable, cast

from textual.dom import DOMNode

from bcp_drill.i18n import Lang, Translator

if TYPE_CHECKING:
    from bcp_drill.content.library import ContentLibrary
    from bcp_drill.content.outline import ContentOutline
    from bcp_drill.records.store import RecordStore
    from bcp_drill.settings import Settings
    from bcp_drill.tui.app import BcpDrillApp


class TuiContext:
    """Settings, content, the record store and the translator, for every screen.

    LIBRARY and STORE may be the thing itself or a function that makes it: the first screen
    is drawn before any content is read or the records module is loaded; each is made the
    first time a screen asks for it.
    """

    def __init__(self, settings: Settings, library: ContentLibrary | Callable[[], ContentLibrary],
                 store: RecordStore | Callable[[], RecordStore], config_path: Path | None = None,
                 kept_outline: Callable[[], ContentOutline | None] | None = None) -> None:
        self.settings = settings
        self._library = library
        self._store = store
        self.config_path = config_path  # where a changed setting (the theme) is saved
        # The outline of the library kept in the user's cache folder (content/cache.py), read
        # without reading the content: what a set-up screen asked for is drawn from it first.
        self._kept_outline = kept_outline
        self._reading = threading.Lock()

    @property
    def store(self) -> RecordStore:
        if callable(self._store):
            self._store = self._store()
        return self._store

    def now(self) -> datetime:
        """The records' clock: the store's once it is made (a test gives its own), before that
        the system's, which is the one the store takes; a set-up screen is drawn without
        loading the records' machinery."""
        if callable(self._store):
            return datetime.now(timezone.utc)
        return self._store.clock()

    @property
    def library_loaded(self) -> bool:
        return not callable(self._library)

    @property
    def library(self) -> ContentLibrary:
        if callable(self._library):
            with self._reading:  # read once, whichever thread asks first (the app reads it in one)
                if callable(self._library):
                    from bcp_drill.content import cache

                    with cache.used():  # the validated copy kept in the user's cache folder, while no file changed
                        self._library = self._library()
        return self._library

    def kept_outline(self) -> ContentOutline | None:
        """The content's outline from the kept copy, without reading the content (before it is
        read); None when there is no usable copy, or once the content is read."""
        if self.library_loaded or self._kept_outline is None:
            return None
        from bcp_drill.content import cache

        with cache.used():
            return self._kept_outline()

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

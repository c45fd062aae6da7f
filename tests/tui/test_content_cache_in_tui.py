"""The TUI reads its content through the derived copy in the user's cache folder
(content/cache.py); nothing else does unless it asks."""

from bcp_drill.content import cache
from bcp_drill.content.library import ContentLibrary
from bcp_drill.settings import Settings
from bcp_drill.tui.context import TuiContext
from support.drills import DATA


def test_the_tuis_content_is_read_through_the_kept_copy(tmp_path, monkeypatch):
    folder = tmp_path / "user-cache"
    monkeypatch.setattr(cache, "cache_dir", lambda: folder)
    monkeypatch.setattr(cache, "_SETTLED_NS", 0)
    asked = []

    def load() -> ContentLibrary:
        asked.append(cache.wanted())
        return ContentLibrary.load([DATA / "content"], cwd=DATA)

    context = TuiContext(Settings(records=tmp_path / "records"), load, lambda: None)  # type: ignore[arg-type]
    assert context.library.scenario("mini") is not None
    assert context.library is context.library  # read once
    assert asked == [True]
    assert not cache.wanted()  # only while the TUI's content is read
    assert list(folder.glob("*.pickle"))
    again = TuiContext(Settings(records=tmp_path / "records"), load, lambda: None)  # type: ignore[arg-type]
    assert again.library.scenario("mini") is not None

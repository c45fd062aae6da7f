import shutil
from pathlib import Path
from typing import Iterator

import pytest

from support import windows as windows_switch

if windows_switch.active():
    windows_switch.install()

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent


@pytest.fixture(scope="session", autouse=True)
def private_content_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The TUI's derived content copies go to a folder of the test run, not the user's cache."""
    from bcp_drill.content import cache

    folder = tmp_path_factory.mktemp("content-cache")
    original = cache.cache_dir
    cache.cache_dir = lambda: folder
    yield
    cache.cache_dir = original


@pytest.fixture(autouse=True)
def wall_clock_in_utc() -> Iterator[None]:
    """Every test reads times on UTC, whatever the machine's zone (the tool's own is Japan's:
    tests/test_wallclock.py); a test that changes it gets UTC back after it."""
    from datetime import timezone

    from bcp_drill import wallclock

    wallclock.use_zone(timezone.utc)
    yield
    wallclock.use_zone(timezone.utc)


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the small fixture content."""
    target = tmp_path / "content"
    shutil.copytree(DATA / "content", target)
    return target

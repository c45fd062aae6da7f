import shutil
from pathlib import Path

import pytest

from support import windows as windows_switch

if windows_switch.active():
    windows_switch.install()

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the small fixture content."""
    target = tmp_path / "content"
    shutil.copytree(DATA / "content", target)
    return target

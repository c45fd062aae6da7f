"""The derived copy of the validated content library (content/cache.py): used while nothing it
was made from changed, never otherwise, and any trouble with it means reading the YAML."""

import os
import shutil
from pathlib import Path

import pytest

from bcp_drill.content import cache
from bcp_drill.content.files import cache_request
from bcp_drill.content.library import ContentLibrary

from .helpers import EN

BROKEN = """\
kind: scenario
id: broken
version: "1"
title: Broken
summary: A scenario with a mistake
steps:
  - id: s1
    title: First
    actor: [lead
"""


@pytest.fixture
def cache_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "user-cache" / "content"
    monkeypatch.setattr(cache, "cache_dir", lambda: folder)
    monkeypatch.setattr(cache, "_SETTLED_NS", 0)  # the files written by the test count as settled at once
    return folder


def load(content: Path, cwd: Path) -> ContentLibrary:
    with cache.used():
        return ContentLibrary.load([content], cwd=cwd)


def from_yaml_only(monkeypatch) -> None:
    """Make reading the YAML fail, so that a library can only come from the kept copy."""
    def refuse(*args, **kwargs):
        raise AssertionError("the YAML was read")

    monkeypatch.setattr(ContentLibrary, "_load", classmethod(refuse))


def summary(library: ContentLibrary) -> dict:
    """Everything a caller sees of a library, comparable."""
    return {
        "scenarios": {key: (f.display, f.sha256, f.raw, f.document) for key, f in library.scenarios.items()},
        "checklists": {key: (f.display, f.sha256, f.document) for key, f in library.checklists.items()},
        "scales": dict(library.scales),
        "files": [(f.display, f.sha256) for f in library.files],
        "problems": [p.render(EN) for p in library.problems],
        "warnings": [p.render(EN) for p in library.warnings],
        "overridden": dict(library.overridden),
        "cwd": library.cwd,
    }


def test_an_unchanged_library_comes_from_the_copy(content_copy, tmp_path, cache_folder, monkeypatch):
    uncached = ContentLibrary.load([content_copy], cwd=tmp_path)
    first = load(content_copy, tmp_path)
    assert len(list(cache_folder.glob("*.pickle"))) == 1
    from_yaml_only(monkeypatch)
    again = load(content_copy, tmp_path)
    assert summary(again) == summary(first) == summary(uncached)
    assert again.scenario("mini") is not None


def test_without_the_cache_asked_for_nothing_is_kept(content_copy, tmp_path, cache_folder):
    ContentLibrary.load([content_copy], cwd=tmp_path)
    assert not cache_folder.exists()


def test_a_changed_file_is_read_again(content_copy, tmp_path, cache_folder):
    load(content_copy, tmp_path)
    path = content_copy / "mini-checklist.yaml"
    text = path.read_text(encoding="utf-8")
    assert "scale: plan-measure" in text
    before = path.stat().st_mtime_ns
    path.write_text(text.replace("scale: plan-measure", "scale: plan-measurX"), encoding="utf-8")  # same size
    os.utime(path, ns=(before + 10**9, before + 10**9))  # (a later modification time whatever the clock's tick)
    changed = load(content_copy, tmp_path)
    assert [p.render(EN) for p in changed.problems] == [
        "content/mini-checklist.yaml:5:8: scale 'plan-measurX' is not defined (did you mean 'plan-measure'?)"]
    assert summary(changed) == summary(ContentLibrary.load([content_copy], cwd=tmp_path))


def test_an_added_and_a_removed_file_are_seen(content_copy, tmp_path, cache_folder):
    before = load(content_copy, tmp_path)
    shutil.copy(content_copy / "mini-scenario.yaml", content_copy / "zz-copy.yaml")
    added = load(content_copy, tmp_path)
    assert len(added.files) == len(before.files) + 1
    assert [p.code for p in added.problems] == ["duplicate_document"]
    (content_copy / "zz-copy.yaml").unlink()
    (content_copy / "mini-checklist.yaml").unlink()
    removed = load(content_copy, tmp_path)
    assert removed.problems == [] and "mini-review" not in removed.checklists
    assert summary(removed) == summary(ContentLibrary.load([content_copy], cwd=tmp_path))


def test_another_working_folder_is_another_library(content_copy, tmp_path, cache_folder):
    load(content_copy, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    other = load(content_copy, elsewhere)
    assert other.cwd == elsewhere
    assert summary(other) == summary(ContentLibrary.load([content_copy], cwd=elsewhere))


def test_errors_are_reported_with_file_and_line_as_without_the_copy(content_copy, tmp_path, cache_folder, monkeypatch):
    (content_copy / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    plain = ContentLibrary.load([content_copy], cwd=tmp_path)
    assert [p.path for p in plain.problems] == ["content/broken.yaml"] and plain.problems[0].line is not None
    first = load(content_copy, tmp_path)
    from_yaml_only(monkeypatch)
    kept = load(content_copy, tmp_path)
    expected = [p.render(EN) for p in plain.problems]
    assert [p.render(EN) for p in first.problems] == expected
    assert [p.render(EN) for p in kept.problems] == expected
    assert [(p.path, p.line, p.column, p.code) for p in kept.problems] == \
        [(p.path, p.line, p.column, p.code) for p in plain.problems]


@pytest.mark.parametrize("damage", ["truncated", "flipped", "garbage", "empty", "other key"])
def test_a_damaged_copy_is_ignored(content_copy, tmp_path, cache_folder, damage):
    expected = summary(load(content_copy, tmp_path))
    [kept] = cache_folder.glob("*.pickle")
    data = kept.read_bytes()
    header = len(cache.CACHE_FORMAT)
    damaged = {"truncated": data[: len(data) // 2],
               "flipped": data[:-100] + bytes([data[-100] ^ 0x01]) + data[-99:],
               "garbage": b"\x80\x05not a pickle at all",
               "empty": b"",
               "other key": data[:header] + bytes(32) + data[header + 32:]}[damage]
    kept.write_bytes(damaged)
    assert summary(load(content_copy, tmp_path)) == expected
    name, key, _ = cache.library_key(*cache_request([content_copy], tmp_path, []))
    assert kept.name == f"{name.decode()}.pickle"
    assert cache.read_copy(cache_folder, name, key, ContentLibrary) is not None  # kept again, whole


def test_a_payload_that_is_not_a_library_is_ignored(content_copy, tmp_path, cache_folder, monkeypatch):
    load(content_copy, tmp_path)
    [kept] = cache_folder.glob("*.pickle")
    name, key, _ = cache.library_key(*cache_request([content_copy], tmp_path, []))
    cache.keep_copy(cache_folder, name, key, ["not", "a", "library"])  # type: ignore[arg-type]
    assert cache.read_copy(cache_folder, name, key, ContentLibrary) is None
    assert load(content_copy, tmp_path).scenario("mini") is not None


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_copy_others_can_write_is_not_read(content_copy, tmp_path, cache_folder):
    load(content_copy, tmp_path)
    [kept] = cache_folder.glob("*.pickle")
    name, key, _ = cache.library_key(*cache_request([content_copy], tmp_path, []))
    assert cache.read_copy(cache_folder, name, key, ContentLibrary) is not None
    kept.chmod(0o666)
    assert cache.read_copy(cache_folder, name, key, ContentLibrary) is None
    kept.chmod(0o600)
    cache_folder.chmod(0o777)
    assert cache.read_copy(cache_folder, name, key, ContentLibrary) is None


def test_a_file_just_written_is_not_kept(content_copy, tmp_path, cache_folder, monkeypatch):
    monkeypatch.setattr(cache, "_SETTLED_NS", 3600 * 10**9)  # written within the hour: may change again unseen
    assert load(content_copy, tmp_path).scenario("mini") is not None
    assert not cache_folder.exists() or not list(cache_folder.glob("*.pickle"))


def test_no_cache_folder_means_no_copy(content_copy, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(cache, "cache_dir", lambda: blocker / "content")
    monkeypatch.setattr(cache, "_SETTLED_NS", 0)
    assert load(content_copy, tmp_path).scenario("mini") is not None
    assert load(content_copy, tmp_path).scenario("mini") is not None

    def no_home():
        raise RuntimeError("no home directory")

    monkeypatch.setattr(cache, "cache_dir", no_home)
    assert load(content_copy, tmp_path).scenario("mini") is not None


def test_only_the_newest_copies_are_kept(content_copy, tmp_path, cache_folder, monkeypatch):
    monkeypatch.setattr(cache, "_KEEP", 2)
    for number in range(4):
        folder = tmp_path / f"cwd-{number}"
        folder.mkdir()
        load(content_copy, folder)
    assert len(list(cache_folder.glob("*.pickle"))) == 2


def test_the_cache_is_used_only_inside_used():
    assert not cache.wanted()
    with cache.used():
        assert cache.wanted()
        with cache.used():
            assert cache.wanted()
        assert cache.wanted()
    assert not cache.wanted()


def test_a_pinned_copy_of_a_loaded_file_is_not_read_again(tmp_path, monkeypatch):
    from bcp_drill.content import loader
    from bcp_drill.content.files import bundled_dirs

    monkeypatch.setattr(loader, "_VALID", {})
    library = ContentLibrary.load(bundled_dirs(), cwd=tmp_path)
    source = library.scenarios["earthquake-offhours"]
    assert source.systems_source is not None  # the library's document has the register's systems put in
    text = source.raw.decode("utf-8-sig")
    document, problems = loader.load_pinned.__wrapped__(text, "pinned.yaml")
    assert problems == () and document is source.as_read
    assert document == loader.FileLoader().load_bytes(source.raw, "x.yaml").document  # what reading it gives
    changed, _ = loader.load_pinned.__wrapped__(text.replace("title:", "title: ", 1), "pinned.yaml")
    assert changed is not None and changed is not document
    broken, codes = loader.load_pinned.__wrapped__(text + "\n  bad: [\n", "pinned.yaml")
    assert broken is None and codes


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
def test_a_copy_reached_through_a_link_is_not_read(content_copy, tmp_path, cache_folder):
    load(content_copy, tmp_path)
    [kept] = cache_folder.glob("*.pickle")
    name, key, _ = cache.library_key(*cache_request([content_copy], tmp_path, []))
    moved = tmp_path / "elsewhere.pickle"
    kept.rename(moved)
    kept.symlink_to(moved)
    assert cache.read_copy(cache_folder, name, key, ContentLibrary) is None


def test_a_built_in_scale_read_with_the_library_is_not_read_again(tmp_path, monkeypatch):
    from bcp_drill.content import loader
    from bcp_drill.content.files import bundled_dirs
    from bcp_drill.content.library import builtin_scale

    monkeypatch.setattr(loader, "_VALID", {})
    library = ContentLibrary.load(bundled_dirs(), cwd=tmp_path)
    assert builtin_scale.__wrapped__("plan-measure") is library.scales["plan-measure"]
    monkeypatch.setattr(loader, "_VALID", {})
    assert builtin_scale.__wrapped__("plan-measure") == library.scales["plan-measure"]  # (read from its file)


def kept_outline(content: Path, cwd: Path):
    from bcp_drill.content.outline import ContentOutline

    return cache.kept_outline(lambda: cache_request([content], cwd, []), ContentOutline)


def test_the_outline_is_kept_with_the_library_and_read_without_it(content_copy, tmp_path, cache_folder, monkeypatch):
    assert kept_outline(content_copy, tmp_path) is None  # no copy yet
    library = load(content_copy, tmp_path)
    from_yaml_only(monkeypatch)
    outline = kept_outline(content_copy, tmp_path)
    assert outline == library.outline()
    mini = outline.scenarios["mini"]
    scenario = library.scenario("mini")
    assert (mini.title.get("ja"), mini.title.get("en")) == (scenario.title.get("ja"), scenario.title.get("en"))
    assert [c.id for c in mini.conditions] == [c.id for c in scenario.conditions]
    assert set(outline.checklists) == set(library.checklists) and "mini-review" in outline.checklists


def test_no_outline_once_a_file_changed_or_the_copy_is_damaged(content_copy, tmp_path, cache_folder):
    load(content_copy, tmp_path)
    [kept] = cache_folder.glob("*.pickle")
    data = kept.read_bytes()
    kept.write_bytes(data[:-100] + bytes([data[-100] ^ 0x01]) + data[-99:])  # in the library's part
    assert kept_outline(content_copy, tmp_path) is None  # the digest covers both
    load(content_copy, tmp_path)
    assert kept_outline(content_copy, tmp_path) is not None
    path = content_copy / "mini-scenario.yaml"
    before = path.stat().st_mtime_ns
    os.utime(path, ns=(before + 10**9, before + 10**9))
    assert kept_outline(content_copy, tmp_path) is None


def test_a_setup_screen_is_drawn_from_the_outline_without_pydantic(content_copy, tmp_path, cache_folder):
    # What `run SCENARIO` does before its first frame: the outline read, the set-up questions
    # made, the set-up screens imported; none of it loads pydantic or the content models.
    import subprocess
    import sys

    load(content_copy, tmp_path)
    code = f"""
import sys
from pathlib import Path
from bcp_drill.content import cache
from bcp_drill.content.files import cache_request
from bcp_drill.content.outline import ContentOutline
from bcp_drill.drill.setup import setup_questions
import bcp_drill.tui.app, bcp_drill.tui.screens.drill_setup, bcp_drill.tui.screens.review_setup
cache.cache_dir = lambda: Path({str(cache_folder)!r})
outline = cache.kept_outline(lambda: cache_request([Path({str(content_copy)!r})], Path({str(tmp_path)!r}), []),
                             ContentOutline)
questions = setup_questions(outline.scenarios["mini"], "recorder")
print(sorted(outline.scenarios), len(questions), sorted(m for m in sys.modules if m.startswith("pydantic")))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("]", 1)[0] == "['mini'"
    assert done.stdout.strip().endswith("[]"), done.stdout  # no pydantic module at all

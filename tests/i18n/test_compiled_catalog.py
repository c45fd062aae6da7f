"""The compiled catalog in __pycache__ is only derived: used while it matches its TOML file,
and never the reason a message is missing or stale."""

import json
import os
import shutil
from pathlib import Path

import bcp_drill.i18n
from bcp_drill.i18n import _read_catalog, catalog


def copy_catalog(tmp_path):
    source = tmp_path / "ja.toml"
    shutil.copy(Path(bcp_drill.i18n.__file__).parent / "ja.toml", source)
    return source, tmp_path / "__pycache__" / "ja.catalog.json"


def test_the_compiled_copy_is_written_and_then_used(tmp_path):
    source, compiled = copy_catalog(tmp_path)
    first = _read_catalog(source)
    assert first["cli.error_prefix"] == catalog("ja")["cli.error_prefix"]
    kept = json.loads(compiled.read_text(encoding="utf-8"))
    assert kept["messages"] == first
    kept["messages"]["cli.error_prefix"] = "from the compiled copy"
    compiled.write_text(json.dumps(kept), encoding="utf-8")
    assert _read_catalog(source)["cli.error_prefix"] == "from the compiled copy"  # it was read, not the TOML


def test_a_changed_toml_or_a_damaged_copy_is_read_again(tmp_path):
    source, compiled = copy_catalog(tmp_path)
    _read_catalog(source)
    text = source.read_text(encoding="utf-8").replace('error_prefix = "', 'error_prefix = "変更後', 1)
    source.write_text(text, encoding="utf-8")
    assert _read_catalog(source)["cli.error_prefix"].startswith("変更後")  # stale copy not used
    compiled.write_bytes(b"{not json")
    assert _read_catalog(source)["cli.error_prefix"].startswith("変更後")  # damaged copy not used
    assert json.loads(compiled.read_text(encoding="utf-8"))["messages"]["cli.error_prefix"].startswith("変更後")


def test_a_read_only_folder_only_means_reading_the_toml(tmp_path):
    source, compiled = copy_catalog(tmp_path)
    os.chmod(tmp_path, 0o555)
    try:
        if os.access(tmp_path, os.W_OK):  # root ignores the mode: put a file where the folder would go
            os.chmod(tmp_path, 0o755)
            compiled.parent.write_text("not a folder")
        assert _read_catalog(source)["cli.error_prefix"] == catalog("ja")["cli.error_prefix"]
        assert not compiled.exists()
    finally:
        os.chmod(tmp_path, 0o755)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []

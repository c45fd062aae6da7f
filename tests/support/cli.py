"""Running the command line in a test as a user would, away from this machine's settings."""

import os


def isolate_cli(tmp_path, monkeypatch) -> None:
    """Work in TMP_PATH with no BCP_DRILL_* variables and settings folders of its own."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("BCP_DRILL_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))

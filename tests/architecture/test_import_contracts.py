"""The layers import one way (entry point, command line, front ends, formats, report data and
imports, review, drill, then content and records), and the core imports no screen library: the
contracts in `.importlinter`, checked by import-linter on every import statement, those inside
functions included."""

import contextlib
import io
from pathlib import Path

from importlinter.cli import lint_imports

REPO = Path(__file__).resolve().parents[2]


def lint(config: Path) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.chdir(REPO):
        code = lint_imports(config_filename=str(config), no_cache=True, no_logo=True)
    return code, out.getvalue()


def test_the_architecture_contracts_are_kept():
    code, report = lint(REPO / ".importlinter")
    assert code == 0, report
    assert "2 kept, 0 broken" in report


def test_a_contract_that_is_broken_is_reported(tmp_path):
    # The check would pass for the wrong reason if it saw no imports: turned upside down, the
    # layers must break (the drill imports its records, the front ends the drill).
    upside_down = tmp_path / "upside-down.ini"
    upside_down.write_text("""[importlinter]
root_package = bcp_drill

[importlinter:contract:upside-down]
name = upside down
type = layers
layers =
    bcp_drill.records
    bcp_drill.drill
    bcp_drill.tui
""", encoding="utf-8")
    code, report = lint(upside_down)
    assert code != 0 and "bcp_drill.drill is not allowed to import bcp_drill.records" in report

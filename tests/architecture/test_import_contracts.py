"""The layers import one way: content and records below, then drill and review, then report
data, then formats, and the TUI and plain mode on top. Checked on every import statement,
including those inside functions."""

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "src" / "bcp_drill"
CORE = ("content", "records", "drill", "review", "reports", "render", "imports")
FRONT_ENDS = ("bcp_drill.tui", "bcp_drill.plain", "textual")


def imports_of(package: str) -> list[tuple[str, int, str]]:
    found = []
    for path in (SOURCE / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [(path.name, node.lineno, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.append((path.name, node.lineno, node.module))
    return found


def breaking(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return [f"{package}/{name}:{line} imports {module}" for name, line, module in imports_of(package)
            if any(module == f or module.startswith(f + ".") for f in forbidden)]


@pytest.mark.parametrize("package", CORE)
def test_core_layers_never_import_a_front_end(package):
    assert breaking(package, FRONT_ENDS) == []


def test_report_data_does_not_import_output_formats():
    assert breaking("reports", ("bcp_drill.render",)) == []


@pytest.mark.parametrize("package", ("content", "records"))
def test_content_and_records_stand_alone(package):
    above = tuple(f"bcp_drill.{p}" for p in ("drill", "review", "reports", "render", "imports", "commands"))
    assert breaking(package, above) == []


def test_the_scan_sees_imports():
    # A contract that found nothing to check would pass for the wrong reason.
    assert any(module == "bcp_drill.records.events" for _, _, module in imports_of("drill"))
    assert breaking("tui", ("textual",)) != []

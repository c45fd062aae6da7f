"""The README's layout section names every folder and top-level module of the package, and
nothing that is no longer there: a newcomer finds each room where the README says it is."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "bcp_drill"


def _layout_names() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Layout", 1)[1].split("\n## ", 1)[0]
    block = section.split("```", 2)[1]
    return {match.group(1) for match in re.finditer(r"^  (\S+?)/?\s", block + "\n", re.M)}


def test_the_layout_names_every_folder_and_module_of_the_package():
    present = {p.name for p in PACKAGE.iterdir()
               if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py" and not p.name.startswith("__"))}
    named = _layout_names()
    assert present - named == set(), "in src/bcp_drill but not in the README's layout"
    assert named - present == set(), "in the README's layout but not in src/bcp_drill"

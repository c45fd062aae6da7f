from pathlib import Path
from textwrap import dedent

from bcp_drill.content.loader import FileLoader, LoadedFile
from bcp_drill.i18n import Translator

EN = Translator("en")


def load_yaml(tmp_path: Path, text: str, name: str = "doc.yaml", **loader_args) -> LoadedFile:
    path = tmp_path / name
    path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return FileLoader(**loader_args).load(path, name)


def rendered(loaded: LoadedFile) -> list[str]:
    return [p.render(EN) for p in loaded.problems]

"""Property-based fuzzing: whatever a file holds, loading it gives the project's own problems
with a place, never another exception, and never hangs."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bcp_drill.content.loader import FileLoader
from bcp_drill.content.problems import Problem
from bcp_drill.imports.models import IMPORT_KINDS
from support.drills import DATA

FUZZ = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
SCENARIO = (DATA / "content" / "mini-scenario.yaml").read_text(encoding="utf-8")
YAML_BITS = ["kind: scenario\n", "kind: drill-result\n", "kind: checklist\n", "steps:\n", "  - ", "{", "}",
             "[", "]", ": ", ", ", "&a ", "*a ", "!!python/object:os.system ", "'", '"', "\t", "\n", "- ",
             "id: s1", "at_minutes: -5", "target_minutes: 1e400", "1:30", "yes", "~", "<<: *a", "\\u0000",
             "\ufeff", "日本語", "#", "|\n  ", ">\n  ", "? ", "%YAML 1.1\n", "---\n", "...\n"]


def check(loaded) -> None:
    for problem in loaded.problems:
        assert isinstance(problem, Problem)
        assert problem.code and problem.path
    assert loaded.document is not None or loaded.problems  # either a document or why not


@FUZZ
@given(st.lists(st.sampled_from(YAML_BITS), max_size=40))
def test_yaml_made_of_awkward_pieces_never_escapes_the_loader(pieces):
    check(FileLoader().load_bytes("".join(pieces).encode("utf-8"), "fuzz.yaml"))


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_never_escape_the_loader(raw):
    check(FileLoader().load_bytes(raw, "fuzz.yaml"))


@FUZZ
@given(st.integers(0, len(SCENARIO) - 1), st.integers(1, 40), st.text(max_size=12))
def test_a_real_scenario_cut_and_spliced_never_escapes(start, length, insert):
    text = SCENARIO[:start] + insert + SCENARIO[start + length:]
    check(FileLoader().load_bytes(text.encode("utf-8"), "fuzz.yaml"))


@FUZZ
@given(st.lists(st.sampled_from(YAML_BITS), max_size=40))
def test_import_files_never_escape_the_loader(pieces):
    loader = FileLoader(kinds=IMPORT_KINDS)
    check(loader.load_bytes(("kind: drill-result\n" + "".join(pieces)).encode("utf-8"), "result.yaml"))


def _filled_result() -> str:
    from bcp_drill.i18n import Translator
    from bcp_drill.imports.drills import drill_template
    from support.drills import mini_library

    scenario = mini_library().scenario("mini")
    text = drill_template(scenario, Translator("ja"))
    text = text.replace('{id: s1, result: , actual: "", reason: "", checks: [], notes: ""}',
                        '{id: s1, result: S, actual: "0:07", reason: "", checks: [1], notes: "紙"}')
    return text.replace('end: ""', 'end: "0:30"')


FILLED = _filled_result()


@settings(max_examples=60, deadline=3000, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(FILLED) - 1), st.integers(0, 30), st.sampled_from(YAML_BITS + ["", "99", "-1", "P"]))
def test_a_spliced_paper_result_imports_whole_or_says_why(start, length, insert):
    import tempfile
    from pathlib import Path

    from bcp_drill.imports.drills import import_file
    from bcp_drill.records.journal import read_journal
    from bcp_drill.records.store import RecordStore
    from support.drills import FakeClock, mini_library

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "result.yaml"
        path.write_text(FILLED[:start] + insert + FILLED[start + length:], encoding="utf-8")
        store = RecordStore(Path(folder) / "records", "fuzz", FakeClock())
        result = import_file(store, mini_library(), path, "result.yaml")
        journals = list(store.root.glob("*.jsonl")) if store.root.exists() else []
        if result.problems:
            assert all(isinstance(p, Problem) for p in result.problems) and journals == []
        else:
            [journal] = journals
            assert read_journal(journal).events[-1].type == "drill_ended"  # whole, or nothing

"""Checklists, scales, and checks made across files."""

import os
import shutil

from bcp_drill.content.library import ContentLibrary
from bcp_drill.content.models import Checklist
from bcp_drill.content.scales import Scale

from .helpers import EN, load_yaml


def test_fixture_checklist_uses_builtin_scale(data_dir):
    library = ContentLibrary.load([data_dir / "content"], cwd=data_dir)
    assert library.problems == []
    checklist = library.checklist("mini-review")
    assert isinstance(checklist, Checklist)
    assert [i.id for i in checklist.all_items()] == ["a1", "a2", "b1"]
    assert checklist.pillar_of("b1").id == "pillar-2"
    scale = library.scale_of(checklist)
    assert [d.id for d in scale.dimensions] == ["status", "carryover"]
    assert len(scale.dimension("status").options) == 7
    assert [o.code for o in scale.dimension("carryover").options] == ["expand", "same-scale", "shrink", "abolish"]


def test_unknown_scale_reference_is_located_and_suggested(content_copy, tmp_path):
    path = content_copy / "mini-checklist.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("scale: plan-measure", "scale: plan-measures"),
                    encoding="utf-8")
    library = ContentLibrary.load([content_copy], cwd=tmp_path)
    [problem] = library.problems
    assert (problem.path, problem.line, problem.column) == ("content/mini-checklist.yaml", 5, 8)
    assert problem.render(EN) == ("content/mini-checklist.yaml:5:8: scale 'plan-measures' is not defined "
                                  "(did you mean 'plan-measure'?)")
    assert library.checklist("mini-review") is None


def test_duplicate_document_ids_across_files(content_copy, tmp_path):
    shutil.copy(content_copy / "mini-scenario.yaml", content_copy / "zz-copy.yaml")
    library = ContentLibrary.load([content_copy], cwd=tmp_path)
    [problem] = library.problems
    assert problem.code == "duplicate_document"
    assert (problem.path, problem.line, problem.column) == ("content/zz-copy.yaml", 2, 5)
    assert "also used by content/mini-scenario.yaml" in problem.render(EN)


def test_duplicate_item_and_section_ids_in_a_checklist(tmp_path):
    loaded = load_yaml(tmp_path, """
kind: checklist
id: c
version: "1"
title: t
scale: readiness
sections:
  - id: s1
    title: A
    items:
      - {id: x, requirement: r}
  - id: s1
    title: B
    items:
      - {id: x, requirement: r}
  - id: s3
    title: empty
""")
    found = sorted((p.code, p.line, p.params.get("first_line")) for p in loaded.problems)
    assert found == [("duplicate_id", 11, 7), ("duplicate_id", 14, 10), ("empty_section", 15, None)]


def test_inline_scale_is_validated(tmp_path):
    loaded = load_yaml(tmp_path, """
kind: checklist
id: c
version: "1"
title: t
scale:
  id: yes-no
  title: はい・いいえ
  dimensions:
    - id: answer
      label: 回答
      options:
        - {code: "yes", key: y, label: はい}
        - {code: "no", key: y, label: いいえ, group: nothing}
sections:
  - id: s
    title: S
    items: [{id: i, requirement: r}]
""")
    found = sorted((p.code, p.line, p.column) for p in loaded.problems)
    assert found == [("duplicate_key_binding", 13, 29), ("unknown_reference", 13, 51)]


def test_inline_scale_loads(tmp_path):
    loaded = load_yaml(tmp_path, """
kind: checklist
id: c
version: "1"
title: t
scale:
  id: yes-no
  title: はい・いいえ
  dimensions:
    - id: answer
      label: 回答
      options:
        - {code: "yes", key: y, label: はい}
        - {code: "no", key: n, label: いいえ}
sections:
  - {id: s, title: S, items: [{id: i, requirement: r}]}
""")
    assert loaded.problems == []
    assert isinstance(loaded.document.scale, Scale)
    assert loaded.document.scale_id == "yes-no"


def test_scale_file_can_be_shared_by_checklists(tmp_path):
    (tmp_path / "scale.yaml").write_text("""kind: scale
id: three-step
title: 三段階
dimensions:
  - id: level
    label: 水準
    options:
      - {code: good, key: g, label: 良}
      - {code: fair, key: f, label: 可}
      - {code: poor, key: p, label: 不可}
""", encoding="utf-8")
    (tmp_path / "list.yaml").write_text("""kind: checklist
id: uses-three
version: "1"
title: t
scale: three-step
sections: [{id: s, title: S, items: [{id: i, requirement: r}]}]
""", encoding="utf-8")
    library = ContentLibrary.load([tmp_path], cwd=tmp_path)
    assert library.problems == []
    assert library.scale_of(library.checklist("uses-three")).id == "three-step"


def test_a_file_named_on_the_command_line_that_does_not_exist(tmp_path):
    library = ContentLibrary.load([tmp_path / "missing.yaml"], cwd=tmp_path)
    assert [(p.code, p.path) for p in library.problems] == [("no_such_file", "missing.yaml")]


def test_yaml_booleans_where_text_is_expected_get_a_hint(tmp_path):
    loaded = load_yaml(tmp_path, """
kind: scale
id: yn
title: t
dimensions:
  - id: answer
    label: 回答
    options:
      - {code: yes, key: y, label: はい}
""")
    [problem] = loaded.problems
    assert (problem.code, problem.line, problem.column, problem.hint) == ("expected_text", 8, 16, "quote_yes_no")
    assert problem.render(EN).endswith("(yes, no, on, off, true and false are read as true/false: "
                                       "put the word in double quotes)")


def test_sections_are_found_at_any_depth(data_dir):
    checklist = ContentLibrary.load([data_dir / "content"], cwd=data_dir).checklist("mini-review")
    assert checklist.section("group-2a").title.get("ja") == "区分2a"
    assert checklist.section_of("b1").id == "group-2a"
    assert checklist.pillar_of("b1").id == "pillar-2"
    assert checklist.section("nope") is None and checklist.section_of("nope") is None


def test_files_read_in_worker_processes_give_the_same_library_and_problems(tmp_path, monkeypatch):
    """`validate` reads the files on every core: the documents, the problems (with their
    places) and the checks across files are the same as when one process reads them."""
    from bcp_drill.content import library as library_module
    from bcp_drill.i18n import Translator
    from conftest import REPO
    from support.drills import pid_writer, pids_in, watch_calls
    from support.windows import fork_as_on_linux

    folder = tmp_path / "content"
    shutil.copytree(REPO / "scenarios", folder / "scenarios")
    shutil.copytree(REPO / "checklists", folder / "checklists")
    (folder / "scenarios" / "broken.yaml").write_text("kind: scenario\nid: [oops\n", encoding="utf-8")
    quake = (folder / "scenarios" / "earthquake-offhours.yaml").read_text(encoding="utf-8")
    (folder / "scenarios" / "twin.yaml").write_text(quake, encoding="utf-8")  # the same id twice
    monkeypatch.setattr(library_module, "_PARALLEL_FROM", 2)
    fork_as_on_linux(monkeypatch)  # even under the Windows switch; the next test is the Windows case
    readers = tmp_path / "readers"  # each process that reads files writes its pid here
    watch_calls(monkeypatch, library_module.FileLoader, "load", pid_writer(readers))
    t = Translator("en")

    def loaded(workers):
        library = ContentLibrary.load([folder], cwd=tmp_path, workers=workers)
        return ([p.render(t) for p in library.problems], sorted(library.scenarios), sorted(library.checklists),
                {sid: f.document for sid, f in library.scenarios.items()},
                {sid: f.sha256 for sid, f in library.scenarios.items()})

    serial = loaded(1)
    readers.write_text("")
    parallel = loaded(2)
    pids = pids_in(readers)
    assert os.getpid() in pids  # the built-in scales, in this process
    assert pids - {os.getpid()}  # the content files, in worker processes (which takes which chunk is up to the pool)
    assert parallel == serial
    problems = serial[0]
    assert any(p.startswith("content/scenarios/broken.yaml:3:1: YAML syntax error") for p in problems)
    assert any("twin.yaml" in p and "also used by" in p for p in problems)
    assert serial[3]["earthquake-offhours"].systems  # the register was attached in both


def test_without_fork_validate_reads_every_file_here_with_the_same_result(tmp_path, monkeypatch):
    """Windows has no `fork`: asked for two workers, the library is read in this process alone."""
    import multiprocessing

    from bcp_drill.content import library as library_module
    from conftest import REPO
    from support.drills import pid_writer, pids_in, watch_calls

    folder = tmp_path / "content"
    shutil.copytree(REPO / "scenarios", folder / "scenarios")
    monkeypatch.setattr(library_module, "_PARALLEL_FROM", 2)
    readers = tmp_path / "readers"
    watch_calls(monkeypatch, library_module.FileLoader, "load", pid_writer(readers))
    serial = ContentLibrary.load([folder], cwd=tmp_path, workers=1)
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    readers.write_text("")
    alone = ContentLibrary.load([folder], cwd=tmp_path, workers=2)
    assert pids_in(readers) == {os.getpid()}
    assert sorted(alone.scenarios) == sorted(serial.scenarios) and len(alone.scenarios) >= 3
    assert {k: f.sha256 for k, f in alone.scenarios.items()} == {k: f.sha256 for k, f in serial.scenarios.items()}

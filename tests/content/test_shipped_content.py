"""The scenarios and checklists shipped with the tool are valid and complete."""

from bcp_drill.content.files import builtin_scales_dir, default_content_dirs
from bcp_drill.content.library import ContentLibrary
from conftest import REPO


def shipped() -> ContentLibrary:
    return ContentLibrary.load([REPO / "scenarios", REPO / "checklists"], cwd=REPO)


def test_all_shipped_content_is_valid():
    library = shipped()
    assert [p.render(lambda k, **_: k) for p in library.problems] == []
    assert set(library.scenarios) == {
        "earthquake-offhours", "earthquake-office-tsunami", "power-outage-cityhall", "flood-shelter-connectivity",
        "targeted-email-malware", "safety-callin-drill"}
    assert set(library.checklists) == {"plan-review-3rd", "ict-bcp-readiness", "measures-3rd-example"}
    assert set(library.scales) >= {"plan-measure", "readiness", "hseep"}


def test_earthquake_scenario_is_substantial():
    quake = shipped().scenario("earthquake-offhours")
    assert len(quake.steps) >= 12
    assert [p.at_minutes for p in quake.phases] == [0, 10, 60, 180, 720, 1440, 4320]
    assert len(quake.injects) >= 5
    # every objective is exercised by at least one step
    used = {o for step in quake.steps for o in step.objectives}
    assert used == {o.id for o in quake.objectives}


def test_every_scenario_has_english_titles_for_steps():
    for loaded in shipped().scenarios.values():
        for step in loaded.document.steps:
            assert step.title.en, f"{loaded.display}: step {step.id} has no English title"


def test_plan_review_has_every_item_of_the_seed_section_3():
    checklist = shipped().checklist("plan-review-3rd")
    assert [s.id for s in checklist.sections] == ["cross-cutting", "regional", "internal"]
    groups = {s.id: [i.id for i in s.all_items()] for top in checklist.sections for s in top.sections}
    assert groups == {
        "cc-a": ["cc-a.a"], "cc-i": ["cc-i.a"], "cc-u": ["cc-u.a"], "cc-e": ["cc-e.a", "cc-e.b"],
        "rg-a": ["rg-a-a.a", "rg-a-a.b", "rg-a-i.a", "rg-a-u.a", "rg-a-u.b"],
        "rg-i": ["rg-i-a.a", "rg-i-a.b", "rg-i-a.c", "rg-i-i.a"],
        "in-a": ["in-a.a", "in-a.b"], "in-i": ["in-i.a", "in-i.b", "in-i.c", "in-i.d"],
        "in-u": ["in-u.a"], "in-e": ["in-e.a"],
    }
    assert "ICT-BCP《初動版》" in checklist.item("rg-i-a.c").requirement.get("ja")
    assert checklist.scale_id == "plan-measure"


def test_readiness_checklist_covers_the_mic_elements():
    checklist = shipped().checklist("ict-bcp-readiness")
    ids = {i.id for i in checklist.all_items()}
    for expected in ("org.contacts", "org.call-in", "org.command", "site.alternate", "pwr.emergency-power",
                     "sys.backup", "sys.inventory", "ven.contracts", "proc.damage-check", "proc.drill-plan"):
        assert expected in ids
    assert checklist.scale_id == "readiness"


def test_builtin_scales_ship_inside_the_package():
    names = sorted(p.name for p in builtin_scales_dir().iterdir() if p.suffix == ".yaml")
    assert names == ["hseep.yaml", "plan-measure.yaml", "readiness.yaml"]


def test_content_dirs_are_the_bundle_then_the_working_folder(tmp_path):
    (tmp_path / "scenarios").mkdir()
    dirs = default_content_dirs(tmp_path)
    # The shipped folders first, then the local one, which adds to them (and overrides by id).
    assert [p.name for p in dirs] == ["scenarios", "checklists", "scenarios"]
    assert all(p.parent != tmp_path for p in dirs[:2]) and dirs[2] == tmp_path / "scenarios"
    elsewhere = tmp_path / "empty"
    elsewhere.mkdir()
    bundled = default_content_dirs(elsewhere)
    assert [p.name for p in bundled] == ["scenarios", "checklists"]
    assert all(p.is_dir() for p in bundled)


def test_the_earthquake_scenario_uses_the_plan_structures():
    library = shipped()
    quake = library.scenario("earthquake-offhours")
    assert {c.id: c.fixed for c in quake.conditions} == {"hours": "off_hours", "intensity": "six_upper"}
    # At 6-upper call-in is automatic (no target); the call-in order applies only at 5-lower and 5-upper.
    assert quake.step("s02").target_minutes is None and quake.step("s02").when == {
        "intensity": ["six_lower", "six_upper", "seven"]}
    assert not any("参集判断" in s.title.ja or "参集指示" in s.title.ja for s in quake.steps)  # automatic at 6-upper
    assert [o.id for o in quake.step("s12").options] == ["wait", "manual"]
    assert library.scenarios["earthquake-offhours"].systems_source.display.endswith("city-systems.yaml")
    assert {s.priority for s in quake.systems} == {"A", "B"}
    valued = [c.value.kind for s in quake.steps for c in s.checks if c.value]
    assert valued == ["percent", "number", "number"]


def seed_assessments() -> list[str]:
    """Every "⇒ …" assessment of the seed, whole: from the ⇒ to the next heading."""
    import re

    lines = (REPO.parent / "shared" / "seed" / "000_cde75fbaf059ac94.txt").read_text(encoding="utf-8").split("\n")
    heading = re.compile(r"^(\((ア|イ|ウ|エ|オ|\d)\)|[アイウエオ] |\d\. )")
    found, current = [], None
    for line in lines:
        if line.startswith("⇒"):
            current = [line[1:]]
            found.append(current)
        elif current is not None and heading.match(line):
            current = None
        elif current is not None:
            current.append(line)
    return ["".join("".join(block).split()).replace("OOOOOJAPAN", "00000JAPAN") for block in found]


def test_plan_review_keeps_every_assessment_of_the_seed_whole():
    """Each group's "⇒ …" assessment is the seed's whole text (none shortened), in order."""
    checklist = shipped().checklist("plan-review-3rd")

    def sections(items):
        for section in items:
            yield section
            yield from sections(section.sections)

    kept = ["".join(s.previous_assessment.ja.split()) for s in sections(checklist.sections) if s.previous_assessment]
    assert kept == seed_assessments()
    assert any("令和元年6月に「00000JAPAN」のサービス提供事業者となった" in text for text in kept)


def test_shipped_content_is_true_to_the_guidance_and_the_seed():
    import re

    library = shipped()
    scenarios = [loaded.document for loaded in library.scenarios.values()]
    for scenario in scenarios:
        assert scenario.sources and scenario.notes, f"{scenario.id}: sources and notes (its assumptions) are stated"
        for step in scenario.steps:
            words = " ".join(filter(None, [step.title.ja, step.instructions.ja if step.instructions else ""]))
            # The city is itself a 00000JAPAN provider: it opens its own access points.
            if "00000JAPAN" in words:
                assert not re.search(r"00000JAPAN[^。]*要請|要請[^。]*00000JAPAN", words), f"{scenario.id}/{step.id}"
                assert "市" in words and "開放" in words
    quake = library.scenario("earthquake-offhours")
    # Out of hours at 6-upper there is no call-in decision: call-in is automatic.
    from bcp_drill.content.models import applies_under

    fixed = {c.id: c.fixed for c in quake.conditions}
    assert applies_under(quake.step("s02").when, fixed) and quake.step("s02").target_minutes is None
    assert quake.step("s04").target_minutes >= 60  # staff arrive on foot about an hour after 05:30
    malware = library.scenario("targeted-email-malware")
    assert "α' モデル" in malware.assumptions[1].ja and "J-LIS" in malware.step("s05-lgwan").title.ja
    readiness = library.checklist("ict-bcp-readiness")
    ids = {i.id for i in readiness.all_items()}
    assert {"sys.rto", "pwr.resources", "org.plan-copies"} <= ids
    assert ("様式17" in readiness.item("sys.rto").reference.ja
            and "様式18" in readiness.item("pwr.resources").reference.ja)
    assert "様式9" in readiness.item("org.contacts").reference.ja
    for loaded in [*library.scenarios.values(), *library.checklists.values()]:
        text = loaded.raw.decode("utf-8")
        assert "ICT 部門" not in text and "ICT 責任者" not in text, loaded.display
        assert "手順1" not in text and "手順2" not in text, loaded.display  # the guideline numbers ステップ
        # A folded (>-) Japanese text over several lines gains a half-width space at each break.
        lines = text.split("\n")
        for number, line in enumerate(lines[:-2]):
            if line.rstrip().endswith("ja: >-"):
                indent = len(line) - len(line.lstrip())
                follow = lines[number + 2]
                assert not (follow.strip() and len(follow) - len(follow.lstrip()) > indent), \
                    f"{loaded.display}:{number + 1}: folded Japanese over several lines"


def test_the_office_hours_tsunami_scenario_puts_people_first_and_waits_for_the_danger_to_pass():
    library = shipped()
    quake = library.scenario("earthquake-office-tsunami")
    first = [s.id for s in quake.steps_in("p-0")]
    assert first == ["s01", "s02"] and "来庁者" in quake.step("s01").title.ja
    assert quake.step("s05").after_injects == ["i04"] and quake.step("s06").after == ["s05"]  # safety before entry
    assert [o.id for o in quake.step("s08").options] == ["stay", "move"]
    assert quake.step("s08").option("move").enables == ["s09", "s10"]
    assert quake.inject("i03").contingency


def test_the_example_measures_checklist_uses_the_seeds_pillars_and_measures():
    measures = shipped().checklist("measures-3rd-example")
    assert "例示" in measures.title.ja and "EXAMPLE" in measures.title.en
    assert measures.unit.ja == "施策" and measures.scale_id == "plan-measure"
    seed = (REPO.parent / "shared" / "seed" / "000_cde75fbaf059ac94.txt").read_text(encoding="utf-8")
    pillars = [s.title.ja for s in measures.sections]
    assert pillars == ["(1) にぎわいと活力を創出する情報化", "(2) 安全・安心に寄与する情報化",
                       "(3) 情報化による行政運営の効率化"]
    assert all(p in seed for p in pillars)  # named exactly as in the seed's section-2 table
    text = " ".join(i.requirement.ja for i in measures.all_items())
    for named in ("Wi-Fi", "広報たじみ", "声の広報", "おとどけセミナー", "公共施設予約システム", "00000JAPAN",
                  "ICT-BCP《初動版》", "監査", "基幹系システムの統合", "PC スキル", "マイナンバー"):
        assert named in text, named


def test_the_readme_states_the_shipped_scenarios_counts_as_they_are():
    """Figures the README gives of a shipped scenario ("7 checkpoints …, 17 steps, 7 injects")
    are those of the file: a count changed in the YAML fails here until the README says it too."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    library = shipped()
    checked = 0
    for block in re.split(r"\n- ", readme):
        named = re.match(r"`scenarios/([a-z0-9-]+)\.yaml`", block)
        if not named:
            continue
        scenario = library.scenario(named.group(1))
        text = " ".join(block.split())
        for pattern, actual in ((r"(\d+) checkpoints", len(scenario.phases) if scenario else None),
                                (r"(\d+) steps", len(scenario.steps) if scenario else None),
                                (r"(\d+) injects", len(scenario.injects) if scenario else None)):
            found = re.search(pattern, text)
            if found:
                assert int(found.group(1)) == actual, (named.group(1), pattern)
                checked += 1
    assert checked >= 3  # the README does state counts: this test is not vacuous

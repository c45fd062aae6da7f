"""Issue 26: ordered conditions with ranges ("震度6弱以上") and a target or owner that differs by
condition for the same step (`by_condition`), as a city's action table has them.

The fixture (tests/data/variants/quake-variants.yaml): the ICT team is set up by T+0:30 by its
staff in office hours, by T+1:30 under the lead out of hours; the server room is checked within
0:20 of the set-up, 0:40 at 6強 and above; call-in applies from 6弱, the minor check 5弱 to 5強.
"""

from datetime import datetime, timedelta, timezone

import pytest

from bcp_drill.cli import main
from bcp_drill.content.library import ContentLibrary
from bcp_drill.content.models import as_played
from bcp_drill.drill.counts import StepStatus
from bcp_drill.drill.pinned import pinned_scenario
from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.tally import by_conditions, drill_figures
from bcp_drill.drill.view import DrillView
from bcp_drill.drill.wording import step_plan_lines, target_label
from bcp_drill.i18n import Translator
from bcp_drill.render.reports import render_drill_report
from bcp_drill.render.sheets import render_scenario_sheet
from bcp_drill.reports.drill_report import build_drill_report
from bcp_drill.reports.drill_report_sources import read_drill_report_sources
from bcp_drill.reports.trend import scenario_trend
from support.cli import isolate_cli
from support.drills import DATA, FakeClock, make_store

FIXTURE = DATA / "variants" / "quake-variants.yaml"


def source():
    library = ContentLibrary.load([DATA / "variants"], cwd=DATA)
    assert not library.problems and not library.warnings, library.problems + library.warnings
    return library.scenarios["quake-variants"]


def drilled(store, clock, hours, intensity, setup_at=45, server_room_at=75):
    """A drill under HOURS and INTENSITY: the set-up done at T+SETUP_AT, the server room checked
    at T+SERVER_ROOM_AT, the report never done; ended at T+2:00."""
    started = clock.now
    session = DrillSession.start(store, source(), "tabletop", conditions={"hours": hours, "intensity": intensity})
    clock.now = started + timedelta(minutes=setup_at)
    session.complete_step("setup", "P")
    clock.now = started + timedelta(minutes=server_room_at)
    session.complete_step("server-room", "S")
    clock.now = started + timedelta(minutes=120)
    return session


def view_of(session):
    return DrillView(session.state, session.now())


# ---------------------------------------------------------------- ranges


def test_a_range_names_the_values_it_covers_and_decides_which_steps_apply(tmp_path):
    scenario = source().document
    assert list(scenario.step("callin").when["intensity"]) == ["six_lower", "six_upper", "seven"]
    assert list(scenario.step("minor-check").when["intensity"]) == ["five_lower", "five_upper"]
    clock = FakeClock()
    store = make_store(tmp_path, clock)
    for intensity, callin, minor in (("six_lower", StepStatus.UPCOMING, StepStatus.NOT_APPLICABLE),
                                     ("seven", StepStatus.UPCOMING, StepStatus.NOT_APPLICABLE),
                                     ("five_upper", StepStatus.NOT_APPLICABLE, StepStatus.UPCOMING)):
        session = DrillSession.start(store, source(), "tabletop", conditions={"hours": "office",
                                                                             "intensity": intensity})
        view = view_of(session)
        assert (view.step("callin").status, view.step("minor-check").status) == (callin, minor), intensity
        session.close()


def test_a_range_is_worded_as_written_in_the_runner_and_on_the_sheet(tmp_path):
    session = DrillSession.start(make_store(tmp_path, FakeClock()), source(), "tabletop",
                                 conditions={"hours": "office", "intensity": "six_lower"})
    view = view_of(session)
    for lang, at_least, between in (("ja", "震度: 6弱以上", "震度: 5弱〜5強"),
                                    ("en", "Seismic intensity: 6-lower or above",
                                     "Seismic intensity: 5-lower to 5-upper")):
        t = Translator(lang)
        lines = dict(step_plan_lines(view, view.step("callin").step, t))
        assert lines[t("tui.applies_when")] == at_least
        assert dict(step_plan_lines(view, view.step("minor-check").step, t))[t("tui.applies_when")] == between
    now = datetime(2026, 11, 25, tzinfo=timezone.utc)
    for fmt in ("md", "html"):
        sheet = render_scenario_sheet(source().document, fmt, Translator("ja"), now).decode()
        assert "震度: 6弱以上" in sheet and "震度: 5弱〜5強" in sheet
        assert "6弱 / 6強 / 7" not in sheet


# ---------------------------------------------------------------- by_condition in a drill


def test_the_view_shows_the_target_and_owner_of_the_drills_conditions(tmp_path):
    clock = FakeClock()
    store = make_store(tmp_path, clock)
    t = Translator("ja")
    office = DrillSession.start(store, source(), "tabletop", conditions={"hours": "office", "intensity": "six_lower"})
    shown = view_of(office).step("setup")
    assert (shown.step.role, shown.step.support_roles, shown.deadline_seconds) == ("staff", [], 30 * 60)
    assert target_label(shown, t) == "T+0:30"
    assert dict(step_plan_lines(view_of(office), shown.step, t))[t("tui.role")] == "情報政策課職員"
    office.close()
    off = DrillSession.start(store, source(), "tabletop", conditions={"hours": "off_hours", "intensity": "six_lower"})
    shown = view_of(off).step("setup")
    assert (shown.step.role, shown.step.support_roles, shown.deadline_seconds) == ("lead", ["staff"], 90 * 60)
    assert target_label(shown, t) == "T+1:30"
    assert dict(step_plan_lines(view_of(off), shown.step, t))[t("tui.role")] == "統括 + 情報政策課職員"
    # At T+0:45 the set-up is overdue in office hours only.
    clock.advance(minutes=45)
    assert view_of(off).step("setup").status == StepStatus.UPCOMING
    assert DrillView(office.state, clock.now).step("setup").status == StepStatus.OVERDUE
    # Read back from the record (resume): the same step as played.
    off.close()
    again = DrillSession.resume(store, off.record_id)
    assert (again.state.steps["setup"].step.role, again.scenario.step("setup").target_minutes) == ("lead", 90)


def test_a_relative_target_follows_an_ordered_range(tmp_path):
    clock = FakeClock()
    store = make_store(tmp_path, clock)
    deadlines = {}
    for intensity in ("six_lower", "six_upper", "seven"):
        session = drilled(store, clock, "office", intensity)
        shown = view_of(session).step("server-room")
        deadlines[intensity] = (shown.deadline_seconds // 60, shown.step.support_roles)
        session.close()
    # Possible from T+0:45 (the set-up done): +0:20 under 6強, +0:40 from 6強.
    assert deadlines == {"six_lower": (65, []), "six_upper": (85, ["facilities"]), "seven": (85, ["facilities"])}


def test_the_report_counts_on_time_and_late_against_the_drills_own_targets(tmp_path):
    clock = FakeClock()
    store = make_store(tmp_path, clock)
    records = {}
    for hours in ("office", "off_hours"):
        session = drilled(store, clock, hours, "six_upper")
        session.end()
        session.close()
        records[hours] = session.record_id
        clock.advance(days=1)
    t = Translator("ja")
    reports = {hours: build_drill_report(read_drill_report_sources(store, record, "ja"), t)
               for hours, record in records.items()}
    office, off = (reports[h] for h in ("office", "off_hours"))

    def line(report, step_id):
        return next(s for s in report.steps if s.step_id == step_id)

    # The same set-up at T+0:45: late against T+0:30 in office hours, on time against T+1:30 out of hours.
    assert (line(office, "setup").target, line(office, "setup").status) == ("T+0:30", StepStatus.DONE_LATE)
    assert line(office, "setup").late_minutes == 15 and line(office, "setup").role == "情報政策課職員"
    assert (line(off, "setup").target, line(off, "setup").status) == ("T+1:30", StepStatus.DONE_ON_TIME)
    assert line(off, "setup").role == "統括 + 情報政策課職員"
    # The server room (T+1:15, 0:30 after the set-up) is on time against +0:40 at 6強 in both.
    assert line(office, "server-room").status == line(off, "server-room").status == StepStatus.DONE_ON_TIME
    assert (office.summary.overall.on_time, office.summary.overall.late) == (1, 1)
    assert (off.summary.overall.on_time, off.summary.overall.late) == (2, 0)
    assert office.summary.overall.on_time_rate < off.summary.overall.on_time_rate
    for fmt in ("md", "html"):
        printed = render_drill_report(off, fmt, t).decode()
        assert "T+1:30" in printed and "統括" in printed
    # Comparisons stay like with like: the off-hours drill's trend holds only off-hours drills,
    # with the targets that drill played.
    trend = scenario_trend(store, "quake-variants", "ja", up_to=records["off_hours"])
    assert [r for r, _ in trend.drills] == [records["off_hours"]]
    assert [r for r, _ in trend.other_conditions] == [records["office"]]
    setup = next(s for s in trend.steps if s.step_id == "setup")
    assert setup.target_minutes == 90 and [p.late for p in setup.points] == [False]
    # tally: each drill's figures against its own targets, grouped by conditions.
    figures = {f.record_id: f for f in drill_figures(store, "ja", "quake-variants")}
    assert (figures[records["office"]].summary.overall.late, figures[records["off_hours"]].summary.overall.late) \
        == (1, 0)
    assert len(by_conditions(list(figures.values()))) == 2


def test_a_drill_without_variants_reads_the_scenario_as_written(tmp_path):
    """Records of scenarios without by_condition (every record made before) read exactly as before."""
    from support.drills import started_mini_drill

    session, _, _ = started_mini_drill(tmp_path)
    first = session.journal.events[0]
    assert pinned_scenario(first) is pinned_scenario(first)
    scenario = source().document
    assert as_played(scenario, {"hours": "office", "intensity": "seven"}).step("setup") is scenario.step("setup")
    played = as_played(scenario, {"hours": "off_hours", "intensity": "seven"})
    assert played.step("setup").role == "lead" and scenario.step("setup").role == "staff"
    assert [s.id for s in played.enabling("server-room")] == []


# ---------------------------------------------------------------- the paper sheet


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_paper_sheet_shows_every_variant_of_a_target(fmt):
    now = datetime(2026, 11, 25, tzinfo=timezone.utc)
    sheet = render_scenario_sheet(source().document, fmt, Translator("ja"), now).decode()
    assert "勤務時間内 T+0:30 / 勤務時間外 T+1:30 (統括 + 情報政策課職員)" in sheet
    assert ("6弱以下 「情報システム班の立ち上げ」の後 0:20 以内 / "
            "6強以上 「情報システム班の立ち上げ」の後 0:40 以内 (情報政策課職員 + 管財課職員)") in sheet
    english = render_scenario_sheet(source().document, fmt, Translator("en"), now).decode()
    assert "Office hours T+0:30 / Out of hours T+1:30 (Lead + IT staff)" in english


# ---------------------------------------------------------------- validate


@pytest.fixture()
def cli_env(tmp_path, monkeypatch):
    isolate_cli(tmp_path, monkeypatch)
    return tmp_path


def validate(capsys, path, *changes):
    text = FIXTURE.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    code = main(["validate", str(path), "--lang", "en"])
    return code, capsys.readouterr().out, text


def line_of(text, fragment):
    return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_validate_accepts_the_fixture(capsys, cli_env):
    code, out, _ = validate(capsys, cli_env / "ok.yaml")
    assert (code, out.strip().splitlines()) == (0, ["Checked 1 file: no problems."])


@pytest.mark.parametrize("changes, where, message", [
    ([("    ordered: true\n", "")], "{intensity: {at_least: six_lower}}",
     'condition "intensity" is not ordered (no ordered: true): it cannot take a range'),
    ([("{at_least: six_lower}", "{at_least: six_lowr}")], "six_lowr", "six_lowr"),
    ([("{from: five_lower, to: five_upper}", "{from: five_upper, to: five_lower}")], "from: five_upper",
     "the range five_upper to five_lower of condition \"intensity\" covers no value"),
    ([("{at_least: six_lower}", "{above: six_lower}")], "above: six_lower",
     "write a range as {at_least: ID}, {at_most: ID} or {from: ID, to: ID}"),
    ([("        role: lead\n        support_roles: [staff]", "        role: leed\n        support_roles: [staff]")],
     "role: leed", "leed"),
    ([("      - when: {hours: off_hours}", "      - when: {hours: night}")], "hours: night", "night"),
    ([("      - when: {hours: off_hours}", "      - when: {season: winter}")], "season: winter", "season"),
    # An entry after one that takes the same cases, and one a step's own `when` rules out.
    ([("        support_roles: [facilities]\n",
       "        support_roles: [facilities]\n      - when: {intensity: seven}\n        target_after_minutes: 60\n")],
     "when: {intensity: seven}", 'entry 2 of step "server-room" by_condition is never taken'),
    ([("    role: facilities\n    when: {intensity: {from: five_lower, to: five_upper}}\n",
       "    role: facilities\n    when: {intensity: {from: five_lower, to: five_upper}}\n"
       "    by_condition:\n      - when: {intensity: seven}\n        role: staff\n")],
     "when: {intensity: seven}", 'entry 1 of step "minor-check" by_condition is never taken'),
    ([("        target_minutes: 90\n", "        target_minutes: 90\n        target_after_minutes: 10\n")],
     "target_after_minutes: 10", 'has both target_minutes and target_after_minutes'),
])
def test_validate_names_each_mistake_with_its_line(capsys, cli_env, changes, where, message):
    code, out, text = validate(capsys, cli_env / "bad.yaml", *changes)
    assert code == 1, out
    first = out.strip().splitlines()[0]
    assert f"bad.yaml:{line_of(text, where)}:" in first, (first, line_of(text, where))
    assert message in first
    assert "Traceback" not in out


def test_an_entry_against_a_fixed_value_is_never_taken(capsys, cli_env):
    code, out, text = validate(capsys, cli_env / "fixed.yaml",
                               ("    ordered: true\n", "    ordered: true\n    fixed: five_lower\n"),
                               ("    when: {intensity: {at_least: six_lower}}\n", ""))
    assert code == 1
    assert f"fixed.yaml:{line_of(text, 'when: {intensity: {at_least: six_upper}}')}:" in out
    assert 'entry 1 of step "server-room" by_condition is never taken' in out


def test_a_paper_record_is_counted_against_the_target_of_its_conditions(tmp_path):
    """The fill-in file lists every case; imported, the drill is read with its own case's target."""
    from bcp_drill.imports.drills import drill_template, import_file

    library = ContentLibrary.load([DATA / "variants"], cwd=DATA)
    template = drill_template(library.scenarios["quake-variants"].document, Translator("ja")).replace(
        'date: ""', "date: 2026-02-10", 1)
    assert "情報システム班の立ち上げ (目標 勤務時間内 T+0:30 / 勤務時間外 T+1:30 (統括 + 情報政策課職員))" in template
    store = make_store(tmp_path, FakeClock())
    late_on = {}
    for hours in ("office", "off_hours"):
        filled = (template.replace('  hours: ""', f"  hours: {hours}").replace('  intensity: ""', "  intensity: 6弱")
                  .replace('{id: setup, result: , actual: ""', '{id: setup, result: P, actual: "0:45"'))
        path = tmp_path / f"{hours}.yaml"
        path.write_text(filled, encoding="utf-8")
        imported = import_file(store, library, path, path.name)
        assert not imported.problems, imported.problems
        report = build_drill_report(read_drill_report_sources(store, imported.record_id, "ja"), Translator("ja"))
        setup = next(s for s in report.steps if s.step_id == "setup")
        late_on[hours] = (setup.target, setup.status, setup.role)
    assert late_on == {"office": ("T+0:30", StepStatus.DONE_LATE, "情報政策課職員"),
                       "off_hours": ("T+1:30", StepStatus.DONE_ON_TIME, "統括 + 情報政策課職員")}

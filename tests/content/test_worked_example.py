"""The worked example (docs/examples/quake-action-list.yaml) uses every structure a real plan
needs, validates, and drills: each structure does what the plan says in one drill, and the
after-action report states it."""

from datetime import datetime, timezone
from pathlib import Path

from bcp_drill.cli import main
from bcp_drill.content.files import bundled_dirs
from bcp_drill.content.library import ContentLibrary
from bcp_drill.drill.counts import StepStatus
from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.view import DrillView
from bcp_drill.i18n import Translator
from bcp_drill.render.reports import render_drill_report
from bcp_drill.reports.drill_report import build_drill_report
from bcp_drill.reports.drill_report_sources import read_drill_report_sources
from support.drills import FakeClock, make_store

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "quake-action-list.yaml"


def load():
    library = ContentLibrary.load([*bundled_dirs(), EXAMPLE], cwd=EXAMPLE.parent, registers_from=[EXAMPLE.parent])
    return library, library.scenarios["quake-action-list"]


def test_the_example_uses_every_structure_and_validates(capsys):
    _, source = load()
    scenario = source.document
    assert any(c.ordered for c in scenario.conditions)
    assert any(s.by_condition for s in scenario.steps)
    assert any(p.starts_after is not None for p in scenario.phases)
    assert any(s.applies_if is not None for s in scenario.steps)
    assert any(s.repeat is not None for s in scenario.steps)
    assert any(i.at_time is not None for i in scenario.injects)
    assert any(r.deputy_contacts for r in scenario.roles)
    assert any(c.takes_over and c.email and c.title and c.call_in_minutes for c in scenario.annexes.contacts)
    # The shared register (様式1・様式17), attached: every system's RPO and recovery order, and the
    # vendors' expected times where a vendor restores it.
    assert scenario.systems and all(s.rpo_minutes is not None and s.recovery_order is not None
                                    for s in scenario.systems)
    assert any(s.vendor_eta_minutes is not None for s in scenario.systems)
    assert main(["validate", str(EXAMPLE), "--lang", "en"]) == 0
    assert "no problems" in capsys.readouterr().out


def test_one_drill_of_the_example_plays_every_structure(tmp_path):
    _, source = load()
    clock = FakeClock(datetime(2026, 11, 25, 0, 0, tzinfo=timezone.utc))
    store = make_store(tmp_path, clock)
    session = DrillSession.start(store, source, "tabletop", t0=clock(),
                                 conditions={"hours": "off_hours", "intensity": "six_upper"})
    view = DrillView(session.state, session.now())
    # 震度6強 is 6弱以上: the call-in applies; out of hours the set-up is the lead's, by T+2:00.
    assert view.step("callin").status != StepStatus.NOT_APPLICABLE
    setup = session.scenario.step("setup")
    assert (setup.role, setup.target_minutes) == ("ict-lead", 120)
    # The 13:30 meeting is due 13:30 after a T0 of 00:00 local time.
    t0 = session.state.started.t0.astimezone()
    meeting = session.scenario.inject("hq-meeting")
    expected = (13 * 60 + 30 - (t0.hour * 60 + t0.minute)) * 60
    assert session.state.inject_due_seconds(meeting) == expected
    # Fuel below 12 hours: the order applies; the generator's value rules it in.
    clock.advance(minutes=20)
    session.record_value("generator", 1, "8時間")
    assert DrillView(session.state, session.now()).step("order-fuel").status != StepStatus.NOT_APPLICABLE
    # The regular report: the first occurrence at T+1:00.
    clock.advance(minutes=40)
    assert session.record_occurrence("report").occurrence == 1
    # Power back at T+6:00 starts the 復電後 phase: the restart is due an hour after it.
    clock.advance(minutes=300)
    session.deliver_inject("power-back", manual=True)
    assert DrillView(session.state, session.now()).step("restart").deadline_seconds == (360 + 60) * 60
    clock.advance(minutes=30)
    session.complete_step("restart", "P")
    session.end()
    session.close()
    t = Translator("ja")
    report = build_drill_report(read_drill_report_sources(store, session.record_id, "ja"), t)
    text = render_drill_report(report, "md", t).decode("utf-8")
    assert "燃料残量 8時間（12時間未満）のため" in text
    assert "定時報告" in text and "復電後" in text

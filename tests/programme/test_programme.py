"""The year's drill programme against the records: planned drills matched to the drills held (by
scenario, kind and date), briefings held on their day, what is overdue and what comes next, the
drills nobody planned; and the calendar files Outlook imports (read back here)."""

from datetime import date, datetime, timezone

import icalendar
import pytest

from bcp_drill.cli import main
from bcp_drill.drill.session import DrillSession
from bcp_drill.i18n import Translator
from bcp_drill.programme.status import held_drills, load_programme, programme_status
from bcp_drill.render.programme import followups_ics, programme_ics, programme_table
from bcp_drill.render.tables import render_text
from support.drills import DATA, FakeClock, make_store, mini_library

PROGRAMME = """\
kind: programme
id: r8
fiscal_year: R8
title: {ja: 令和8年度 ICT-BCP 訓練計画, en: FY2026 ICT-BCP drill programme}
entries:
  - {id: b1, kind: briefing, month: 5, held: 2026-05-20,
     title: {ja: ICT-BCP 説明会（全課）, en: Briefing for every department}}
  - {id: d1, kind: tabletop, scenario: mini, month: 6, participants: {ja: 情報政策課, en: ICT division}}
  - {id: d2, kind: functional, scenario: mini, month: 9}
  - {id: d3, kind: tabletop, scenario: mini, on: 2026-12-10}
  - {id: b2, kind: briefing, month: 10, title: {ja: 新任職員向け説明, en: Briefing for new staff}}
  - {id: d4, kind: tabletop, scenario: mini, month: 2}
"""


def drill_on(store, clock, when: datetime, drill_type: str, end: bool) -> str:
    clock.now = when
    session = DrillSession.start(store, mini_library().scenarios["mini"], drill_type)
    if end:
        session.end()
    session.close()
    return session.record_id


@pytest.fixture
def year(tmp_path):
    (tmp_path / "programmes").mkdir()
    path = tmp_path / "programmes" / "r8.yaml"
    path.write_text(PROGRAMME, encoding="utf-8")
    clock = FakeClock()
    store = make_store(tmp_path, clock)
    june = drill_on(store, clock, datetime(2026, 6, 15, 1, 0, tzinfo=timezone.utc), "tabletop", end=True)
    unplanned = drill_on(store, clock, datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc), "tabletop", end=True)
    last_year = drill_on(store, clock, datetime(2026, 3, 10, 1, 0, tzinfo=timezone.utc), "tabletop", end=True)
    programme, loaded = load_programme(path, "programmes/r8.yaml")
    assert programme is not None, loaded.problems
    return programme, store, {"june": june, "unplanned": unplanned, "last_year": last_year}, path


def test_planned_against_held_on_a_given_day(year):
    programme, store, ids, _ = year
    left_out: list = []
    status = programme_status(programme, held_drills(store, left_out), date(2026, 11, 25), left_out)
    states = {s.entry.id: s.state for s in status.entries}
    assert states == {"b1": "done", "d1": "done", "d2": "overdue", "d3": "next", "b2": "overdue", "d4": "planned"}
    assert [d.record_id for d in status.entries[1].drills] == [ids["june"]]
    assert [d.record_id for d in status.unplanned] == [ids["unplanned"]]  # March 2026 is the year before
    table = programme_table(status, {"mini": "小さなシナリオ"}, Translator("ja"))
    assert table.title == "令和8年度 ICT-BCP 訓練計画 — 2026-11-25 現在"  # the year once: the title names it
    text = render_text(table)
    assert "2026年6月" in text and "✓ 実施済" in text and "! 期限超過（未実施）" in text and "→ 次回" in text
    assert "計画 6 件のうち 実施済 2 件、実施中 0 件、期限超過 2 件。" in table.notes
    assert any(ids["unplanned"] in note and "計画にない訓練" in note for note in table.notes)


def test_a_drill_not_ended_is_under_way_and_counts_once(tmp_path):
    clock = FakeClock()
    store = make_store(tmp_path, clock)
    (tmp_path / "p.yaml").write_text(PROGRAMME, encoding="utf-8")
    programme, _ = load_programme(tmp_path / "p.yaml", "p.yaml")
    assert programme is not None
    drill_on(store, clock, datetime(2026, 12, 10, 1, 0, tzinfo=timezone.utc), "tabletop", end=False)
    status = programme_status(programme, held_drills(store, []), date(2026, 12, 10))
    assert {s.entry.id: s.state for s in status.entries}["d3"] == "under_way"
    assert sum(len(s.drills) for s in status.entries) == 1 and status.unplanned == []


def test_the_calendar_file_reads_back_as_planned(year):
    programme, store, _, _ = year
    status = programme_status(programme, held_drills(store, []), date(2026, 11, 25))
    data = programme_ics(status, {"mini": "小さなシナリオ"}, Translator("ja"),
                         datetime(2026, 11, 25, tzinfo=timezone.utc))
    events = {str(e["uid"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
    assert len(events) == 6
    june = events["r8-d1@bcp-drill"]
    assert june.decoded("dtstart") == date(2026, 6, 1) and june.decoded("dtend") == date(2026, 7, 1)
    assert str(june["summary"]) == "[机上訓練] 小さなシナリオ"
    february = events["r8-d4@bcp-drill"]  # the 年度 runs into the next calendar year
    assert february.decoded("dtstart") == date(2027, 2, 1) and february.decoded("dtend") == date(2027, 3, 1)
    assert events["r8-d3@bcp-drill"].decoded("dtend") == date(2026, 12, 11)


def test_follow_ups_due_soon_and_as_a_calendar(tmp_path, capsys):
    clock = FakeClock()
    store = make_store(tmp_path, clock)
    session = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    session.raise_problem("無停電電源の点検", due=date(2026, 11, 30), corrective_action="点検業者に依頼")
    session.raise_problem("連絡網の更新", due=date(2027, 1, 31))
    session.close()
    from bcp_drill.followups.collect import collect_followups

    data = followups_ics(collect_followups(store), Translator("ja"), clock())
    events = list(icalendar.Calendar.from_ical(data).walk("VEVENT"))
    assert sorted((e.decoded("dtstart"), str(e["summary"])) for e in events) == [
        (date(2026, 11, 30), "期限: 無停電電源の点検"), (date(2027, 1, 31), "期限: 連絡網の更新")]
    code = main(["followups", "--due-within", "3650d", "--records", str(store.root), "--lang", "ja"])
    out = capsys.readouterr().out
    assert code == 0 and "無停電電源の点検" in out and "連絡網の更新" in out
    code = main(["followups", "--due-within", "0", "--records", str(store.root), "--lang", "ja"])
    out = capsys.readouterr().out  # the real today is past 2026-11-30: only the overdue one is due
    assert code == 0 and "無停電電源の点検" in out and "連絡網の更新" not in out


def test_the_command_reads_the_years_programme_from_the_folder(year, capsys, monkeypatch):
    programme, store, ids, path = year
    monkeypatch.chdir(path.parent.parent)
    code = main(["programme", "--year", "R8", "--records", str(store.root), "--content", str(DATA / "content"),
                 "--lang", "ja"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "令和8年度 ICT-BCP 訓練計画" in captured.out and "小さなシナリオ" in captured.out
    assert ids["june"] in captured.out
    code = main(["programme", "--year", "R9", "--records", str(store.root), "--lang", "ja"])
    assert code == 1 and "令和9年度 の訓練計画が見つかりません" in capsys.readouterr().err


def test_a_programme_with_mistakes_is_named_with_its_line(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(PROGRAMME.replace("month: 9}", "month: 9, on: 2026-09-01}").replace("month: 2}", "month: 13}"),
                    encoding="utf-8")
    code = main(["programme", str(path), "--records", str(tmp_path / "records"), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 1 and "bad.yaml:" in err and "Traceback" not in err


def test_the_year_plan_prints_on_one_landscape_page_and_opens_in_excel(year, tmp_path):
    import io

    import openpyxl

    from bcp_drill.render.programme import render_programme

    programme, store, _, _ = year
    status = programme_status(programme, held_drills(store, []), date(2026, 11, 25))
    t = Translator("en")
    titles = {"mini": "Mini scenario"}
    html = render_programme(status, titles, "html", t, datetime(2026, 11, 25, tzinfo=timezone.utc)).decode("utf-8")
    row = html.split("Mini scenario", 1)[1].split("</tr>", 1)[0]  # June's tabletop, held: ✓ under June
    cells = [c.split(">", 1)[1].split("<", 1)[0] for c in row.split("<td")[1:]]
    assert cells[:14] == ["ICT division", "", "", "✓", "", "", "", "", "", "", "", "", "", "done"]
    workbook = openpyxl.load_workbook(io.BytesIO(render_programme(status, titles, "xlsx", t, datetime.now())))
    assert workbook.sheetnames == ["Year plan", "Status"]
    pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    pdf = pypdf.PdfReader(io.BytesIO(render_programme(status, titles, "pdf", t, datetime.now())))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert box.width > box.height  # landscape A4

"""A year of drills and briefings recorded through the sessions, then the programme, the coverage
and the calendar file checked against them, through the commands a division runs."""

from datetime import datetime, timezone

import icalendar

from bcp_drill.cli import main
from bcp_drill.drill.session import DrillSession
from bcp_drill.records.events import Participant
from programme.test_roster_coverage import staff_sheet
from support.drills import DATA, FakeClock, make_store, mini_library

YEAR = """\
kind: programme
id: r8
fiscal_year: R8
title: {ja: 令和8年度 ICT-BCP 訓練計画}
entries:
  - {id: b1, kind: briefing, month: 5, title: {ja: 全課説明会}, held: 2026-05-12, attendees: [伊藤 四郎]}
  - {id: d1, kind: tabletop, scenario: mini, month: 6, participants: {ja: 情報政策課}}
  - {id: d2, kind: functional, scenario: mini, on: 2026-09-03}
  - {id: b2, kind: briefing, month: 10, title: {ja: 新任職員説明会}}
  - {id: d3, kind: call_in, scenario: mini, month: 11}
"""
STAFF = [("氏名", "所属", "ICT-BCP役割", "代行対象"),
         ("山田 太郎", "情報政策課", "ICT部門責任者", ""), ("佐藤 花子", "情報政策課", "", "山田 太郎"),
         ("鈴木 一郎", "総務課", "情報システム班長", ""), ("伊藤 四郎", "市民課", "", "")]


def held(store, clock, when, kind, names):
    clock.now = when
    session = DrillSession.start(store, mini_library().scenarios["mini"], kind,
                                 participants=[Participant(name=n, role="player") for n in names])
    session.end()
    session.close()
    return session.record_id


def test_a_year_of_drills_gives_the_programme_coverage_and_calendar(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "programmes").mkdir()
    (tmp_path / "programmes" / "r8.yaml").write_text(YEAR, encoding="utf-8")
    staff_sheet(tmp_path / "名簿.xlsx", STAFF)
    assert main(["roster", "import", "名簿.xlsx", "--lang", "ja"]) == 0
    clock = FakeClock()
    store = make_store(tmp_path, clock)
    june = held(store, clock, datetime(2026, 6, 10, 1, tzinfo=timezone.utc), "tabletop", ["山田太郎", "佐藤 花子"])
    september = held(store, clock, datetime(2026, 9, 3, 1, tzinfo=timezone.utc), "functional", ["鈴木 一郎"])
    capsys.readouterr()
    common = ["--year", "R8", "--records", str(store.root), "--content", str(DATA / "content"), "--lang", "ja"]

    assert main(["programme", *common, "--format", "md"]) == 0
    table = capsys.readouterr().out
    rows = {line.split("|")[3].strip(): line for line in table.splitlines() if line.startswith("| 20")}
    assert "✓ 実施済" in rows["全課説明会"] and "! 期限超過" in rows["新任職員説明会"]
    by_record = [line for line in table.splitlines() if june in line or september in line]
    assert len(by_record) == 2 and all("✓ 実施済" in line for line in by_record)
    assert "計画 5 件のうち 実施済 3 件、実施中 0 件、期限超過 2 件。" in table  # the call-in drill of November

    assert main(["coverage", *common, "--format", "md"]) == 0
    cover = capsys.readouterr().out
    assert "| 情報政策課 | 2 | 2 | 100% |" in cover and "| 市民課 | 1 | 1 | 100% |" in cover
    assert "どの役割も、担当者か代行者が訓練に参加しています。" in cover

    assert main(["programme", *common, "--ics", "-o", str(tmp_path / "year.ics")]) == 0
    events = list(icalendar.Calendar.from_ical((tmp_path / "year.ics").read_bytes()).walk("VEVENT"))
    assert sorted(str(e["uid"]) for e in events) == [f"r8-{i}@bcp-drill" for i in ("b1", "b2", "d1", "d2", "d3")]
    assert main(["coverage", *common, "--format", "html", "-o", str(tmp_path / "coverage.html")]) == 0
    page = (tmp_path / "coverage.html").read_text(encoding="utf-8")
    assert page.count("<table") == 3 and "100%" in page

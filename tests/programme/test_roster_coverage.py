"""The city's staff list as a roster (each mistake named at its cell), and whom a year's drills
and briefings reached: per ICT-BCP role (roles whose lead and deputies never drilled first), per
department and per person, from the participants recorded at set-up and the briefings' attendees."""

import openpyxl

from bcp_drill.cli import main
from bcp_drill.drill.session import DrillSession
from bcp_drill.records.events import Participant
from support.drills import FakeClock, make_store, mini_library

STAFF = [
    ("氏名", "所属", "ICT-BCP役割", "代行対象", "連絡先"),
    ("山田 太郎", "情報政策課", "ICT部門責任者", "", "0572-00-0001"),
    ("佐藤 花子", "情報政策課", "", "山田太郎", "0572-00-0002"),
    ("鈴木 一郎", "総務課", "情報システム班長", "", "0572-00-0003"),
    ("田中 次郎", "総務課", "", "鈴木 一郎", ""),
    ("高橋 三郎", "市民課", "", "", ""),
]
PROGRAMME = """\
kind: programme
id: r8
fiscal_year: R8
title: {ja: 令和8年度 訓練計画}
entries:
  - {id: b1, kind: briefing, month: 5, title: {ja: 説明会}, held: 2026-05-20, attendees: [高橋三郎]}
  - {id: d1, kind: tabletop, scenario: mini, month: 11}
"""


def staff_sheet(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    book.save(path)


def run(capsys, *args):
    code = main([*args, "--lang", "ja"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_roster_and_coverage_by_role_department_and_person(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    staff_sheet(tmp_path / "職員名簿.xlsx", STAFF)
    (tmp_path / "programmes").mkdir()
    (tmp_path / "programmes" / "r8.yaml").write_text(PROGRAMME, encoding="utf-8")
    code, out, err = run(capsys, "roster", "import", "職員名簿.xlsx")
    assert code == 0, err
    assert "山田 太郎" in (tmp_path / "programmes" / "roster.yaml").read_text(encoding="utf-8")
    store = make_store(tmp_path, FakeClock())  # 2026-11-25: 令和8年度
    session = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop",
                                 participants=[Participant(name="山田太郎", role="lead"),
                                               Participant(name="ＧＵＥＳＴ", role="observer")])
    session.close()
    code, out, err = run(capsys, "coverage", "--year", "R8", "--records", str(store.root))
    assert code == 0, err
    roles_part, rest = out.split("部署ごとの到達", 1)
    departments_part, people_part = rest.split("職員ごとの参加", 1)
    # 情報システム班長: neither 鈴木 nor his deputy 田中 drilled — named first.
    lines = [line for line in roles_part.splitlines() if "班長" in line or "責任者" in line]
    assert "情報システム班長" in lines[0] and "✗ なし" in lines[0] and "田中 次郎 (✗)" in lines[0]
    assert "ICT部門責任者" in lines[1] and "✓ あり" in lines[1] and "佐藤 花子 (✗)" in lines[1]
    assert "担当者も代行者も訓練に参加していない役割: 情報システム班長" in out
    assert [line.split()[:4] for line in departments_part.splitlines() if "課" in line] == [
        ["情報政策課", "2", "1", "50%"], ["総務課", "2", "0", "0%"], ["市民課", "1", "1", "100%"]]
    assert "高橋 三郎" in people_part and "名簿にない参加者: ＧＵＥＳＴ" in out


def test_a_staff_list_with_mistakes_names_each_cell_and_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = STAFF[:3] + [("山田太郎", "総務課", "", "", ""), ("", "市民課", "", "", ""),
                        ("伊藤 五郎", "市民課", "", "渡辺 六郎", "")]
    staff_sheet(tmp_path / "名簿.xlsx", rows)
    code, out, err = run(capsys, "roster", "import", "名簿.xlsx")
    assert code == 1 and "Traceback" not in out + err
    assert "!A4" in out and "二度あります" in out  # 山田太郎 again, written without the space
    assert "!A5" in out and "氏名が空です" in out
    assert "!D6" in out and "代行対象「渡辺 六郎」が名簿にいません" in out
    assert not (tmp_path / "programmes" / "roster.yaml").exists()

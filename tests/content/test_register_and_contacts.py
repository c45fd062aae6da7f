"""The systems register and the contact list as a real plan has them (issue 26): each system's RPO,
recovery order (復旧順位) and the vendor's expected recovery time; each contact's id, title (役職),
e-mail and call-in time (様式9); deputies linked to people of the contact list and to the steps
they take over. Checked where a user sees them: validate, the runner's words, the report, the sheet."""

import re
from datetime import datetime, timezone
from textwrap import dedent

import pytest

from bcp_drill.cli import main
from bcp_drill.content.library import ContentLibrary
from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.view import DrillView
from bcp_drill.drill.wording import deputy_order_text, deputy_text, step_plan_lines, system_line
from bcp_drill.i18n import Translator
from bcp_drill.render.annexes import annexes_text
from bcp_drill.render.reports import render_drill_report
from bcp_drill.render.sheets import render_scenario_sheet
from bcp_drill.reports.drill_report import build_drill_report
from bcp_drill.reports.drill_report_sources import read_drill_report_sources
from conftest import REPO
from support.drills import FakeClock, make_store

JA, EN = Translator("ja"), Translator("en")

REGISTER = """\
kind: systems
id: our-systems
version: "1"
title: 情報システム一覧（様式1）と目標復旧時間（様式17）
systems:
  - {id: mail, name: {ja: 庁内メール, en: Internal mail}, priority: B, rto_minutes: 1440, recovery_order: 3}
  - {id: core, name: {ja: 基幹系システム, en: Core system}, priority: A, rto_minutes: 1440, rpo_minutes: 1440,
     recovery_order: 1, vendor_eta_minutes: 720, vendor: A社}
  - {id: web, name: {ja: ホームページ, en: Web site}, priority: A, rto_minutes: 180, rpo_minutes: 60,
     recovery_order: 2, vendor_eta_minutes: 300}
  - {id: lgwan, name: {ja: LGWAN接続系, en: LGWAN segment}, priority: A, rto_minutes: 240}
"""

SCENARIO = """\
kind: scenario
id: ours
version: "1"
title: {ja: 地震（時間外）, en: Earthquake out of hours}
summary: テスト用
hazard: 地震
drill_types: [tabletop]
systems_register: our-systems
roles:
  - id: lead
    title: {ja: ICT部門責任者, en: ICT lead}
    deputies: [{ja: 情報政策課長補佐, en: Deputy head}, {ja: 情報政策係長, en: Section chief}]
    deputy_contacts: [deputy1, deputy2]
  - {id: infra, title: {ja: インフラ担当, en: Infrastructure officer}, deputy_contacts: [infra2]}
phases:
  - {id: p0, title: 直後, at_minutes: 0}
  - {id: p60, title: 1時間後, at_minutes: 60}
steps:
  - {id: safety, phase: p0, title: {ja: 安否確認, en: Safety check}, role: lead, target_minutes: 30}
  - {id: power, phase: p60, title: {ja: 電源の確認, en: Check power}, role: infra, target_minutes: 120}
annexes:
  contacts:
    - {id: head, role: lead, name: 山田 太郎, title: {ja: 情報政策課長, en: Head of ICT}, phone: 090-0000-0001,
       email: head@example.lg.jp, call_in_minutes: 60}
    - {id: deputy1, name: 佐藤 花子, title: {ja: 課長補佐, en: Deputy head of ICT}, phone: 090-0000-0002,
       email: deputy1@example.lg.jp, call_in_minutes: 30, takes_over: [safety]}
    - {id: deputy2, name: 鈴木 一郎, title: {ja: 情報政策係長, en: Section chief}, phone: 090-0000-0003}
    - {id: infra2, name: 高橋 次郎, title: {ja: 主任, en: Officer}, phone: 090-0000-0004, takes_over: [power]}
"""


@pytest.fixture
def content(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "systems.yaml").write_text(REGISTER, encoding="utf-8")
    (folder / "ours.yaml").write_text(SCENARIO, encoding="utf-8")
    return folder


def library_of(folder):
    library = ContentLibrary.load([folder], cwd=folder)
    assert not library.problems, library.problems
    return library


def validate(capsys, folder, lang="en"):
    code = main(["validate", str(folder), "--lang", lang])
    return code, capsys.readouterr().out


def line_of(path, text):
    """The 1-based line of the first line of PATH containing TEXT."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def start_drill(tmp_path, folder):
    clock = FakeClock()
    store = make_store(tmp_path, clock)
    session = DrillSession.start(store, library_of(folder).scenarios["ours"], "tabletop")
    return session, store, clock


# ---------------------------------------------------------------- validate


def test_a_vendor_eta_after_the_rto_is_a_warning_with_its_line_and_the_file_still_passes(capsys, content):
    code, out = validate(capsys, content)
    assert code == 0, out
    [warning] = [line for line in out.splitlines() if line.startswith("warning: ")]
    assert f"systems.yaml:{line_of(content / 'systems.yaml', 'vendor_eta_minutes: 300')}:" in warning
    assert 'system "web": the vendor expects recovery at T+5:00, after its recovery time objective (RTO 3:00)' \
        in warning
    assert "revise the RTO" in warning
    library = ContentLibrary.load([content], cwd=content)
    assert "ours" in library.scenarios and library.problems == [] and len(library.warnings) == 1
    _, out = validate(capsys, content, "ja")
    assert "事業者の復旧見込み T+5:00 が目標復旧時間（RTO 3:00）より後です" in out


def test_a_recovery_order_given_twice_is_a_problem_with_both_lines(capsys, content):
    register = content / "systems.yaml"
    register.write_text(REGISTER.replace("recovery_order: 3", "recovery_order: 2"), encoding="utf-8")
    code, out = validate(capsys, content)
    assert code == 1
    web, mail = line_of(register, "id: web"), line_of(register, "id: mail")
    assert f"systems.yaml:{web + 1}:" in out  # the second one written (web's recovery_order line)
    assert f'system "web" has recovery order 2, as "mail" has (first on line {mail})' in out


def test_unknown_contact_and_step_ids_are_problems_with_their_line(capsys, content):
    scenario = content / "ours.yaml"
    scenario.write_text(SCENARIO.replace("deputy_contacts: [deputy1, deputy2]", "deputy_contacts: [deputy1, deputy3]")
                        .replace("takes_over: [power]", "takes_over: [powr]"), encoding="utf-8")
    code, out = validate(capsys, content)
    assert code == 1
    assert re.search(rf"ours\.yaml:{line_of(scenario, 'deputy3')}:\d+: contact 'deputy3' is not defined "
                     r"\(did you mean 'deputy2'\?\)", out), out
    assert re.search(rf"ours\.yaml:{line_of(scenario, 'powr')}:\d+: step 'powr' is not defined "
                     r"\(did you mean 'power'\?\)", out), out


def test_a_deputy_order_of_contacts_must_match_the_posts_beside_it(capsys, content):
    scenario = content / "ours.yaml"
    scenario.write_text(SCENARIO.replace("deputy_contacts: [deputy1, deputy2]", "deputy_contacts: [deputy1]"),
                        encoding="utf-8")
    code, out = validate(capsys, content)
    assert code == 1
    assert f"ours.yaml:{line_of(scenario, 'deputy_contacts: [deputy1]')}:" in out
    assert 'role "lead" names 1 deputy_contacts but 2 deputies' in out


def test_contact_ids_given_twice_are_a_problem(capsys, content):
    scenario = content / "ours.yaml"
    scenario.write_text(SCENARIO.replace("{id: deputy2,", "{id: deputy1,"), encoding="utf-8")
    code, out = validate(capsys, content)
    assert code == 1 and "'deputy1'" in out and "duplicate" in out.lower()


def test_fields_out_of_range_are_refused_with_their_line(capsys, content):
    register = content / "systems.yaml"
    register.write_text(REGISTER.replace("recovery_order: 1,", "recovery_order: 0,"), encoding="utf-8")
    code, out = validate(capsys, content)
    assert code == 1 and f"systems.yaml:{line_of(register, 'recovery_order: 0')}:" in out


# ---------------------------------------------------------------- the runner's words


def test_the_runner_lists_systems_in_recovery_order_with_rpo_and_vendor_eta(tmp_path, content):
    session, _, _ = start_drill(tmp_path, content)
    shown = DrillView(session.state, session.now()).systems
    # Those with a recovery order by it; the rest (lgwan) after them, by priority.
    assert [s.system.id for s in shown] == ["core", "web", "mail", "lgwan"]
    lines = [system_line(s, EN) for s in shown]
    assert lines[0] == ("[?] #1 A Core system: unknown / RTO 24:00 not yet due (24:00 left) / RPO 24:00 / "
                        "vendor expects T+12:00")
    assert lines[1].endswith("/ RPO 1:00 / vendor expects T+5:00 (!) after the RTO")
    assert lines[3] == "[?] A LGWAN segment: unknown / RTO 4:00 not yet due (4:00 left)"  # nothing more given
    assert system_line(shown[0], JA).startswith("[?] 順位1 A 基幹系システム: 不明 / RTO 24:00")
    assert "事業者見込み T+5:00 (!) RTO 超過" in system_line(shown[1], JA)


def test_a_deputy_linked_to_a_contact_is_named_with_title_and_phone(tmp_path, content):
    session, _, _ = start_drill(tmp_path, content)
    scenario = session.scenario
    assert deputy_order_text(scenario, "lead", JA) == \
        "1. 情報政策課長補佐 佐藤 花子（課長補佐） 090-0000-0002 2. 鈴木 一郎（情報政策係長） 090-0000-0003"
    assert deputy_order_text(scenario, "infra", EN) == "1. 高橋 次郎 (Officer) 090-0000-0004"
    # A role whose order names only contacts has as many deputies as contacts.
    session.record_deputy("power", "infra", 1, "the officer could not be reached")
    session.record_deputy("safety", "lead", 2, "both could not be reached", person="鈴木")
    assert deputy_text(session.state, scenario.step("power"), EN) == \
        "deputy 1 of Infrastructure officer, 高橋 次郎 (Officer) 090-0000-0004, acted: the officer could not be reached"
    acted = deputy_text(session.state, scenario.step("safety"), JA)
    assert "第2代行 鈴木 一郎（情報政策係長） 090-0000-0003 (鈴木) が実施" in acted
    view = DrillView(session.state, session.now())
    lines = dict(step_plan_lines(view, scenario.step("safety"), JA))
    assert lines["代行者"] == "佐藤 花子（課長補佐） 090-0000-0002"  # the contact who takes the step over
    assert "代行者" not in dict(step_plan_lines(view, scenario.step("safety").model_copy(update={"id": "x"}), JA))


def test_the_contacts_annex_shows_the_plan_fields(tmp_path, content):
    scenario = library_of(content).scenarios["ours"].document
    text = annexes_text(scenario, JA)
    header = text.splitlines()[2]
    for label in ("ID", "氏名（役職）", "電話・メール", "参集時間", "代行順位", "代行するステップ"):
        assert label in header
    deputy = next(line for line in text.splitlines() if line.startswith("deputy1 "))
    assert "佐藤 花子（課長補佐）" in deputy and "090-0000-0002 deputy1@example.lg.jp" in deputy
    assert "0:30" in deputy and "ICT部門責任者 第1代行" in deputy and deputy.rstrip().endswith("safety")


# ---------------------------------------------------------------- report and sheet


def test_the_report_shows_recovery_order_rpo_and_vendor_eta_read_back_from_the_record(tmp_path, content):
    session, store, clock = start_drill(tmp_path, content)
    clock.advance(minutes=10)
    session.record_system_state("core", "down")
    session.end()
    # The record pins the register's text: the report reads the new fields back from it.
    (content / "systems.yaml").write_text(REGISTER.replace("rpo_minutes: 1440", "rpo_minutes: 60"), encoding="utf-8")
    report = build_drill_report(read_drill_report_sources(store, session.record_id, "en"), EN)
    assert [(s.name, s.recovery_order, s.rpo, s.vendor_eta) for s in report.systems] == [
        ("Core system", "1", "24:00", "T+12:00"), ("Web site", "2", "1:00", "T+5:00 (!) after the RTO"),
        ("Internal mail", "3", "", ""), ("LGWAN segment", "", "", "")]
    md = render_drill_report(report, "md", EN).decode("utf-8")
    assert "| Recovery order | System | Priority | RTO | RPO | Vendor's expected recovery |" in md
    assert "| 1 | Core system<br>A社 | A | 24:00 | 24:00 | T+12:00 | T+0:10 \\[X\\] down |" in md
    assert "| 2 | Web site | A | 3:00 | 1:00 | T+5:00 (!) after the RTO |" in md
    html = render_drill_report(report, "html", EN).decode("utf-8")
    assert "<th>Recovery order</th><th>System</th>" in html and "<td>T+5:00 (!) after the RTO</td>" in html


def test_the_sheet_prints_the_register_and_who_takes_a_step_over(content):
    scenario = library_of(content).scenarios["ours"].document
    now = datetime(2026, 4, 1, tzinfo=timezone.utc)
    md = render_scenario_sheet(scenario, "md", JA, now).decode("utf-8")
    rows = [line for line in md.splitlines() if re.match(r"\| (core|web|mail|lgwan) \|", line)]
    assert [row.split(" | ")[0] for row in rows] == ["| core", "| web", "| mail", "| lgwan"]
    assert rows[0].startswith("| core | 順位1 基幹系システム | A | 24:00<br>RPO 24:00 / 事業者見込み T+12:00 | T+ |")
    assert "3:00<br>RPO 1:00 / 事業者見込み T+5:00 (!) RTO 超過" in rows[1]
    assert rows[3] == "| lgwan | LGWAN接続系 | A | 4:00 | T+ | T+ | T+ | T+ |  |"
    safety = next(line for line in md.splitlines() if line.startswith("| **safety**"))
    assert "代行者: 佐藤 花子（課長補佐） 090-0000-0002" in safety
    assert "代行順位: ICT部門責任者: 1. 情報政策課長補佐 佐藤 花子（課長補佐） 090-0000-0002" in safety
    assert "deputy1@example.lg.jp" in md  # the contacts annex
    html = render_scenario_sheet(scenario, "html", EN, now).decode("utf-8")
    assert "Deputy: 佐藤 花子 (Deputy head of ICT) 090-0000-0002" in html
    assert "24:00<br><span class=\"note\">RPO 24:00 / vendor expects T+12:00</span>" in html


# ---------------------------------------------------------------- the shipped content


def shipped() -> ContentLibrary:
    return ContentLibrary.load([REPO / "scenarios", REPO / "checklists"], cwd=REPO)


def test_the_shipped_register_gives_rpo_recovery_order_and_vendor_eta_within_each_rto():
    library = shipped()
    register = library.registers["city-systems"].document
    systems = {s.id: s for s in register.systems}
    # The RTOs are as they were; every system now has an RPO and a recovery order, one each.
    assert {k: s.rto_minutes for k, s in systems.items()} == {
        "residents": 1440, "disaster-support": 720, "welfare": 1440, "website": 180, "tax": 10080, "internal": 4320}
    assert systems["residents"].rpo_minutes == 1440  # nightly backups: up to a day of data
    assert all(s.rpo_minutes is not None for s in register.systems)
    assert sorted(s.recovery_order for s in register.systems) == list(range(1, 7))
    assert systems["website"].recovery_order < systems["residents"].recovery_order < systems["tax"].recovery_order
    # Where a vendor is named, it gives its time, and the plan meets its own targets: no warning.
    assert all(s.vendor_eta_minutes is not None for s in register.systems if s.vendor)
    assert not any(s.vendor_late for s in register.systems)
    assert library.problems == [] and library.warnings == []


def test_the_shipped_earthquake_has_a_contact_list_with_ids_titles_and_example_addresses():
    quake = shipped().scenario("earthquake-offhours")
    contacts = quake.annexes.contacts
    assert len(contacts) >= 4 and all(c.id and c.phone for c in contacts)
    staff = [c for c in contacts if c.email.endswith("@example.lg.jp")]
    assert len(staff) >= 4 and all(c.title and c.call_in_minutes for c in staff)
    assert all(c.email.split("@")[1] in ("example.lg.jp", "example.co.jp") for c in contacts if c.email)
    # A deputy is a person of the list, who is named on the steps they take over.
    infra = quake.role("infra")
    assert infra.deputy_contacts and quake.annexes.contact(infra.deputy_contacts[0]) is not None
    takers = [c for c in contacts if c.takes_over]
    assert takers and all(quake.step(step_id) for c in takers for step_id in c.takes_over)
    sheet = render_scenario_sheet(quake, "md", JA, datetime(2026, 4, 1, tzinfo=timezone.utc)).decode("utf-8")
    step_id = takers[0].takes_over[0]
    row = next(line for line in sheet.splitlines() if line.startswith(f"| **{step_id}**"))
    assert f"代行者: {takers[0].name.ja}（{takers[0].title.ja}）" in row


def test_the_runner_on_the_shipped_earthquake_lists_the_register_in_recovery_order(tmp_path):
    store = make_store(tmp_path, FakeClock())
    session = DrillSession.start(store, shipped().scenarios["earthquake-offhours"], "tabletop")
    shown = DrillView(session.state, session.now()).systems
    assert [s.system.recovery_order for s in shown] == [1, 2, 3, 4, 5, 6]
    residents = next(s for s in shown if s.system.id == "residents")
    assert "RPO 24:00" in system_line(residents, JA) and "事業者見込み T+12:00" in system_line(residents, JA)


def test_a_contact_list_without_the_new_fields_prints_as_before(tmp_path):
    text = dedent(SCENARIO).split("annexes:")[0] + dedent("""\
        annexes:
          contacts:
            - {role: lead, name: 山田 太郎, organisation: 情報政策課, phone: 0572-00-0000}
        """)
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "systems.yaml").write_text(REGISTER, encoding="utf-8")
    (folder / "ours.yaml").write_text(text.replace("    deputy_contacts: [deputy1, deputy2]\n", "")
                                      .replace(", deputy_contacts: [infra2]", ""), encoding="utf-8")
    scenario = library_of(folder).scenarios["ours"].document
    lines = annexes_text(scenario, EN).splitlines()
    assert lines[2].split() == ["Role", "Name", "Organisation", "Phone", "Other", "channel"]
    assert deputy_order_text(scenario, "lead", EN) == "1. Deputy head 2. Section chief"

"""The corrections a municipal ICT lead asked for after reading the shipped scenarios: each test
reads the shipped file as it is now (through the library, as test_shipped_content does) and
fails on the wording or structure that was corrected."""

import itertools
import re
from datetime import datetime, timezone
from typing import TypeVar

from bcp_drill.content.library import ContentLibrary
from bcp_drill.content.models import Scenario, Step
from conftest import DATA, REPO

T = TypeVar("T")

# Where the shipped content is read from (a test may point it at another copy of the folders).
CONTENT = REPO


def shipped() -> ContentLibrary:
    return ContentLibrary.load([CONTENT / "scenarios", CONTENT / "checklists"], cwd=CONTENT)


def planned_due(scenario: Scenario, step: Step) -> int | None:
    """The T+ minute a step is due when everything it waits for happens on plan (a step with no
    target counts from its phase, an inject from its time); None for a step with no target."""
    if step.target_minutes is not None:
        return step.target_minutes
    if step.target_after_minutes is None:
        return None
    starts = []
    for other_id in step.after:
        other = scenario.step(other_id)
        due = planned_due(scenario, other)
        starts.append(due if due is not None else scenario.phase(other.phase).at_minutes)
    starts += [scenario.inject(i).at_minutes or 0 for i in step.after_injects]
    starts += [planned_due(scenario, d) or 0 for d in scenario.enabling(step.id)]
    return max(starts, default=0) + step.target_after_minutes


def one(found: list[T], what: str) -> T:
    """The single thing FOUND, or a failure naming WHAT was looked for."""
    assert len(found) == 1, f"expected one {what}, found {len(found)}"
    return found[0]


def words(step: Step) -> str:
    """A step's Japanese title, instructions and checks, as one text."""
    parts = [step.title.ja, step.instructions.ja if step.instructions else ""]
    return " ".join(parts + [check.text.ja for check in step.checks])


def test_earthquake_offhours_waits_for_staff_and_a_safe_building_and_plans_for_the_heat_and_residents():
    library = shipped()
    quake = library.scenario("earthquake-offhours")
    phase_at = {p.id: p.at_minutes for p in quake.phases}
    # Out of hours the first staff reach the hall on foot or by bicycle about an hour in (its notes say so).
    assert "約1時間後" in quake.notes.ja
    arrival = one([s for s in quake.steps if "庁舎への到着" in s.title.ja], "staff-arrival step")
    assert arrival.target_minutes is None and phase_at[arrival.phase] >= 60, "arrival is an event, from T+1:00"
    first_arrival = phase_at[arrival.phase]
    building = one([s for s in quake.steps if "庁舎の安全確認" in s.title.ja], "building-safety step")
    assert arrival.id in building.after
    server_room = one([s for s in quake.steps if "サーバ室の一次点検" in s.title.ja], "server-room check")
    assert {arrival.id, building.id} <= set(server_room.after), "the server room waits for staff and a safe building"
    assert phase_at[server_room.phase] >= first_arrival, "not in a phase before anyone can reach the hall"
    assert server_room.target_minutes is not None and server_room.target_minutes >= first_arrival
    # The ICT response team is formed from those who have arrived, not "set up" from home at T+30.
    team = [s for s in quake.steps if "ICT対応班" in s.title.ja]
    assert team and all(arrival.id in s.after and phase_at[s.phase] >= first_arrival for s in team)
    assert not any("班の設置" in words(s) for s in quake.steps if phase_at[s.phase] < first_arrival)
    # The air-conditioning failure (an inject) leads to a planned shutdown once the room has been checked.
    heat = one([i for i in quake.injects if "空調" in i.content.ja], "air-conditioning inject")
    shutdown = one([s for s in quake.steps if "空調" in s.title.ja and "停止" in s.title.ja], "shutdown step")
    assert server_room.id in shutdown.after and heat.id in shutdown.after_injects and shutdown.id in heat.steps
    # Residents are told which services are suspended, once the fall-back decision is taken.
    notice = one([s for s in quake.steps if "住民" in s.title.ja and "周知" in s.title.ja], "notice to residents")
    assert any(quake.step(other).options for other in notice.after) and notice.objectives
    # A welfare system that needs its vendor on site cannot be back before the residents' registry.
    register = library.registers["city-systems"].document
    rto = {s.id: s for s in register.systems}
    assert rto["welfare"].rto_minutes >= rto["residents"].rto_minutes, "welfare RTO is not credible"
    assert rto["welfare"].vendor and "委託事業者" in rto["welfare"].notes.ja  # the note says why


def test_power_outage_restart_follows_power_back_and_desktops_are_already_off():
    outage = shipped().scenario("power-outage-cityhall")
    restart = one([s for s in outage.steps if "再起動" in s.title.ja], "restart step")
    assert restart.after_injects, "the restart waits for the inject that says power is back"
    for inject_id in restart.after_injects:
        power_back = outage.inject(inject_id)
        assert power_back.at_minutes is not None and "復電" in power_back.content.ja
        assert restart.id in power_back.steps
    assert restart.target_minutes is None and restart.target_after_minutes is not None
    # Anything due after the restart waits for it rather than for a fixed clock time.
    back = one([s for s in outage.steps if "業務再開" in s.title.ja], "services-back step")
    assert restart.id in back.after
    # Desktops without a UPS went off with the power: nobody is told to save work on them.
    at_once = [s for s in outage.steps if s.role == "helpdesk" and outage.phase(s.phase).at_minutes == 0]
    staff_notice = one(at_once, "notice to staff at T+0")
    text = words(staff_notice)
    assert "デスクトップ" in text and "電源が切れ" in text and "作業保存" not in staff_notice.title.ja
    for clause in re.findall(r"[^、。]*保存し[^、。]*終了[^、。]*", text):
        assert "ノートPC" in clause, f"only laptops can still save and shut down: {clause}"


def test_safety_callin_measures_its_answer_rate_and_ends_within_its_hour():
    drill = shipped().scenario("safety-callin-drill")
    objective = one([o for o in drill.objectives if "80%" in o.title.ja], "80% objective")
    measured = [c.value for s in drill.steps if objective.id in s.objectives for c in s.checks if c.value]
    assert any(v.kind == "percent" and v.min == 80 for v in measured), "the 80% objective has a measured value"
    end = max(p.at_minutes for p in drill.phases)
    assert "1時間" in drill.summary.ja and end == 60
    late = {s.id: planned_due(drill, s) for s in drill.steps if (planned_due(drill, s) or 0) > end}
    assert late == {}, "a step is due after the drill ends"


def test_no_scenario_assumes_disaster_radios_the_city_is_still_considering():
    library = shipped()
    for scenario in (loaded.document for loaded in library.scenarios.values()):
        texts = [words(s) for s in scenario.steps] + [i.content.ja for i in scenario.injects]
        texts += [scenario.summary.ja] + [a.ja for a in scenario.assumptions]
        texts += [scenario.notes.ja if scenario.notes else ""]
        for step in scenario.steps:
            assert not any("防災ラジオ" in c.text.ja for c in step.checks), f"{scenario.id}/{step.id}: a check"
        for text in texts:
            for sentence in text.split("。"):
                assert "防災ラジオ" not in sentence or "検討" in sentence, f"{scenario.id}: {sentence}"
    flood = library.scenario("flood-shelter-connectivity")
    assert "防災ラジオ" in flood.notes.ja and "検討" in flood.notes.ja  # said, not silently dropped


def test_malware_reports_to_the_ciso_within_the_hour_and_calls_the_edr_and_maintenance_vendors():
    malware = shipped().scenario("targeted-email-malware")
    to_ciso = [s for s in malware.steps if "CISO" in s.title.ja and "報" in s.title.ja]
    assert to_ciso and min(planned_due(malware, s) for s in to_ciso) <= 60
    vendors = [s for s in malware.steps if "EDR" in s.title.ja and "保守事業者" in s.title.ja]
    assert vendors, "a step contacts the EDR service provider and the maintenance vendor"
    assert all(planned_due(malware, s) <= 120 for s in vendors)  # while containing, not after the investigation


def test_the_system_inventory_is_form_1_and_the_recovery_targets_form_17():
    library = shipped()
    register = library.registers["city-systems"]
    title = register.document.title.ja
    assert re.search(r"様式1(?!\d)", title) and "目標復旧時間（様式17）" in title
    assert re.search(r"form 1(?!\d)", register.document.title.en)
    everything = [loaded.raw.decode("utf-8") for loaded in
                  [*library.scenarios.values(), *library.checklists.values(), register]]
    everything.append((CONTENT / "README.md").read_text(encoding="utf-8"))
    for text in everything:
        assert "一覧（様式17" not in text and "system list (form 17)" not in text
    readme = (CONTENT / "README.md").read_text(encoding="utf-8")
    line = one([block for block in readme.split("\n- ") if block.startswith("`scenarios/city-systems.yaml`")],
               "README line on city-systems.yaml")
    assert "様式1 " in line and "様式17" in line


# Compounds of Japanese and ASCII words: written without a half-width space inside them.
COMPOUNDS = ["LANケーブル", "無線LAN", "無線LANアクセスポイント", "庁内LAN", "IPアドレス", "LGWAN接続系",
             "LGWAN-ASP事業者", "EDRログ", "UPS監視装置", "CMS保守事業者", "予備PC", "ICT-BCPガイドライン",
             "ICT-BCP初動版", "ICT-BCPチェックリスト"]


def spaced(compound: str) -> list[str]:
    """Every way of writing COMPOUND with half-width spaces where ASCII meets Japanese."""
    cuts = [i for i in range(1, len(compound)) if compound[i - 1].isascii() != compound[i].isascii()]
    found = []
    for count in range(1, len(cuts) + 1):
        for chosen in itertools.combinations(cuts, count):
            text = compound
            for cut in reversed(chosen):
                text = text[:cut] + " " + text[cut:]
            found.append(text)
    return found


def test_no_half_width_space_inside_a_compound():
    library = shipped()
    files = {loaded.display: loaded.raw.decode("utf-8") for loaded in library.scenarios.values()}
    files["city-systems"] = library.registers["city-systems"].raw.decode("utf-8")
    files["ict-bcp-readiness"] = library.checklists["ict-bcp-readiness"].raw.decode("utf-8")
    for name, text in files.items():
        for compound in COMPOUNDS:
            for wrong in spaced(compound):
                assert wrong not in text, f"{name}: {wrong!r} (write {compound!r})"
    every = "\n".join(files.values())
    assert sum(compound in every for compound in COMPOUNDS) >= 8  # the list is not vacuous
    # A separate ASCII word keeps its space before Japanese, as everywhere in the files.
    quake = library.scenario("earthquake-offhours")
    assert "UPS の残り時間" in words(quake.step("s05")) and "公衆無線LANアクセスポイント" in words(quake.step("s11"))


def test_the_paper_sheet_names_places_and_documents_and_plans_inject_times_as_times():
    from bcp_drill.i18n import Translator
    from bcp_drill.render.sheets import render_scenario_sheet

    library = ContentLibrary.load([DATA / "plan"], cwd=DATA / "plan")
    plan = library.scenario("plan-quake")
    now = datetime(2026, 4, 1, tzinfo=timezone.utc)

    def sheet(fmt: str, lang: str) -> str:
        return render_scenario_sheet(plan, fmt, Translator(lang), now).decode("utf-8")

    ja_md, en_md, ja_html = sheet("md", "ja"), sheet("md", "en"), sheet("html", "ja")
    # Places and documents have a name (名称), people a name (氏名).
    assert "| ID | 名称 | 所在地 | 備考 |" in ja_md and "| 名称 | 該当箇所 | リンク |" in ja_md
    assert "| 役割 | 氏名 | 所属 |" in ja_md  # the contacts are people
    assert "<th>ID</th><th>名称</th><th>所在地</th>" in ja_html and "<th>名称</th><th>該当箇所</th>" in ja_html
    assert "| ID | Name | Address | Notes |" in en_md and "| Title | Clause | Link |" in en_md
    # An inject's time is when it is planned, not a target.
    assert "| ID | 予定時刻 | 発信元（伝達手段） |" in ja_md and "<th>ID</th><th>予定時刻</th>" in ja_html
    assert "| ID | Planned | Sender (channel) |" in en_md
    # A step that waits for an inject says when that inject is planned.
    assert "待つもの: 状況付与 power-back<br>状況付与 power-back の予定時刻: T+1:30" in ja_md
    assert "Inject power-back is planned at T+1:30" in en_md

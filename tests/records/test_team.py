"""Team drills: several consoles, each writing its own journal, one merged drill.

Every event appears once, every console computes the same state, the merge does not depend on
the order files are listed in or on how far apart the consoles' clocks are, conflicts are kept
and settled, and each role may only do its part.
"""

import hashlib
import random
from datetime import timedelta
from pathlib import Path

import pytest

from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.team import join_drill
from bcp_drill.errors import SessionRefused
from bcp_drill.followups.collect import collect_followups
from bcp_drill.i18n import Translator
from bcp_drill.records import team as team_records
from bcp_drill.records.store import RecordStore
from bcp_drill.records.team import read_merged
from bcp_drill.reports.drill_report import build_drill_report
from bcp_drill.reports.drill_report_sources import read_drill_report_sources
from support.drills import DATA, FakeClock, make_store, mini_library
from support.windows import other_processes

WRITERS = 4
NOTES_EACH = 150


def started(tmp_path, clock=None):
    clock = clock or FakeClock()
    store = make_store(tmp_path, clock, recorder="統括 山田")
    lead = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    return lead, store, clock


def state_digest(session) -> str:
    """What a console shows, reduced to a hash: outcomes, notes, problems, clock, conflicts."""
    state = session.state
    parts = [repr(sorted((s, r.outcome, r.rating) for s, r in state.steps.items())),
             repr([(n.console, n.seq, n.text, n.withdrawn is not None) for n in state.notes]),
             repr([p.problem_id for p in state.problems]),
             repr((state.clock_base_seconds, state.running_since, state.ended is not None)),
             repr([(c.step_id, [(o.console, o.seq) for o in c.outcomes]) for c in state.conflicts])]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _write_notes(root: str, record_id: str, worker: int, barrier) -> None:
    store = RecordStore(Path(root), f"player{worker}")
    session = join_drill(store, record_id, "player", console_id=f"p{worker}")
    barrier.wait(timeout=60)
    for number in range(NOTES_EACH):
        session.add_note(f"w{worker}-{number}", "s1")
        if number % 50 == 0:
            session.refresh()
    session.close()


def test_consoles_writing_at_once_lose_nothing_and_agree(tmp_path):
    lead, store, _ = started(tmp_path)
    lead.add_note("lead before", None)
    context = other_processes()
    barrier = context.Barrier(WRITERS)
    workers = [context.Process(target=_write_notes, args=(str(store.root), lead.record_id, n, barrier))
               for n in range(WRITERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    assert lead.refresh()
    texts = [n.text for n in lead.state.notes]
    expected = {"lead before"} | {f"w{w}-{n}" for w in range(WRITERS) for n in range(NOTES_EACH)}
    assert len(texts) == len(expected) == WRITERS * NOTES_EACH + 1 and set(texts) == expected
    # Each console's notes keep their own order inside the merge.
    for worker in range(WRITERS):
        mine = [t for t in texts if t.startswith(f"w{worker}-")]
        assert mine == [f"w{worker}-{n}" for n in range(NOTES_EACH)]
    # Every console (each joining again) computes the same state as the lead.
    digests = {state_digest(lead)}
    for worker in range(WRITERS):
        again = join_drill(RecordStore(store.root, f"player{worker}"), lead.record_id, "player",
                           console_id=f"p{worker}")
        digests.add(state_digest(again))
        again.close()
    assert len(digests) == 1
    lead.close()


def test_the_merge_is_the_same_whatever_the_listing_order_and_the_clocks(tmp_path, monkeypatch):
    clock = FakeClock()
    lead, store, _ = started(tmp_path, clock)
    # Three consoles whose clocks are 90 s fast, 40 s slow and right, each joining by a folder
    # whose clock is the lead's (offsets are given as measured).
    consoles = []
    for console, skew in (("a", 90.0), ("b", -40.0), ("c", 0.0)):
        monkeypatch.setattr("bcp_drill.drill.team.measure_clock_offset", lambda folder, s=skew: s)
        own = FakeClock(clock.now + timedelta(seconds=skew))
        consoles.append((join_drill(RecordStore(store.root, console, own), lead.record_id, "player",
                                    console_id=console), own, skew))
    for minute in range(1, 6):
        clock.advance(minutes=1)
        lead.add_note(f"lead {minute}", None)
        for session, own, skew in consoles:
            own.now = clock.now + timedelta(seconds=skew + minute)  # each writes a little after the lead
            session.add_note(f"{session.console} {minute}", None)
    first = read_merged(store.root, lead.record_id, store.path_of(lead.record_id))
    order = [e.text for e in first.events if e.type == "note_added"]
    # On the folder's clock the consoles wrote 1-3 s after the lead, minute by minute.
    assert order[:4] == ["lead 1", "a 1", "b 1", "c 1"] or order[:4] == ["lead 1", "a 1", "b 1", "c 1"]
    assert order == [text for minute in range(1, 6) for text in
                     (f"lead {minute}", f"a {minute}", f"b {minute}", f"c {minute}")]
    real_paths = team_records.console_paths
    for seed in range(5):
        def shuffled(root, record_id, seed=seed):
            paths = real_paths(root, record_id)
            random.Random(seed).shuffle(paths)
            return paths
        monkeypatch.setattr(team_records, "console_paths", shuffled)
        again = read_merged(store.root, lead.record_id, store.path_of(lead.record_id))
        assert [(e.console, e.seq) for e in again.events] == [(e.console, e.seq) for e in first.events]
    # Times are on the shared folder's clock: console a's raw clock was 90 s fast.
    a_note = next(e for e in first.events if e.type == "note_added" and e.console == "a")
    assert a_note.at == clock.now - timedelta(minutes=4) + timedelta(seconds=1)
    for session, _, _ in consoles:
        session.close()
    lead.close()


def test_two_consoles_rating_one_step_are_kept_as_a_conflict_and_the_lead_settles_it(tmp_path):
    lead, store, clock = started(tmp_path)
    player = join_drill(RecordStore(store.root, "佐藤", clock), lead.record_id, "player", console_id="desk")
    clock.advance(minutes=3)
    lead.complete_step("s1", "P")  # neither has seen the other's yet
    player.complete_step("s1", "M")
    assert lead.refresh() and player.refresh()
    for session in (lead, player):
        conflict = session.state.conflict("s1")
        assert (conflict is not None
                and [(o.console, o.rating) for o in conflict.outcomes] == [(None, "P"), ("desk", "M")])
        assert session.state.steps["s1"].rating == "P"  # the first stands until settled
    with pytest.raises(SessionRefused) as refused:
        player.settle_conflict("s1", "desk", 2, "the desk saw it")
    assert refused.value.code == "role_settle"
    from bcp_drill.render.reports import render_drill_report

    t = Translator("en")
    # Until it is settled, the report's summary and step table say so (P is counted meanwhile).
    unsettled = render_drill_report(build_drill_report(read_drill_report_sources(store, lead.record_id, "en"), t),
                                    "md", t).decode()
    summary, steps = unsettled.split("## ")[1], unsettled[unsettled.index("| 安否確認 |"):].splitlines()[0]
    assert "ratings P 1, S 0, M 0, U 0" in summary
    assert "Consoles recorded different outcomes, not yet settled by the lead, for: 安否確認;" in summary
    assert "(!) consoles disagree, not settled: the first recorded is counted" in steps
    lead.settle_conflict("s1", "desk", 2, "the desk saw the delay")
    assert player.refresh()
    assert player.state.steps["s1"].rating == "M" and player.state.conflict("s1") is None
    assert state_digest(player) == state_digest(lead)
    # Nothing was overwritten: both outcomes and the settlement are in the record.
    events = read_merged(store.root, lead.record_id, store.path_of(lead.record_id)).events
    assert [e.type for e in events if e.type in ("step_completed", "conflict_settled")] == [
        "step_completed", "step_completed", "conflict_settled"]
    # The report shows both, the one set aside struck through with who settled it, each with its writer.
    sources = read_drill_report_sources(store, lead.record_id, t.lang)
    text = render_drill_report(build_drill_report(sources, t), "md", t).decode()
    assert "| 2 | 00:03:00 |" in text and "~~Done 安否確認 (P, target T+0:05)~~ (corrected by \\#3 (統括 山田" in text
    assert "| desk:2 | 00:03:00 |" in text and "settled: \\#desk:2 stands (the desk saw the delay)" in text
    assert "Console desk joined as player (佐藤@" in text  # the role in words
    assert "not settled" not in text and "consoles disagree" not in text
    player.close()
    lead.close()


def test_each_role_does_its_part(tmp_path):
    lead, store, clock = started(tmp_path)
    player = join_drill(RecordStore(store.root, "p", clock), lead.record_id, "player", console_id="p")
    controller = join_drill(RecordStore(store.root, "c", clock), lead.record_id, "controller", console_id="c")
    evaluator = join_drill(RecordStore(store.root, "e", clock), lead.record_id, "evaluator", console_id="e")
    clock.advance(minutes=4)
    for call, code in ((lambda: player.pause(), "role_clock"), (lambda: player.deliver_inject("i1"), "role_inject"),
                       (lambda: controller.complete_step("s1", "P"), "role_outcome"),
                       (lambda: player.rate_objective("o1", "S", "why"), "role_evaluate"),
                       (lambda: evaluator.end(), "role_end")):
        with pytest.raises(SessionRefused) as refused:
            call()
        assert refused.value.code == code
    assert player.deliver_due_injects() == []  # a player's clock never delivers injects
    assert [e.inject_id for e in controller.deliver_due_injects()] == ["i1"]
    controller.pause()
    evaluator.rate_objective("o1", "S", "slow roll call")
    problem = player.raise_problem("phone tree out of date", "s1", priority="high")
    assert problem.problem_id == "p-P01"  # a console's problems carry its name: never two P01
    assert lead.raise_problem("UPS alarm", "s2").problem_id == "P01"
    lead.refresh()
    assert lead.state.paused and "o1" in lead.state.objective_overrides
    # One record to everything that reads records: follow-ups, the report, who recorded what.
    assert {f.id for f in collect_followups(store)} == {f"{lead.record_id}/p-P01", f"{lead.record_id}/P01"}
    lead.end()
    report = build_drill_report(read_drill_report_sources(store, lead.record_id, "en"), Translator("en"))
    assert {e.by for e in report.timeline} >= {"統括 山田", "p", "c", "e"}
    assert set(report.recorders) >= {"統括 山田", "p", "c", "e"}
    for session in (player, controller, evaluator, lead):
        session.close()


def test_joining_again_reopens_the_console_and_bad_joins_are_refused(tmp_path):
    lead, store, clock = started(tmp_path)
    desk = join_drill(RecordStore(store.root, "佐藤", clock), lead.record_id, "player", console_id="desk")
    desk.add_note("first", None)
    desk.close()
    again = join_drill(RecordStore(store.root, "佐藤", clock), lead.record_id, "player", console_id="desk")
    assert [n.text for n in again.state.notes] == ["first"] and len(again.journal.events) == 2
    again.close()
    with pytest.raises(SessionRefused) as refused:
        join_drill(store, lead.record_id, "evaluator", console_id="desk")
    assert refused.value.code == "console_role_differs"
    with pytest.raises(SessionRefused):
        join_drill(store, lead.record_id, "boss")
    lead.close()
    assert DATA.is_dir()  # the fixture content stays untouched


def test_an_event_never_goes_before_what_its_writer_had_seen(tmp_path, monkeypatch):
    """A console whose clock is 30 s slow (and not known to be: its offset was measured as 0)
    reopens a step it saw the lead complete: in the merge the reopening still comes after."""
    lead, store, clock = started(tmp_path)
    monkeypatch.setattr("bcp_drill.drill.team.measure_clock_offset", lambda folder: 0.0)
    slow = FakeClock(clock.now - timedelta(seconds=30))
    desk = join_drill(RecordStore(store.root, "desk", slow), lead.record_id, "evaluator", console_id="desk")
    clock.advance(minutes=5)
    slow.advance(minutes=5)
    lead.complete_step("s1", "P")
    assert desk.refresh() and desk.state.steps["s1"].rating == "P"
    slow.advance(seconds=5)  # on its own clock, still 25 s before the lead's completion
    desk.reopen_step("s1")
    assert lead.refresh()
    assert lead.state.steps["s1"].outcome is None and state_digest(lead) == state_digest(desk)
    events = read_merged(store.root, lead.record_id, store.path_of(lead.record_id)).events
    kinds = [e.type for e in events if e.type in ("step_completed", "step_reopened")]
    assert kinds == ["step_completed", "step_reopened"]
    desk.close()
    lead.close()


def test_a_player_console_sees_the_injects_of_its_own_team_only(tmp_path):
    lead, store, clock = started(tmp_path)
    inject = mini_library().scenario("mini").injects[0]  # given to the lead role
    staff = join_drill(RecordStore(store.root, "s", clock), lead.record_id, "player", team="staff", console_id="s")
    leads = join_drill(RecordStore(store.root, "l", clock), lead.record_id, "player", team="lead", console_id="l")
    anyone = join_drill(RecordStore(store.root, "a", clock), lead.record_id, "player", console_id="a")
    controller = join_drill(RecordStore(store.root, "c", clock), lead.record_id, "controller", console_id="c")
    assert [s.sees_inject(inject) for s in (staff, leads, anyone, controller)] == [False, True, True, True]
    with pytest.raises(SessionRefused) as refused:
        join_drill(store, lead.record_id, "player", team="nobody", console_id="x")
    assert refused.value.code == "unknown_team"
    for session in (staff, leads, anyone, controller, lead):
        session.close()


def test_a_second_window_of_the_same_person_gets_a_console_of_its_own(tmp_path):
    """Two browsers served from one PC run as the same user on the same host: the second is
    not refused for the first one's lock, it becomes console -2."""
    lead, store, clock = started(tmp_path)
    first = join_drill(RecordStore(store.root, "受付", clock), lead.record_id, "player")
    second = join_drill(RecordStore(store.root, "受付", clock), lead.record_id, "player")
    assert second.console == f"{first.console}-2"
    first.add_note("from the first", None)
    second.add_note("from the second", None)
    assert lead.refresh() and [n.console for n in lead.state.notes] == [first.console, second.console]
    for session in (first, second, lead):
        session.close()


def test_consoles_and_teams_are_joined_by_the_names_people_use(tmp_path):
    """`--console 受付` is a console (its journal 受付.jsonl); `--team 情報システム班` (a team's
    title), `--team ict` (its id) or `--team ICT部門責任者` (a role's title) are understood; a
    console joined for a team sees the injects given to any role of that team."""
    from drill.test_plan_model import plan_source

    clock = FakeClock()
    store = make_store(tmp_path, clock, recorder="統括")
    lead = DrillSession.start(store, plan_source(), "tabletop", conditions={"hours": "office"})
    desk = join_drill(store.as_recorder("受付係"), lead.record_id, "player", team="情報システム班", console_id="受付")
    assert desk.journal.path.name == "受付.jsonl" and desk.console == "受付"
    by_id = join_drill(store.as_recorder("b"), lead.record_id, "player", team="ict", console_id="b")
    by_role = join_drill(store.as_recorder("c"), lead.record_id, "player", team="ICT部門責任者", console_id="c")
    facilities = join_drill(store.as_recorder("d"), lead.record_id, "player", team="管財課職員", console_id="d")
    to_staff = next(i for i in lead.scenario.injects if i.recipient == "staff")
    assert [s.sees_inject(to_staff) for s in (desk, by_id, by_role, facilities)] == [True, True, False, False]
    with pytest.raises(SessionRefused) as refused:
        join_drill(store, lead.record_id, "player", team="総務班", console_id="x")
    assert "情報システム班" in refused.value.message(Translator("ja"))
    with pytest.raises(SessionRefused):
        join_drill(store, lead.record_id, "player", console_id="../escape")
    for session in (desk, by_id, by_role, facilities, lead):
        session.close()

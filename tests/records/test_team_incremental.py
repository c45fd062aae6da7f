"""A team console's `refresh` reads only what the other journals had appended and merges it into
the state it has: after every refresh that state, and the merged events, are exactly what a full
read gives (`DrillState.from_events` of `read_merged`), whatever order the consoles wrote in,
however far apart their clocks are, and when a journal is damaged, cut or changed underneath."""

import random
from datetime import timedelta

from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.state import DrillState
from bcp_drill.drill.team import join_drill
from bcp_drill.records import team as team_records
from bcp_drill.records.team import MergeFollower, read_merged
from support.drills import FakeClock, make_store, mini_library


def full(store, record_id):
    return read_merged(store.root, record_id, store.path_of(record_id), seal_key=store.seal_key).events


def assert_as_rebuilt(session, store):
    events = full(store, session.record_id)
    assert session._follower is not None
    assert [(e.console, e.seq, e.at) for e in session._follower.events] == [(e.console, e.seq, e.at) for e in events]
    assert session._follower.events == events
    assert session.state == DrillState.from_events(session.scenario, events)


def counting_rebuilds(monkeypatch) -> list[int]:
    rebuilds: list[int] = []
    rebuild = MergeFollower._rebuild

    def counted(self, prints):
        rebuilds.append(1)
        rebuild(self, prints)

    monkeypatch.setattr(MergeFollower, "_rebuild", counted)
    return rebuilds


def team(tmp_path, monkeypatch, skews=(("a", 90.0), ("b", -40.0), ("c", 0.0))):
    clock = FakeClock()
    store = make_store(tmp_path, clock, recorder="統括 山田")
    lead = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    consoles = [(lead, clock, 0.0)]
    for console, skew in skews:
        monkeypatch.setattr("bcp_drill.drill.team.measure_clock_offset", lambda folder, s=skew: s)
        own = FakeClock(clock.now + timedelta(seconds=skew))
        consoles.append((join_drill(store.as_recorder(console, own), lead.record_id, "player",
                                    console_id=console), own, skew))
    return store, clock, consoles


def test_interleaved_consoles_agree_with_a_full_rebuild_after_every_refresh(tmp_path, monkeypatch):
    rebuilds = counting_rebuilds(monkeypatch)
    store, clock, consoles = team(tmp_path, monkeypatch)
    chance = random.Random(30)
    refreshes = 0
    for number in range(120):
        clock.advance(seconds=chance.choice([1, 2, 5]))
        session, own, skew = chance.choice(consoles)
        # Mostly in time; now and then an event whose clock is behind what was merged already.
        late = chance.choice([0, 0, 0, 0, -3, -30])
        own.now = clock.now + timedelta(seconds=skew + late)
        kind = chance.random()
        if kind < 0.15:
            session.complete_step(chance.choice(["s1", "s2"]), chance.choice(["S", "P"]))
        elif kind < 0.2 and session.console is None:
            session.toggle_clock()
        else:
            session.add_note(f"{session.console or 'lead'} {number}", chance.choice([None, "s1"]))
        for watcher, _, _ in consoles:
            if chance.random() < 0.6 and watcher.refresh():
                refreshes += 1
                assert_as_rebuilt(watcher, store)
    for watcher, _, _ in consoles:
        watcher.refresh()
        assert_as_rebuilt(watcher, store)
    # Most refreshes took in only what was appended.
    assert refreshes > 100 and len(rebuilds) <= len(consoles) + refreshes // 10


def notes_from_both(clock, a, clock_a, b, clock_b, word: str = "") -> None:
    """Three minutes in which consoles a and b each write a note a minute ("a 1", "b 1"…)."""
    for minute in range(1, 4):
        clock.advance(minutes=1)
        clock_a.now = clock_b.now = clock.now
        a.add_note(f"a {word}{minute}", None)
        b.add_note(f"b {word}{minute}", None)


def test_an_event_with_an_earlier_clock_is_placed_where_the_merge_puts_it(tmp_path, monkeypatch):
    store, clock, consoles = team(tmp_path, monkeypatch, skews=(("a", 0.0), ("b", 0.0)))
    (lead, _, _), (a, clock_a, _), (b, clock_b, _) = consoles
    notes_from_both(clock, a, clock_a, b, clock_b)
    assert lead.refresh()
    assert_as_rebuilt(lead, store)
    clock_a.now = clock.now - timedelta(minutes=2)  # a's clock behind what the lead has merged
    a.add_note("a early", None)
    assert lead.refresh()
    assert_as_rebuilt(lead, store)
    texts = [n.text for n in lead.state.notes]
    assert texts.index("a early") < texts.index("b 3")
    assert [e.text for e in lead.incoming] == ["a early"]
    # The lead's own event, then another console's placed before it: the state is made again.
    clock.advance(minutes=1)
    lead.add_note("lead 4", None)
    clock_b.now = clock.now - timedelta(seconds=30)
    b.add_note("b before lead 4", None)
    assert lead.refresh()
    assert_as_rebuilt(lead, store)
    assert [n.text for n in lead.state.notes][-2:] == ["b before lead 4", "lead 4"]


def test_a_new_console_and_one_more_event_are_taken_in_without_reading_everything(tmp_path, monkeypatch):
    store, clock, consoles = team(tmp_path, monkeypatch, skews=(("a", 0.0),))
    (lead, _, _), (a, clock_a, _) = consoles
    a.add_note("a 1", None)
    assert lead.refresh()
    rebuilds = counting_rebuilds(monkeypatch)
    read = []
    monkeypatch.setattr(team_records, "read_journal",
                        lambda path, salvage=False, r=team_records.read_journal: read.append(path) or r(path, salvage))
    late = join_drill(store.as_recorder("late"), lead.record_id, "player", console_id="late")
    clock.advance(minutes=1)
    clock_a.now = clock.now
    read.clear()  # joining reads the drill
    assert lead.refresh()
    assert [p.name for p in read] == ["late.jsonl"]  # only the new journal is read whole
    assert_as_rebuilt(lead, store)
    late.add_note("late 1", None)
    a.add_note("a 2", None)
    read.clear()
    assert lead.refresh()
    assert not read and not rebuilds
    assert_as_rebuilt(lead, store)
    assert [e.text for e in lead.incoming] == ["a 2", "late 1"]  # same time: by console id


def damage_cases():
    def cut_line(path):  # a line in the middle changed: named as damaged, its events before kept
        lines = path.read_bytes().split(b"\n")
        lines[2] = lines[2][:30]
        path.write_bytes(b"\n".join(lines))

    def changed_note(path):  # a note rewritten in place: the chain breaks
        path.write_bytes(path.read_bytes().replace(b"a note 1", b"a note X"))

    def cut_short(path):  # the last events gone: the seal says so
        lines = path.read_bytes().split(b"\n")
        path.write_bytes(b"\n".join(lines[:2]) + b"\n")

    def half_written(path):  # a line being written: left for later, the rest merged
        with path.open("ab") as handle:
            handle.write(b'{"type": "note_added", "seq"')

    return [cut_line, changed_note, cut_short, half_written]


def test_a_damaged_or_cut_console_journal_reads_as_a_full_read_does(tmp_path, monkeypatch):
    for number, damage in enumerate(damage_cases()):
        store, clock, consoles = team(tmp_path / str(number), monkeypatch, skews=(("a", 0.0), ("b", 0.0)))
        (lead, _, _), (a, clock_a, _), (b, clock_b, _) = consoles
        notes_from_both(clock, a, clock_a, b, clock_b, "note ")
        assert lead.refresh()
        assert_as_rebuilt(lead, store)
        clock.advance(minutes=1)
        clock_b.now = clock.now
        b.add_note("b note 4", None)
        a.close()
        damage(store.root / lead.record_id / "a.jsonl")
        assert lead.refresh(), damage.__name__
        assert_as_rebuilt(lead, store)
        texts = [n.text for n in lead.state.notes]
        assert "b note 4" in texts and ("a note 3" in texts) == (damage.__name__ == "half_written")


def test_an_event_read_after_one_that_had_seen_it_goes_before_that_one(tmp_path, monkeypatch):
    # b writes having seen a's newest event, which the lead could not take in yet (its seal was one
    # behind as the lead read): once it is sealed, the merge puts it before b's, later clock or not.
    store, clock, consoles = team(tmp_path, monkeypatch, skews=(("a", 0.0), ("b", 0.0)))
    (lead, _, _), (a, clock_a, _), (b, clock_b, _) = consoles
    clock.advance(minutes=1)
    clock_a.now = clock_b.now = clock.now
    a.add_note("a 1", None)
    assert lead.refresh()
    seal = store.root / lead.record_id / "a.seal"
    sealed_before = seal.read_bytes()
    clock_a.now = clock.now + timedelta(seconds=10)
    a.add_note("a 2", None)
    sealed_after = seal.read_bytes()
    assert b.refresh()
    clock_b.now = clock.now + timedelta(seconds=5)
    b.add_note("b saw a 2", None)
    seal.write_bytes(sealed_before)  # as the lead reads, a's last event is not sealed yet
    assert lead.refresh()
    assert_as_rebuilt(lead, store)
    assert [n.text for n in lead.state.notes] == ["a 1", "b saw a 2"]
    seal.write_bytes(sealed_after)
    assert lead.refresh()
    assert_as_rebuilt(lead, store)
    assert [n.text for n in lead.state.notes] == ["a 1", "a 2", "b saw a 2"]

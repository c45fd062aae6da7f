"""The status tally reproduces the seed's section-2 table cell by cell."""

import pytest

from bcp_drill.content.library import ContentLibrary
from bcp_drill.review.session import ReviewSession
from bcp_drill.review.tally import tally_review
from support.drills import DATA, FakeClock, make_store

# How each measure of the seed's three pillars was rated (status, carry-over), item by item.
SEED_RATINGS = {
    "p1": [("continuing-above", "expand")] + [("continuing-on-target", "same-scale")] * 8
    + [("continuing-unchanged", "abolish")] + [("finished-on-target", "abolish")]
    + [("finished-on-target", "same-scale")],
    "p2": [("continuing-on-target", "expand")] + [("continuing-on-target", "same-scale")] * 4
    + [("continuing-in-progress", "same-scale")] * 2 + [("finished-on-target", "abolish")],
    "p3": [("continuing-above", "same-scale")] + [("continuing-on-target", "same-scale")] * 4
    + [("continuing-in-progress", "same-scale")] * 2 + [("finished-on-target", "abolish")] * 3,
}

# The seed's table (第3次計画における施策の評価と次期計画への引継ぎ); blank cells are 0.
STATUS_COLUMNS = ["continuing-above", "continuing-on-target", "continuing-in-progress", "continuing-unchanged",
                  "finished-above", "finished-on-target", "finished-abolished"]
CARRY_COLUMNS = ["expand", "same-scale", "shrink", "abolish"]
SEED_TABLE = {
    "p1": (12, [1, 8, 0, 1, 0, 2, 0], [1, 9, 0, 2]),
    "p2": (8, [0, 5, 2, 0, 0, 1, 0], [1, 6, 0, 1]),
    "p3": (10, [1, 4, 2, 0, 0, 3, 0], [0, 7, 0, 3]),
    "": (30, [2, 17, 4, 1, 0, 6, 0], [2, 22, 0, 6]),
}


@pytest.fixture
def review(tmp_path):
    library = ContentLibrary.load([DATA / "content"], cwd=DATA)
    checklist = library.checklist("seed-measures")
    store = make_store(tmp_path, FakeClock())
    session = ReviewSession.start(store, library.checklists["seed-measures"], library.scale_of(checklist),
                                  fiscal_year_value=2019)
    yield session
    session.close()


def rate_like_the_seed(session, skip=()):
    for pillar, ratings in SEED_RATINGS.items():
        for number, (status, carry) in enumerate(ratings, 1):
            item_id = f"{pillar}-m{number:02d}"
            if item_id in skip:
                continue
            session.rate(item_id, "status", status)
            session.rate(item_id, "carryover", carry)


def test_tally_reproduces_every_cell_of_the_seed_table(review):
    rate_like_the_seed(review)
    tally = tally_review(review.state)
    rows = {row.key: row for row in tally.rows + [tally.total]}
    assert list(rows) == ["p1", "p2", "p3", ""]
    for key, (items, statuses, carries) in SEED_TABLE.items():
        row = rows[key]
        assert row.items == items, key
        assert [row.count("status", code) for code in STATUS_COLUMNS] == statuses, key
        assert [row.count("carryover", code) for code in CARRY_COLUMNS] == carries, key
        assert row.unrated_count("status") == row.unrated_count("carryover") == 0
    assert tally.consistent and tally.complete


def test_columns_follow_the_scale_and_its_groups(review):
    tally = tally_review(review.state)
    assert [(c.dimension, c.option, c.group) for c in tally.columns] == (
        [("status", code, "continuing") for code in STATUS_COLUMNS[:4]]
        + [("status", code, "finished") for code in STATUS_COLUMNS[4:]]
        + [("carryover", code, None) for code in CARRY_COLUMNS])


def test_unrated_items_are_counted_and_flagged(review):
    rate_like_the_seed(review, skip={"p2-m03", "p3-m10"})
    review.rate("p3-m10", "status", "finished-on-target")  # status only: carry-over still open
    tally = tally_review(review.state)
    rows = {row.key: row for row in tally.rows}
    assert rows["p2"].unrated == {"status": ["p2-m03"], "carryover": ["p2-m03"]}
    assert rows["p3"].unrated == {"carryover": ["p3-m10"]}
    assert tally.total.unrated_count("status") == 1 and tally.total.unrated_count("carryover") == 2
    assert tally.unrated_items() == ["p2-m03", "p3-m10"]
    assert tally.consistent and not tally.complete


def test_rerating_and_clearing_are_corrections(review):
    review.rate("p1-m01", "status", "continuing-above")
    assert review.rate("p1-m01", "status", "continuing-above") is None  # nothing new to record
    review.rate("p1-m01", "status", "finished-abolished")
    review.clear("p1-m01")
    assert review.state.items["p1-m01"].ratings == {}
    assert [e.type for e in review.journal.events] == [
        "review_started", "item_rated", "item_rated", "item_rating_cleared"]


def test_the_scale_key_map_names_every_option_once(review):
    from bcp_drill.review.view import key_map

    keys = key_map(review.scale)
    assert keys["2"] == ("status", "continuing-on-target") and keys["x"] == ("carryover", "abolish")
    assert len(keys) == sum(len(d.options) for d in review.scale.dimensions)
    review.rate("p1-m01", *keys["2"])
    review.rate("p1-m01", *keys["x"])
    assert review.state.items["p1-m01"].ratings == {"status": "continuing-on-target", "carryover": "abolish"}


def test_unknown_option_is_refused(review):
    from bcp_drill.errors import SessionRefused

    with pytest.raises(SessionRefused):
        review.rate("p1-m01", "status", "great")
    assert [e.type for e in review.journal.events] == ["review_started"]


def test_tally_columns_follow_any_scale(tmp_path):
    from bcp_drill.i18n import Translator
    from bcp_drill.render.tables import render_text
    from bcp_drill.render.tallies import review_tally_table
    from conftest import REPO

    library = ContentLibrary.load([REPO / "checklists"], cwd=REPO)
    checklist = library.checklist("ict-bcp-readiness")
    session = ReviewSession.start(make_store(tmp_path, FakeClock()), library.checklists["ict-bcp-readiness"],
                                  library.scale_of(checklist), fiscal_year_value=2025)
    session.rate("org.contacts", "status", "done")
    session.rate("org.call-in", "status", "partly")
    session.rate("sys.backup", "status", "not-applicable")
    tally = tally_review(session.state)
    session.close()
    assert [(c.dimension, c.option, c.group) for c in tally.columns] == [
        ("status", "done", None), ("status", "partly", None), ("status", "not-done", None),
        ("status", "not-applicable", None)]
    rows = {row.key: row for row in tally.rows}
    assert rows["organisation"].items == 5 and rows["organisation"].count("status", "done") == 1
    assert rows["organisation"].unrated_count("status") == 3
    assert tally.total.items == 24 and tally.total.unrated_count("status") == 21 and tally.consistent
    text = render_text(review_tally_table(tally, session.state, Translator("ja")))
    header = text.splitlines()[3].split()
    assert header == ["区分（柱）", "項目数", "済", "一部", "未", "対象外", "整備状況", "確認"]


def test_the_printed_table_matches_the_seeds_text_with_blank_zeros(review):
    """With --blank-zero the table's cells are the seed's own, as text (its empty cells empty)."""
    import csv
    import io

    from bcp_drill.i18n import Translator
    from bcp_drill.render.tables import render_csv
    from bcp_drill.render.tallies import review_tally_table
    from conftest import REPO

    rate_like_the_seed(review)
    table = review_tally_table(tally_review(review.state), review.state, Translator("ja"), blank_zero=True)
    rows = list(csv.reader(io.StringIO(render_csv(table))))
    assert rows[0][2] == "施策の評価" and rows[0][9] == "次期計画への引継ぎ"  # as the seed's headings
    assert rows[1][2] == "継続中" and rows[1][6] == "完了・廃止・中止"
    assert rows[2][:2] == ["基本施策（柱）", "施策数"]
    seed = (REPO.parent / "shared" / "seed" / "000_cde75fbaf059ac94.txt").read_text(encoding="utf-8")
    printed = [line.split("\t") for line in seed.splitlines() if line.startswith("(") and "\t" in line]
    assert len(printed) == 3
    for ours, theirs in zip(rows[3:6], printed, strict=True):
        assert ours[:13] == theirs[:13]


def test_the_not_yet_rated_list_is_in_checklist_order_and_tells_partly_rated(review):
    from bcp_drill.i18n import Translator
    from bcp_drill.render.tallies import review_tally_table

    rate_like_the_seed(review, skip={"p3-m02", "p1-m05"})
    review.rate("p3-m02", "carryover", "expand")  # only one of the two ratings
    notes = review_tally_table(tally_review(review.state), review.state, Translator("en")).notes
    assert notes[1:] == ["  [ ] p1-m05  施策1-5",
                         "  [~] p3-m02  施策3-2  (partly rated; missing: Status)"]


def test_a_long_requirement_in_the_not_yet_rated_list_is_cut_with_an_ellipsis(tmp_path):
    from bcp_drill.content.files import bundled_dirs
    from bcp_drill.i18n import Translator
    from bcp_drill.render.tallies import review_tally_table

    library = ContentLibrary.load(bundled_dirs())
    checklist = library.checklist("plan-review-3rd")
    session = ReviewSession.start(make_store(tmp_path, FakeClock()), library.checklists["plan-review-3rd"],
                                  library.scale_of(checklist), fiscal_year_value=2019)
    notes = review_tally_table(tally_review(session.state), session.state, Translator("en")).notes
    session.close()
    long_ones = [i for i in checklist.all_items() if len(i.requirement.get("en")) > 60]
    assert long_ones  # the shipped checklist has some
    line = next(n for n in notes if f"] {long_ones[0].id}  " in n)
    assert line.endswith(long_ones[0].requirement.get("en")[:59] + "…")

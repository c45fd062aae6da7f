"""What a review must rate in each 年度 of a plan: the carry-over only in the plan's last year,
and a measure finished in an earlier year is not rated again (it stands, and is counted)."""

import pytest

from bcp_drill.content.library import ContentLibrary
from bcp_drill.i18n import Translator
from bcp_drill.render.tallies import review_tally_table
from bcp_drill.review.session import ReviewSession, latest_review_before
from bcp_drill.review.tally import tally_review
from bcp_drill.review.view import ReviewView, item_mark
from review.test_tally import SEED_RATINGS
from support.drills import DATA, FakeClock, make_store


@pytest.fixture
def plan_library(tmp_path):
    text = (DATA / "content" / "seed-measures.yaml").read_text(encoding="utf-8")
    text = text.replace("scale: plan-measure\n", "scale: plan-measure\nplan_years: {first: H29, last: R1}\n"
                        "final_year_only: [carryover]\n", 1)
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "seed-measures.yaml").write_text(text, encoding="utf-8")
    library = ContentLibrary.load([folder], cwd=tmp_path)
    assert not library.problems, library.problems
    return library


def start(store, library, year):
    checklist = library.checklist("seed-measures")
    return ReviewSession.start(store, library.checklists["seed-measures"], library.scale_of(checklist),
                               fiscal_year_value=year, previous=latest_review_before(store, "seed-measures", year))


def rate_statuses(session, skip=()):
    for pillar, ratings in SEED_RATINGS.items():
        for number, (status, _) in enumerate(ratings, 1):
            if f"{pillar}-m{number:02d}" not in skip:
                session.rate(f"{pillar}-m{number:02d}", "status", status)


def test_a_mid_plan_year_asks_no_carry_over(tmp_path, plan_library):
    store = make_store(tmp_path, FakeClock())
    session = start(store, plan_library, 2018)  # 平成30年度: not the plan's last year
    rate_statuses(session)
    t = Translator("ja")
    assert ReviewView(session.state, "ja").progress_text(t) == "評価済 30/30"  # not 0/30
    assert session.state.unrated_items() == []
    tally = tally_review(session.state)
    assert tally.complete and tally.consistent
    table = review_tally_table(tally, session.state, t)
    total = table.rows[-1]
    assert total[-3:] == [0, "-", "OK"]  # unrated status 0; carry-over not asked: "-"
    assert any("計画の最終年度（令和元年度）に決めるため" in note for note in table.notes)
    session.close()
    # The plan's last year asks it.
    final = start(store, plan_library, 2019)
    rate_statuses(final)
    assert len(final.state.unrated_items()) == 30 and item_mark(final.state, "p1-m01") == "[~]"
    final.close()


def test_a_measure_finished_earlier_is_not_rated_again_and_is_counted(tmp_path, plan_library):
    store = make_store(tmp_path, FakeClock())
    first = start(store, plan_library, 2017)
    first.rate("p2-m08", "status", "finished-on-target")  # finished in 平成29年度
    first.close()
    middle = start(store, plan_library, 2018)  # not rated again in 平成30年度
    assert middle.state.missing("p2-m08") == [] and item_mark(middle.state, "p2-m08") == "[v]"
    middle.close()
    final = start(store, plan_library, 2019)  # started from 平成30年度, which never rated it
    assert final.state.carried("p2-m08") == {"status": ("finished-on-target", 2017)}
    assert final.state.missing("p2-m08") == ["carryover"]
    rate_statuses(final, skip=("p2-m08",))
    for pillar, ratings in SEED_RATINGS.items():
        for number, (_, carry) in enumerate(ratings, 1):
            final.rate(f"{pillar}-m{number:02d}", "carryover", carry)
    tally = tally_review(final.state)
    assert tally.complete and tally.carried == ["p2-m08"]
    p2 = next(row for row in tally.rows if row.key == "p2")
    assert p2.count("status", "finished-on-target") == 1 and p2.items == 8  # as the seed counts it
    shown = ReviewView(final.state, "ja").item("p2-m08")
    assert shown.ratings[0].option is not None and shown.ratings[0].option.code == "finished-on-target"
    final.close()


def test_a_final_year_dimension_the_scale_has_not_is_a_problem_with_its_line(tmp_path):
    text = (DATA / "content" / "seed-measures.yaml").read_text(encoding="utf-8")
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "seed-measures.yaml").write_text(text.replace(
        "scale: plan-measure\n", "scale: plan-measure\nfinal_year_only: [carry]\n", 1), encoding="utf-8")
    library = ContentLibrary.load([folder], cwd=tmp_path)
    assert "seed-measures" not in library.checklists
    said = [p.render(Translator("en")) for p in library.problems]
    assert said == ["content/seed-measures.yaml:7:18: rating dimension 'carry' is not defined "
                    "(defined: status, carryover)"], said

"""The review read model: marks, labels, keys and previous assessments for every front end."""

from bcp_drill.content.library import ContentLibrary
from bcp_drill.i18n import Translator
from bcp_drill.review.view import (
    ReviewView,
    item_mark,
    key_map,
    option_by_key_or_code,
    previous_assessment,
    short_option_label,
)
from conftest import REPO
from support.drills import FakeClock, make_store


def shipped_review(tmp_path):
    from bcp_drill.review.session import ReviewSession

    library = ContentLibrary.load([REPO / "checklists"], cwd=REPO)
    checklist = library.checklist("plan-review-3rd")
    store = make_store(tmp_path, FakeClock())
    return ReviewSession.start(store, library.checklists["plan-review-3rd"], library.scale_of(checklist),
                               fiscal_year_value=2019)


def test_marks_follow_how_many_dimensions_are_rated(tmp_path):
    session = shipped_review(tmp_path)
    assert item_mark(session.state, "cc-a.a") == "[ ]"
    session.rate("cc-a.a", "status", "continuing-on-target")
    assert item_mark(session.state, "cc-a.a") == "[~]"
    session.rate("cc-a.a", "carryover", "same-scale")
    assert item_mark(session.state, "cc-a.a") == "[v]"
    assert ReviewView(session.state, "ja").progress_text(Translator("ja")) == "評価済 1/22"
    session.close()


def test_two_codes_never_share_one_word(tmp_path):
    session = shipped_review(tmp_path)
    status = session.scale.dimension("status")
    words = {code: short_option_label(status, status.option(code), "ja")
             for code in ("continuing-above", "finished-above", "continuing-in-progress")}
    assert words == {"continuing-above": "目標以上（継続中）", "finished-above": "目標以上（完了）",
                     "continuing-in-progress": "実施中"}  # unique short labels stay short
    all_words = [short_option_label(status, o, "ja") for o in status.options]
    assert len(set(all_words)) == len(all_words)
    session.close()


def test_keys_and_codes_name_the_same_options(tmp_path):
    session = shipped_review(tmp_path)
    keys = key_map(session.scale)
    assert keys["5"] == ("status", "finished-above") and keys["r"] == ("carryover", "shrink")
    carryover = session.scale.dimension("carryover")
    assert option_by_key_or_code(carryover, "r") is option_by_key_or_code(carryover, "shrink")
    assert option_by_key_or_code(carryover, "9") is None
    session.close()


def test_the_previous_assessment_falls_back_to_the_items_group(tmp_path):
    session = shipped_review(tmp_path)
    checklist = session.checklist
    text = previous_assessment(checklist, "cc-a.a", "ja")
    assert text.startswith("毎年度、進捗状況を確認しながら事業を実施。")  # written once for group ア
    assert ReviewView(session.state, "en").item("cc-a.a").previous.startswith("Projects were run")
    session.close()


def test_the_review_report_prints_the_seeds_previous_assessment_as_the_screen_shows_it(tmp_path):
    from bcp_drill.i18n import Translator
    from bcp_drill.render.reports import render_review_report
    from bcp_drill.reports.review_report import build_review_report
    from bcp_drill.review.view import ReviewView

    session = shipped_review(tmp_path)
    session.close()
    shown = ReviewView(session.state, "ja").item("cc-a.a").previous
    assert "毎年度、進捗状況を確認しながら事業を実施" in shown  # the seed's ⇒ for 3(1)ア
    t = Translator("ja")
    report = build_review_report(_store_of(session), session.record_id, t)
    markdown = render_review_report(report, "md", t).decode("utf-8")
    assert "毎年度、進捗状況を確認しながら事業を実施" in markdown


def _store_of(session):
    from bcp_drill.records.store import RecordStore

    return RecordStore(session.journal.path.parent, "reader")

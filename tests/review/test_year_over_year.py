"""Next year's review starts from this one: its ratings empty, last year's shown as previous."""

from bcp_drill.content.library import ContentLibrary
from bcp_drill.i18n import Translator
from bcp_drill.render.reports import render_review_report
from bcp_drill.reports.review_report import build_review_report
from bcp_drill.review.session import ReviewSession, latest_review_before
from bcp_drill.review.view import ReviewView
from support.drills import DATA, FakeClock, make_store


def test_next_years_review_shows_last_years_ratings_assessment_and_evidence_as_previous(tmp_path):
    library = ContentLibrary.load([DATA / "content"], cwd=DATA)
    checklist = library.checklist("seed-measures")
    scale = library.scale_of(checklist)
    store = make_store(tmp_path, FakeClock())
    for year, rating in ((2018, "continuing-in-progress"), (2019, "continuing-on-target")):
        session = ReviewSession.start(store, library.checklists["seed-measures"], scale, fiscal_year_value=year,
                                      previous=latest_review_before(store, "seed-measures", year))
        session.rate("p1-m01", "status", rating)
        session.rate("p1-m01", "carryover", "same-scale")
        session.assess("p1-m01", f"{year}年度の所見")
        session.record_evidence("p1-m01", "事業評価シート")
        session.finish()
        session.close()

    previous = latest_review_before(store, "seed-measures", 2020)
    assert previous is not None and previous.started.fiscal_year == 2019  # the latest earlier year
    nxt = ReviewSession.start(store, library.checklists["seed-measures"], scale, fiscal_year_value=2020,
                              previous=previous)
    first = nxt.journal.events[0]
    assert (first.previous_year, first.previous_record) == (2019, previous.started.record_id)
    assert nxt.state.items["p1-m01"].ratings == {}  # this year's ratings start empty
    shown = ReviewView(nxt.state, "ja").item("p1-m01").previous
    assert shown == "令和元年度: 目標通り（継続中） / 同規模 ⇒ 2019年度の所見 (証跡: 事業評価シート)"
    # An item last year said nothing of keeps the checklist's own previous assessment (none here).
    assert ReviewView(nxt.state, "ja").item("p2-m01").previous == ""
    nxt.close()
    t = Translator("ja")
    report = render_review_report(build_review_report(store, nxt.record_id, t), "md", t).decode("utf-8")
    assert "前回の総括: 令和元年度: 目標通り（継続中） / 同規模 ⇒ 2019年度の所見" in report


def test_follow_ups_gather_into_the_main_issues_of_the_next_plan(tmp_path, capsys):
    """The seed's section 4: follow-ups grouped under the main issues carried into the next plan."""
    from bcp_drill.cli import main

    library = ContentLibrary.load([DATA / "content"], cwd=DATA)
    checklist = library.checklist("seed-measures")
    store = make_store(tmp_path, FakeClock())
    session = ReviewSession.start(store, library.checklists["seed-measures"], library.scale_of(checklist),
                                  fiscal_year_value=2019)
    session.raise_problem("HP の更新が遅い", "p1-m01", main_issue="ホームページの見やすさと鮮度の確保")
    session.raise_problem("標的型メールの開封", "p3-m01",
                          main_issue="ソーシャルエンジニアリング等に対する職員の意識の向上")
    session.raise_problem("古いページが残る", "p1-m02", main_issue="ホームページの見やすさと鮮度の確保")
    session.raise_problem("PC 研修の受講者が少ない", "p3-m02")
    record_id = session.record_id
    session.close()

    def run(*args):
        code = main([*args, "--records", str(store.root), "--content", str(DATA / "content"), "--lang", "ja"])
        return code, capsys.readouterr().out

    assert run("followups", "update", f"{record_id}/P04", "--main-issue", "職員の情報リテラシー、PC スキル向上")[0] == 0
    code, out = run("followups", "--main-issues", "--format", "md")
    assert code == 0
    lines = [line for line in out.splitlines() if line.startswith("| (")]
    assert [line.split(" | ")[1] for line in lines] == [
        "ホームページの見やすさと鮮度の確保", "ソーシャルエンジニアリング等に対する職員の意識の向上",
        "職員の情報リテラシー、PC スキル向上"]
    assert (lines[0].startswith("| (1) |") and "P01 HP の更新が遅い \\[未着手\\]" in lines[0]
            and "P03 古いページが残る" in lines[0])
    t = Translator("ja")
    report = render_review_report(build_review_report(store, record_id, t), "md", t).decode("utf-8")
    section = report[report.index("## 4 今後の主な課題"):]
    assert ("1. ホームページの見やすさと鮮度の確保\n    - P01 HP の更新が遅い [未着手]\n"
            "    - P03 古いページが残る [未着手]") in section
    assert "2. ソーシャルエンジニアリング等に対する職員の意識の向上" in section
    from markdown_it import MarkdownIt

    kinds = [token.type for token in MarkdownIt("commonmark").parse(section)]
    # an ordered list of the main issues, each holding a bullet list of its follow-ups
    assert kinds.count("ordered_list_open") == 1 and kinds.count("bullet_list_open") == 3


def test_main_issues_written_with_other_widths_or_spaces_are_one():
    """"PCスキル", "PC スキル" and "ＰＣスキル" name one main issue, not three."""
    from datetime import datetime, timezone

    from bcp_drill.followups.items import FollowUp, main_issues

    def item(number: int, issue: str) -> FollowUp:
        return FollowUp(id=f"r/P0{number}", record_id="r", problem_id=f"P0{number}", source_kind="review",
                        source_subject="c", source_ref=None, source_title="", fiscal_year=2019, title=f"t{number}",
                        description="", category="training", priority="medium", owner_organisation="",
                        owner_person="", start=None, due=None, raised_by="x",
                        raised_at=datetime(2020, 1, number, tzinfo=timezone.utc), main_issue=issue)

    issues = main_issues([item(1, "職員のPCスキル向上"), item(2, "職員の PC スキル向上"),
                          item(3, "職員のＰＣスキル向上")])
    assert [(i.title, len(i.followups)) for i in issues] == [("職員のPCスキル向上", 3)]

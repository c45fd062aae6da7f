"""Reports of any length: a drill with many earlier drills of its scenario has a report as long
as one with ten (the trend's newest drills and the newest actions raised again, with how many
more there are), and a character no font has is refused before the document is laid out."""

from datetime import date, timedelta

import pytest

from bcp_drill.content.library import ContentLibrary
from bcp_drill.drill.session import DrillSession
from bcp_drill.i18n import Translator
from bcp_drill.render.reports import drill_report_sheets, render_drill_report, trend_table
from bcp_drill.reports.drill_report import REPORT_TREND_DRILLS, build_drill_report
from bcp_drill.reports.drill_report_sources import read_drill_report_sources
from bcp_drill.reports.executive_summary import RECURRING_SHOWN
from bcp_drill.reports.trend import scenario_trend
from render.test_executive_summary import weasyprint_or_skip
from support.drills import DATA, FakeClock, make_store
from tui.support import use_utc

EARLIER = 30


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """EARLIER + 1 drills of the mini scenario, a day apart, each raising the same problem."""
    use_utc()
    clock = FakeClock()
    store = make_store(tmp_path_factory.mktemp("many"), clock)
    scenario = ContentLibrary.load([DATA / "content"], cwd=DATA).scenarios["mini"]
    ids = []
    for number in range(EARLIER + 1):
        started = clock.now
        drill = DrillSession.start(store, scenario, "tabletop")
        clock.now = started + timedelta(minutes=2 + number)
        drill.complete_step("s1", "S")
        drill.raise_problem("連絡網が古い", "s1", priority="high", due=date(2027, 3, 31))
        drill.end()
        drill.close()
        ids.append(drill.record_id)
        clock.now = started + timedelta(days=1)
    return store, ids


def report_of(many, lang):
    store, ids = many
    t = Translator(lang)
    return build_drill_report(read_drill_report_sources(store, ids[-1], t.lang), t), t


def test_the_report_shows_the_newest_drills_and_says_how_many_more_there_are(many):
    store, ids = many
    report, t = report_of(many, "en")
    shown = REPORT_TREND_DRILLS
    assert report.trend is not None and [r for r, _ in report.trend.drills] == ids[-shown:]
    assert report.trend.not_shown == EARLIER + 1 - shown
    # The change is over the drills shown: s1 took one minute more in each drill.
    assert report.trend.steps[0].change_minutes() == shown - 1
    note = (f"The {EARLIER + 1 - shown} earlier drills are not shown here (the change is from the oldest drill "
            f"shown); bcp-drill trend mini lists them all.")
    more = f"{EARLIER - RECURRING_SHOWN} more, raised in older drills, are not shown here"
    md = render_drill_report(report, "md", t).decode("utf-8")
    html = render_drill_report(report, "html", t).decode("utf-8")
    for text in (md, html):
        assert f"trend over {shown} drills" in text and note in text and more in text
        # The oldest drill shown (2026-11-25 + 21 days) heads its column; the first drill is not there.
        assert "2026-12-16" in text and "2026-11-25" not in text
    # Drill columns: the newest ten, this drill marked; none of the older ones.
    table = trend_table(report.trend, t, ids[-1])
    assert len(table.columns) == 2 + shown + 1 and table.columns[-2].label.endswith("(this drill)")
    assert [a.item.record_id for a in report.executive.recurring] == ids[-1 - RECURRING_SHOWN:-1]
    assert report.executive.recurring_not_shown == EARLIER - RECURRING_SHOWN
    assert f"{ids[0]}/P01" not in html and f"{ids[-2]}/P01" in html
    # The spreadsheet has the same cap and notes.
    sheets = dict(drill_report_sheets(report, t))
    assert note in sheets["Trend"].notes and len(sheets["Trend"].columns) == 2 + shown + 1


def test_the_japanese_report_says_it_too(many):
    report, t = report_of(many, "ja")
    md = render_drill_report(report, "md", t).decode("utf-8")
    assert f"これより前の訓練 {EARLIER + 1 - REPORT_TREND_DRILLS} 回はここに示していません" in md
    assert "bcp-drill trend mini" in md
    assert f"ほかに以前の訓練の {EARLIER - RECURRING_SHOWN} 件があり" in md


def test_the_trend_command_keeps_every_drill(many):
    store, ids = many
    trend = scenario_trend(store, "mini", "en")
    assert trend is not None and len(trend.drills) == EARLIER + 1 and trend.not_shown == 0
    table = trend_table(trend, Translator("en"))
    assert len(table.columns) == 2 + EARLIER + 1 + 1
    assert not any("not shown" in note for note in table.notes)


def test_the_glyph_probe_holds_each_drawn_character_once_under_the_documents_head():
    from bcp_drill.render.pdf import glyph_probe

    head = '<!DOCTYPE html><html lang="ja"><head><style>p { font-family: "Z" }</style><title>題名</title></head>'
    body = "<body><p>安否 安否 &lt;a&gt;</p><p>e\u0301 e\u0301</p><svg><text>%</text></svg></body></html>"
    probe = glyph_probe(head + body)
    assert probe == head + "<body><p>安 否 &lt; a &gt; e\u0301 %</p></body></html>"


def test_a_missing_glyph_is_refused_before_the_document_is_laid_out(monkeypatch):
    weasyprint_or_skip()
    import weasyprint

    from bcp_drill.render.pdf import PdfUnavailable, html_to_pdf

    laid_out = []
    real = weasyprint.HTML

    def recording(*args, **kwargs):
        laid_out.append(kwargs["string"])
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", recording)
    # A long document, the missing character near its end: only the small probe is laid out.
    body = "".join(f"<p>Row {n} of a long report</p>" for n in range(3000))
    document = f"<html><head></head><body>{body}<p>x\u0378y\u0379\u0378</p></body></html>"
    with pytest.raises(PdfUnavailable) as refused:
        html_to_pdf(document.encode())
    assert refused.value.code == "missing_glyphs"
    assert refused.value.params == {"count": 2, "chars": "\u0378\u0379"}
    assert len(laid_out) == 1 and len(laid_out[0]) < 200
    # Every character drawn: the probe, then the document itself.
    laid_out.clear()
    assert html_to_pdf(b"<p>Plain ASCII</p>").startswith(b"%PDF")
    assert len(laid_out) == 2 and laid_out[1] == "<p>Plain ASCII</p>"


def test_a_trend_keeping_the_newest_drills_holds_only_those_and_counts_the_rest(many):
    store, ids = many
    full = scenario_trend(store, "mini", "en")
    seen: list = []
    kept = scenario_trend(store, "mini", "en", up_to=ids[-1], seen=seen, keep_last=3,
                          seen_problem=lambda item: item.title == "別の課題")  # none raised again
    assert [r for r, _ in kept.drills] == [r for r, _ in full.drills][-3:] == ids[-3:]
    assert kept.not_shown == EARLIER + 1 - 3 and kept.figures == full.figures[-3:]
    assert [p.record_id for p in kept.steps[0].points] == ids[-3:]
    assert kept.steps[0].points == full.steps[0].points[-3:]
    # Of the older drills, only problems raised again are kept: here none, so only the three held.
    assert [record for record, _ in seen] == ids[-3:]
    assert all([item.title for item in items] == ["連絡網が古い"] for _, items in seen)  # their one problem

"""The plan-review report of the shipped section-3 checklist, reviewed in full and printed on A4
(issue 25): no page holds only the "made with" line or only a heading, in Japanese and in English."""

import re

import pytest

from bcp_drill import __version__
from bcp_drill.cli import main
from bcp_drill.content.library import ContentLibrary
from bcp_drill.i18n import Translator
from bcp_drill.render.reports import render_review_report
from bcp_drill.reports.review_report import build_review_report
from bcp_drill.review.session import ReviewSession
from conftest import REPO
from render.test_executive_summary import japanese_font_installed, pdf_pages, weasyprint_or_skip
from review.test_publish_seed import SEED_ISSUES  # the seed's section 4
from support.drills import FakeClock, make_store
from tui.support import use_utc

# With as many follow-ups, the body ended at the foot of its last page (Noto CJK, WeasyPrint 70), and
# the footer, then in the flow, took a page of its own: 15 pages in Japanese, 17 in English.
FOLLOW_UPS = {"ja": 10, "en": 32}
HEADINGS = ("h1", "h2", "h3", "caption", "thead")
BLOCKS = (*HEADINGS, "p", "li", "tr", "dl", "div", "td")


def reviewed_in_full(tmp_path, follow_ups: int):
    """The shipped plan-review checklist with every item rated, each group's ⇒ written as the seed
    words it, and FOLLOW_UPS follow-ups under the seed's main issues; returns (store, record id)."""
    library = ContentLibrary.load([REPO / "checklists"], cwd=REPO)
    checklist = library.checklist("plan-review-3rd")
    store = make_store(tmp_path, FakeClock())
    review = ReviewSession.start(store, library.checklists["plan-review-3rd"], library.scale_of(checklist),
                                 fiscal_year_value=2019)

    def rate(sections):
        for section in sections:
            for item in section.items:
                review.rate(item.id, "status", "continuing-on-target")
                review.rate(item.id, "carryover", "same-scale")
            if section.items and section.previous_assessment:
                review.assess(section.items[0].id, section.previous_assessment.get("ja"))
            rate(section.sections)

    rate(checklist.sections)
    item_ids = list(review.state.items)
    for number in range(follow_ups):
        issue = SEED_ISSUES[number % len(SEED_ISSUES)]
        review.raise_problem(f"{issue}（{number + 1}）", source_ref=item_ids[number % len(item_ids)],
                             main_issue=issue, owner_organisation="情報政策課")
    review.finish()
    review.close()
    return store, review.record_id


@pytest.fixture(scope="module")
def reviews(tmp_path_factory):
    use_utc()
    return {lang: reviewed_in_full(tmp_path_factory.mktemp(lang), count) for lang, count in FOLLOW_UPS.items()}


def squeezed(text: str) -> str:
    return "".join(text.split())


def footer_pattern(t: Translator) -> re.Pattern[str]:
    """The "made with" line, spaces taken out, at any time (the command line writes it at the real time)."""
    wording = squeezed(t("report.generated", at="{at}", version=__version__))
    return re.compile(re.escape(wording).replace(re.escape("{at}"), r"[0-9:/\-]+"))


def text_of(box) -> str:
    from weasyprint.formatting_structure.boxes import TextBox

    return " ".join(b.text for b in box.descendants() if isinstance(b, TextBox))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_laid_out_page_holds_body_text_and_none_ends_with_a_heading(reviews, lang):
    """Read from WeasyPrint's boxes (the layout `write_pdf` draws), so it holds without a Japanese
    font too; the footer is in the last page's bottom margin, taking no room from the body."""
    weasyprint_or_skip()
    from weasyprint import HTML

    store, record_id = reviews[lang]
    t = Translator(lang)
    html = render_review_report(build_review_report(store, record_id, t), "html", t).decode("utf-8")
    footer = footer_pattern(t)
    pages = HTML(string=html).render().pages
    assert len(pages) > 10
    bare, stranded, margins = [], [], []
    for number, page in enumerate(pages, 1):
        body, *margin_boxes = page._page_box.children
        if not footer.sub("", squeezed(text_of(page._page_box))):
            bare.append(number)
        if footer.search(squeezed(text_of(body))):
            bare.append((number, "the footer in the body"))
        blocks = [box.element.tag for box in body.descendants()
                  if getattr(box, "element", None) is not None and box.element.tag in BLOCKS]
        if not blocks or blocks[-1] in HEADINGS:
            stranded.append((number, blocks[-3:]))
        margins.append("".join(squeezed(text_of(box)) for box in margin_boxes))
    assert bare == [] and stranded == []
    assert margins[:-1] == [""] * (len(pages) - 1) and footer.fullmatch(margins[-1]), margins[-1]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_pdf_ends_on_a_page_of_its_own_content(reviews, lang, tmp_path, monkeypatch, capsys):
    """`report --review RECORD --format pdf`, each page's text read back with pypdf."""
    weasyprint_or_skip()
    store, record_id = reviews[lang]
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    out = tmp_path / f"review.{lang}.pdf"
    code = main(["report", "--review", record_id, "--format", "pdf", "-o", str(out), "--records", str(store.root),
                 "--lang", lang])
    if not japanese_font_installed():
        # The follow-ups are in Japanese: refused, as every PDF with text no font can draw is.
        assert code == 1 and not out.exists() and "fonts-noto-cjk" in capsys.readouterr().err
        return
    assert code == 0, capsys.readouterr().err
    footer = footer_pattern(Translator(lang))
    pages = [squeezed(text) for text in pdf_pages(out.read_bytes())]
    assert len(pages) > 10
    assert [number for number, text in enumerate(pages, 1) if not footer.sub("", text)] == []
    assert [number for number, text in enumerate(pages, 1) if footer.search(text)] == [len(pages)]

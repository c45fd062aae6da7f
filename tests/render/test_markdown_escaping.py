"""Every Markdown output escapes what users typed through one function (render/markdown.py):
a problem titled `<script>…`, an owner `<img onerror>` or a main issue `[x](javascript:…)` is
shown as text in tally, followups and the main issues, never run as HTML or made a link."""

from markdown_it import MarkdownIt

from bcp_drill.cli import main
from bcp_drill.content.library import ContentLibrary
from bcp_drill.drill.session import DrillSession
from cli.test_review_commands import records  # noqa: F401  (the fixture: a review and a drill)
from support.drills import DATA

HOSTILE_TITLE = "<script>alert(1)</script> | *bold* `code`"
HOSTILE_OWNER = '<img src=x onerror="alert(2)">'
HOSTILE_ISSUE = "[click me](javascript:alert(3)) <a href='javascript:alert(4)'>x</a>"


def rendered(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def test_user_text_in_markdown_tables_is_text_not_markup(capsys, records):  # noqa: F811
    store, _, _ = records
    library = ContentLibrary.load([DATA / "content"], cwd=DATA)
    drill = DrillSession.start(store, library.scenarios["mini"], "tabletop")
    drill.raise_problem(HOSTILE_TITLE, "s1", owner_organisation=HOSTILE_OWNER, main_issue=HOSTILE_ISSUE)
    drill.close()
    outputs = []
    for args in (("followups",), ("followups", "--main-issues"), ("tally",), ("tally", "--drills")):
        code = main([*args, "--format", "md", "--records", str(store.root), "--lang", "en"])
        assert code == 0, args
        outputs.append(capsys.readouterr().out)
    followups, main_issues, *_ = outputs
    for markdown in outputs:
        html = rendered(markdown)
        assert "<script" not in html and "<img" not in html and "<a " not in html, html
        assert 'href="javascript' not in html
    # The words are all there, as text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered(followups)
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in rendered(followups)
    assert "[click me](javascript:alert(3))" in rendered(main_issues)
    # A "|" typed in a title stays inside its cell: the table keeps its columns.
    tokens = MarkdownIt("commonmark").enable("table").parse(followups)
    cells_per_row, count = [], 0
    for token in tokens:
        if token.type == "tr_open":
            count = 0
        elif token.type in ("td_open", "th_open"):
            count += 1
        elif token.type == "tr_close":
            cells_per_row.append(count)
    assert len(cells_per_row) >= 3 and len(set(cells_per_row)) == 1

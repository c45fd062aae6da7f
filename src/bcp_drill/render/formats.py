"""The formats each kind of output is written in, in one place: the command line's choices, the
export dialog and the renderers read them here. No imports, so `--help` can read it."""

TABLE_FORMATS = ("text", "md", "csv", "json")  # tally, follow-ups
REPORT_FORMATS = ("html", "md", "csv", "xlsx", "pdf")  # after-action and review reports (pdf: the extra)
PLAN_SUMMARY_FORMATS = ("md", "html", "csv", "xlsx")
SHEET_FORMATS = ("html", "md")  # paper check sheets
INJECT_TABLE_FORMATS = ("xlsx", "csv")  # the injects table a city edits in Excel
PUBLISH_FORMATS = ("docx", "pdf", "html")  # the published plan review (publish): Word first, as the city files it
PROGRAMME_FORMATS = ("text", "md", "csv", "json", "html", "xlsx", "pdf")  # the year plan prints (html, pdf, xlsx)

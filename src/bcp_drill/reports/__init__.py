"""Report contents (after-action report, plan-review report, trend) as plain data.

Each report is assembled here from records, without any output format; the modules in
render/ turn the same data into Markdown, HTML, CSV or XLSX.
"""

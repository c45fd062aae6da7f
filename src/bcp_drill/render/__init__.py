"""Renderers: turn states, tallies and follow-ups into text, Markdown, HTML, CSV and XLSX."""

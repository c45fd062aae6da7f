"""Fiscal years (年度, April to March) and their Japanese era names."""

from __future__ import annotations

from datetime import date

from bcp_drill.i18n import Lang


def fiscal_year(day: date) -> int:
    """The fiscal year a day falls in, named by the calendar year of its April."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_label(year: int, lang: Lang) -> str:
    """令和7年度 / 平成29年度 in Japanese (令和元年度 for FY2019), FY2025 in English."""
    if lang != "ja":
        return f"FY{year}"
    if year >= 2019:
        number = year - 2018
        return f"令和{'元' if number == 1 else number}年度"
    if year >= 1989:
        number = year - 1988
        return f"平成{'元' if number == 1 else number}年度"
    return f"{year}年度"

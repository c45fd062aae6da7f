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


_ERAS = {"R": 2018, "令和": 2018, "H": 1988, "平成": 1988}


def parse_fiscal_year(text: str) -> int | None:
    """2025, FY2025, R7, 令和7, 令和7年度, 令和元年度, H29, 平成29年度 → the fiscal year; None if unreadable."""
    value = text.strip().upper().removeprefix("FY").removesuffix("年度")
    if value.isdigit() and len(value) == 4 and 1900 <= int(value) <= 2999:
        return int(value)
    for era, offset in _ERAS.items():
        if value.startswith(era):
            number = value[len(era):].strip()
            if number == "元":
                return offset + 1
            if number.isdigit() and 1 <= int(number) <= 99:
                return offset + int(number)
    return None

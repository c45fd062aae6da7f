"""The wall clock every date and time of a record is read on: Japan Standard Time.

A record holds instants (UTC). The 年度 a drill or review falls in, the date and hour a report
shows, T0 typed at set-up and a record's name are read in Japan's time, not in the zone the PC
happens to be set to: the same record gives the same figures on a city PC, a server left on
UTC and a WSL terminal. Japan keeps no summer time, so the zone is a fixed UTC+9.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo

JST = timezone(timedelta(hours=9), "JST")
_zone: tzinfo = JST


def zone() -> tzinfo:
    return _zone


def use_zone(wall_zone: tzinfo) -> None:
    """Read every time on WALL_ZONE instead (tests pin UTC; nothing else changes it)."""
    global _zone
    _zone = wall_zone


def local(moment: datetime) -> datetime:
    """MOMENT (aware) on the wall clock."""
    return moment.astimezone(_zone)


def local_now() -> datetime:
    return datetime.now(_zone)


def local_date(moment: datetime) -> date:
    """The calendar day MOMENT falls on, on the wall clock (what its 年度 is taken from)."""
    return moment.astimezone(_zone).date()


def zone_key() -> str:
    """Names the wall clock in keys of derived figures (a 年度 depends on it)."""
    offset = datetime.now(_zone).utcoffset()
    return f"{_zone}|{offset}"

"""What an after-action report is built from, read from the store in one place: the drill's
record, its follow-ups, and the earlier drills of its scenario that the report compares with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bcp_drill.drill.pinned import pinned_scenario
from bcp_drill.followups.collect import followups_of_record, with_updates
from bcp_drill.followups.items import FollowUp
from bcp_drill.i18n import Lang
from bcp_drill.records import events as ev
from bcp_drill.records.journal import JournalError
from bcp_drill.records.reading import read_record
from bcp_drill.records.store import RecordStore
from bcp_drill.records.team import MergedRecord
from bcp_drill.reports.executive_summary import raised_again_test
from bcp_drill.reports.trend import ScenarioTrend, scenario_trend

# A report's trend shows this many of the newest drills (the others are counted in a note).
REPORT_TREND_DRILLS = 10


@dataclass
class DrillReportSources:
    """Everything `build_drill_report` needs, as read."""

    record_id: str
    contents: MergedRecord  # the drill's events (every console's) and its final hash
    notices: list[JournalError]  # what the report leaves out: the record's notices, then the follow-ups journal's
    improvement_plan: list[FollowUp]  # the drill's own follow-up items, updates applied
    trend: ScenarioTrend | None  # the drills of the scenario up to this one
    earlier_followups: list[FollowUp]  # the follow-up items of the drills before this one in the trend
    read_at: datetime  # the store's clock when read: the report's default "generated at"


def read_drill_report_sources(store: RecordStore, record_id: str, lang: Lang) -> DrillReportSources:
    """Read the drill RECORD_ID and what its report compares it with; only the earlier drills
    of the same scenario are read, never the whole folder."""
    contents = read_record(store, record_id, ev.DrillStarted, "not_a_drill")
    scenario = pinned_scenario(contents.events[0])
    notices = list(contents.notices)
    plan = followups_of_record(store, record_id, lang, notices)
    read: list[tuple[str, list[FollowUp]]] = []
    # The report shows the newest drills of the trend only: the older ones are counted, not held,
    # and of their problems only those this drill raised again are kept.
    raised_again = raised_again_test(plan)
    trend = scenario_trend(store, scenario.id, lang, up_to=record_id, seen=read, keep_last=REPORT_TREND_DRILLS,
                           seen_problem=lambda item: raised_again(item.source_ref, item.title))
    read_at = store.clock()
    return DrillReportSources(record_id, contents, notices, plan, trend,
                              _earlier_followups(store, record_id, read), read_at)


def earlier_drills(trend: ScenarioTrend | None, record_id: str) -> list[tuple[str, datetime]]:
    """The drills of TREND before RECORD_ID, oldest first (none when the trend does not hold it)."""
    if trend is None:
        return []
    ids = [record for record, _ in trend.drills]
    return trend.drills[:ids.index(record_id)] if record_id in ids else []


def _earlier_followups(store: RecordStore, record_id: str, read: list[tuple[str, list[FollowUp]]]) -> list[FollowUp]:
    """The follow-ups of the drills before RECORD_ID that the trend compares, as the trend made
    them (of the older drills only those raised again), updates applied. Damage in the
    follow-ups journal is named once, by the improvement plan that reads it too."""
    earlier = [item for r, items in read if r != record_id for item in items]
    return with_updates(store, earlier, []) if earlier else []

"""The status tally of a review: the layout of the seed's section-2 table, for any scale.

One row per top-level section (pillar, 柱) with its item count, then for each dimension
of the scale (status, carry-over ...) the count per option, grouped as the scale groups
them, and the number of items not rated yet. Every row must add up to its item count.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bcp_drill.content.scales import Scale
from bcp_drill.review.state import ReviewState


@dataclass(frozen=True)
class TallyColumn:
    dimension: str
    option: str
    group: str | None


@dataclass
class TallyRow:
    key: str  # section id, or "" for the totals row
    items: int = 0
    counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (dimension, option) → n
    unrated: dict[str, list[str]] = field(default_factory=dict)  # dimension → unrated item ids

    def count(self, dimension: str, option: str) -> int:
        return self.counts.get((dimension, option), 0)

    def unrated_count(self, dimension: str) -> int:
        return len(self.unrated.get(dimension, []))

    def adds_up(self, scale: Scale, asked: tuple[str, ...] | None = None) -> bool:
        """Each dimension's counts plus its unrated items equal the row's item count (for the
        dimensions the review ASKED; one not asked this 年度 only counts what was rated)."""
        return all(
            sum(self.count(d.id, o.code) for o in d.options) + self.unrated_count(d.id) == self.items
            for d in scale.dimensions if asked is None or d.id in asked)


@dataclass
class StatusTally:
    scale: Scale
    columns: list[TallyColumn]
    rows: list[TallyRow]
    total: TallyRow
    asked: tuple[str, ...] = ()  # the dimensions this review rates (the carry-over only in the plan's last year)
    carried: list[str] = field(default_factory=list)  # items counted with a rating that stands from an earlier 年度

    @property
    def complete(self) -> bool:
        return all(self.total.unrated_count(d) == 0 for d in self.asked)

    @property
    def consistent(self) -> bool:
        return all(row.adds_up(self.scale, self.asked) for row in self.rows + [self.total])

    def unrated_items(self, order: list[str] | None = None) -> list[str]:
        """Items missing a rating in some dimension, in ORDER (the checklist's) when given."""
        seen: dict[str, None] = {}
        for dimension in self.scale.dimensions:
            for item_id in self.total.unrated.get(dimension.id, []):
                seen.setdefault(item_id, None)
        if order is not None:
            return [item_id for item_id in order if item_id in seen]
        return list(seen)

    def missing_dimensions(self, item_id: str) -> list[str]:
        """The dimensions an item has no rating in (all of them: unrated; some: partly rated)."""
        return [d.id for d in self.scale.dimensions if item_id in self.total.unrated.get(d.id, [])]


def columns_of(scale: Scale) -> list[TallyColumn]:
    """Columns in scale order; options of one group stay together, as in the seed."""
    columns = []
    for dimension in scale.dimensions:
        order = [g.id for g in dimension.groups] + [None]
        for group in order:
            for option in dimension.options:
                if option.group == group:
                    columns.append(TallyColumn(dimension.id, option.code, group))
    return columns


def tally_review(state: ReviewState) -> StatusTally:
    """Counted from each item's ratings, those that stand from an earlier 年度 included (a
    measure finished then is counted as finished); a dimension this review does not ask is
    never counted as unrated."""
    scale = state.scale
    asked = tuple(d.id for d in state.asked_dimensions())
    rows = []
    total = TallyRow("")
    carried = []
    for section in state.checklist.sections:
        row = TallyRow(section.id)
        for item in section.all_items():
            ratings = state.effective_ratings(item.id)
            if ratings != state.items[item.id].ratings:
                carried.append(item.id)
            for target in (row, total):
                target.items += 1
                for dimension in scale.dimensions:
                    code = ratings.get(dimension.id)
                    if code is not None:
                        key = (dimension.id, code)
                        target.counts[key] = target.counts.get(key, 0) + 1
                    elif dimension.id in asked:
                        target.unrated.setdefault(dimension.id, []).append(item.id)
        rows.append(row)
    return StatusTally(scale, columns_of(scale), rows, total, asked, carried)

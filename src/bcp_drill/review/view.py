"""The one read model of a review: item marks, labels, keys and previous assessments.

The review screen, plain mode, the paper import and the reports call this module; none of
them decides on its own how an item's progress is marked or which key rates what.
"""

from __future__ import annotations

from dataclasses import dataclass

from bcp_drill.content.models import Checklist
from bcp_drill.content.scales import Scale, ScaleDimension, ScaleOption
from bcp_drill.fiscal import fiscal_year_label
from bcp_drill.i18n import Lang, Translator
from bcp_drill.records import events as ev
from bcp_drill.review.state import ItemRecord, ReviewState

RATED, PARTLY, UNRATED = "[v]", "[~]", "[ ]"


def key_map(scale: Scale) -> dict[str, tuple[str, str]]:
    """Each single key of the scale → (dimension id, option code)."""
    return {o.key: (d.id, o.code) for d in scale.dimensions for o in d.options}


def option_by_key_or_code(dimension: ScaleDimension, value: str) -> ScaleOption | None:
    """An option named by its key ("2") or its code ("continuing-on-target")."""
    return next((o for o in dimension.options if value in (o.key, o.code)), None)


def item_mark(state: ReviewState, item_id: str) -> str:
    """[v] every dimension this review asks is rated (or stands from an earlier year), [~] some, [ ] none."""
    asked = len(state.asked_dimensions())
    missing = len(state.missing(item_id))
    return RATED if missing == 0 else PARTLY if missing < asked else UNRATED


def short_option_label(dimension: ScaleDimension, option: ScaleOption, lang: Lang) -> str:
    """The option's short label, or its full one when another option shares the short label
    (目標以上 while continuing and when finished are two different codes)."""
    short = option.short_label(lang)
    shared = any(o.code != option.code and o.short_label(lang) == short for o in dimension.options)
    return option.label.get(lang) if shared else short


def keys_legend(scale: Scale, lang: Lang) -> list[str]:
    """One line per dimension: "施策の評価: 1=目標以上（継続中）  2=…"."""
    return [f"{d.label.get(lang)}: " + "  ".join(f"{o.key}={o.label.get(lang)}" for o in d.options)
            for d in scale.dimensions]


def previous_assessment(checklist: Checklist, item_id: str, lang: Lang, state: ReviewState | None = None) -> str:
    """What was said of the item last time: the earlier year's review this one started from,
    else the checklist's previous assessment of the item or (as the seed writes one per
    group) of its nearest section."""
    started = state.started if state is not None else None
    if started is not None and started.previous_year is not None and item_id in started.previous:
        assert state is not None
        return _previous_review_text(state, started.previous_year, started.previous[item_id], lang)
    item = checklist.item(item_id)
    if item and item.previous_assessment:
        return item.previous_assessment.get(lang)
    section = checklist.section_of(item_id)
    return section.previous_assessment.get(lang) if section and section.previous_assessment else ""


def _previous_review_text(state: ReviewState, year: int, previous: ev.PreviousItem, lang: Lang) -> str:
    """"令和元年度: 目標通り（継続中） / 同規模 ⇒ 毎年度確認（証跡: 評価表）"."""
    t = Translator(lang)
    ratings = []
    for dimension in state.scale.dimensions:
        option = dimension.option(previous.ratings.get(dimension.id, ""))
        ratings.append(option.label.get(lang) if option else t("review.not_rated"))
    text = f"{fiscal_year_label(year, lang)}: {' / '.join(ratings)}"
    if previous.assessment:
        text += f" ⇒ {previous.assessment}"
    if previous.evidence:
        text += f" ({t('review.evidence')}: {previous.evidence})"
    return text


@dataclass(frozen=True)
class RatingView:
    dimension: ScaleDimension
    option: ScaleOption | None

    def label(self, t: Translator) -> str:
        return self.option.label.get(t.lang) if self.option else t("review.not_rated")

    def short(self, lang: Lang) -> str:
        return short_option_label(self.dimension, self.option, lang) if self.option else "-"


@dataclass(frozen=True)
class ItemView:
    """One item as every screen and report shows it."""

    item_id: str
    record: ItemRecord
    mark: str
    ratings: list[RatingView]
    previous: str


class ReviewView:
    """The review at one moment: items with their marks, progress, keys."""

    def __init__(self, state: ReviewState, lang: Lang) -> None:
        self.state = state
        self.lang = lang
        self.scale = state.scale
        self.keys = key_map(state.scale)

    def item(self, item_id: str) -> ItemView:
        record = self.state.items[item_id]
        effective = self.state.effective_ratings(item_id)
        ratings = [RatingView(d, d.option(effective.get(d.id, ""))) for d in self.scale.dimensions]
        return ItemView(item_id, record, item_mark(self.state, item_id), ratings,
                        previous_assessment(self.state.checklist, item_id, self.lang, self.state))

    @property
    def item_ids(self) -> list[str]:
        return [i.id for i in self.state.checklist.all_items()]

    def progress_text(self, t: Translator) -> str:
        return t("review.progress", rated=self.state.rated_count, total=self.state.total)

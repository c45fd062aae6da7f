"""A drill step's rating (HSEEP P, S, M, U): its keys and words come from the shipped scale
(content/scales/hseep.yaml), as a review's ratings come from its checklist's scale. The codes
themselves are the record's (records/values.py), checked against the scale when it is read."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from bcp_drill.records.values import HSEEP_RATINGS

if TYPE_CHECKING:  # the content models load only when a word is asked for (a tally from the cache needs none)
    from bcp_drill.content.scales import ScaleDimension, ScaleOption

DRILL_SCALE_ID = "hseep"
RATINGS = HSEEP_RATINGS  # best first; what a record may hold
RATING_ORDER = {rating: rank for rank, rating in enumerate(RATINGS)}


@cache
def rating_dimension() -> ScaleDimension:
    """The shipped scale's one dimension, offering exactly the record's ratings in their order."""
    from bcp_drill.content.library import builtin_scale

    dimension = builtin_scale(DRILL_SCALE_ID).dimensions[0]
    codes = tuple(option.code for option in dimension.options)
    if codes != RATINGS:
        raise RuntimeError(f"the shipped drill scale offers {codes}; records hold {RATINGS}")
    return dimension


def rating_option(code: str) -> ScaleOption | None:
    return rating_dimension().option(code)

"""What each console role of a drill may do: the one table every check reads (DrillSession.may)."""

from __future__ import annotations

# What each role may do. Anyone may note or raise a problem; the lead may do everything. "report":
# open the after-action report, which names what the players are expected to do and the injects
# held back (so never a player's, even after the drill: the scenario is played again next year).
ROLE_RIGHTS: dict[str, frozenset[str]] = {
    "lead": frozenset({"clock", "inject", "outcome", "systems", "evaluate", "note", "problem", "end", "settle",
                       "report"}),
    "controller": frozenset({"clock", "inject", "systems", "note", "problem", "report"}),
    "player": frozenset({"outcome", "systems", "note", "problem"}),
    "evaluator": frozenset({"outcome", "evaluate", "note", "problem", "report"}),
}

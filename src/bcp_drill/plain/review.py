"""A checklist review as a line dialogue: the current item is printed, single keys rate it."""

from __future__ import annotations

from typing import Callable

from bcp_drill.content.fields import text
from bcp_drill.plain.console import STOP, PlainConsole, PlainRunner
from bcp_drill.records.store import RecordStore
from bcp_drill.render.tables import render_text
from bcp_drill.render.tallies import review_tally_table
from bcp_drill.review.evidence import (
    EvidenceProposal,
    proposal_lines,
    review_evidence,
    suggested_text,
)
from bcp_drill.review.evidence import accept as accept_proposal
from bcp_drill.review.session import ReviewSession
from bcp_drill.review.tally import tally_review
from bcp_drill.review.view import ReviewView, key_map, keys_legend


class PlainReview(PlainRunner):
    session: ReviewSession

    def __init__(self, session: ReviewSession, console: PlainConsole, blank_zero: bool = True,
                 store: RecordStore | None = None) -> None:
        self.session = session
        self.store = store  # where the drills proposed as evidence are read (none: nothing is proposed)
        self._evidence: tuple[dict[str, EvidenceProposal], list[str]] | None = None
        self.console = console
        self.blank_zero = blank_zero  # the setting `zeros`
        self.t = console.t
        self.items = [i.id for i in session.checklist.all_items()]
        unrated = session.state.unrated_items()
        self.index = self.items.index(unrated[0]) if unrated else 0
        self.commands: dict[str, Callable[[str], object]] = {
            "help": self.help, "h": self.help, "?": self.help, "ヘルプ": self.help,
            "list": self.list_items, "l": self.list_items, "一覧": self.list_items,
            "show": self.show, "表示": self.show,
            "next": self.next, ".": self.next, "次": self.next,
            "prev": self.prev, ",": self.prev, "前": self.prev,
            "go": self.go, "g": self.go,
            "rate": self.rate_words, "clear": self.clear,
            "assess": self.assess, "a": self.assess, "評価": self.assess,
            "evidence": self.evidence, "ev": self.evidence, "証跡": self.evidence,
            "problem": self.problem, "f": self.problem, "課題": self.problem,
            "accept": self.accept, "採用": self.accept,
            "unrated": self.unrated, "未評価": self.unrated,
            "tally": self.tally, "集計": self.tally,
            "finish": self.finish, "完了": self.finish,
            "reopen": self.reopen, "再開": self.reopen,
            "quit": self.quit, "q": self.quit, "exit": self.quit,
        }
        # The scale's own single keys rate the current item (1-7, e s r x for the plan scale).
        self.keys = key_map(session.scale)

    def run(self) -> int:
        say, t = self.console.say, self.t
        checklist = self.session.checklist
        say(t("plain.review_header", title=checklist.title.get(t.lang), record=self.session.record_id))
        say(self.scale_legend())
        say(t("plain.help_hint"))
        self.show("")
        return self.loop()

    def handle_special(self, command: str, rest: str) -> bool:
        """The scale's single keys rate the current item; "2s" gives status and carry-over at once."""
        if rest or not all(c in self.keys for c in command):
            return False
        if len(command) == 1:
            self.rate(*self.keys[command])
            return True
        for key in command:
            self.rate(*self.keys[key], announce=False)
        self.after_rating()
        return True

    def prompt(self) -> str:
        state = self.session.state
        return f"[{state.rated_count}/{state.total} {self.current}] > "

    @property
    def current(self) -> str:
        return self.items[self.index]

    def scale_legend(self) -> str:
        return "\n".join(keys_legend(self.session.scale, self.t.lang))

    def view(self) -> ReviewView:
        return ReviewView(self.session.state, self.t.lang)

    def _open(self) -> bool:
        return self.permitted(self.session.ensure_open)

    # -- showing ---------------------------------------------------------------------

    def item_line(self, item_id: str) -> str:
        shown = self.view().item(item_id)
        labels = [rating.label(self.t) for rating in shown.ratings]
        return f"{self.items.index(item_id) + 1:>3}. {shown.mark} {item_id} {' / '.join(labels)}"

    def help(self, rest: str) -> None:
        self.console.say(self.t("plain.review_help"))
        self.console.say(self.scale_legend())

    def list_items(self, rest: str) -> None:
        for item_id in self.items:
            self.console.say(self.item_line(item_id))

    def show(self, rest: str) -> None:
        say, t, lang = self.console.say, self.t, self.t.lang
        shown = self.view().item(self.current)
        record, item = shown.record, shown.record.item
        say(self.item_line(self.current))
        # Every level it stands under (柱, ア, (ア)…), indented as in the plan: a screen reader
        # user hears where the item is, as a sighted one sees it.
        above = self.session.checklist.sections_above(self.current)
        for depth, section in enumerate(above):
            say(f"  {'  ' * depth}{section.title.get(lang)}")
        say(f"  {'  ' * len(above)}{item.requirement.get(lang)}")
        for label, value in ((t("review.guidance"), text(item.guidance, lang)),
                             (t("review.evidence_prompt"), text(item.evidence_prompt, lang)),
                             (t("review.assessment"), record.assessment), (t("review.evidence"), record.evidence),
                             (t("review.previous_assessment"), shown.previous)):
            if value:
                say(f"  {label}: {value}")
        if item.evidence_from:
            self.show_proposal()

    def proposals(self) -> dict[str, EvidenceProposal]:
        """What the drills propose, read from the records the first time an item asks for it."""
        if self._evidence is None:
            self._evidence = review_evidence(self.store, self.session) if self.store is not None else ({}, [])
        return self._evidence[0]

    def show_proposal(self) -> None:
        say, t = self.console.say, self.t
        proposal = self.proposals().get(self.current)
        if proposal is None:
            return
        say(f"  {t('review.evidence_heading')}")
        for line in proposal_lines(proposal, self.session.scale, t):
            say(f"    {line}")
        if proposal.has_evidence:
            say(f"    {t('review.evidence_plain_hint')}")
        left_out = self._evidence[1] if self._evidence else []
        if left_out:
            say(f"    {t('review.evidence_left_out', records=', '.join(left_out))}")

    # -- moving ----------------------------------------------------------------------

    def _move_to(self, position: int) -> None:
        self.index = position
        self.show("")

    def next(self, rest: str) -> None:
        if self.index + 1 < len(self.items):
            self._move_to(self.index + 1)
        else:
            self.console.say(self.t("plain.no_more_items"))

    def prev(self, rest: str) -> None:
        if self.index > 0:
            self._move_to(self.index - 1)

    def go(self, rest: str) -> None:
        target = rest.strip()
        if target.isdigit() and 1 <= int(target) <= len(self.items):
            self._move_to(int(target) - 1)
        elif target in self.items:
            self._move_to(self.items.index(target))
        else:
            self.console.say(self.t("plain.no_such_item", item=target or "-"))

    def unrated(self, rest: str) -> None:
        unrated = self.session.state.unrated_items()
        if not unrated:
            self.console.say(self.t("tally.all_rated"))
        for item_id in unrated:
            self.console.say(self.item_line(item_id))

    def after_rating(self) -> None:
        """The item just rated stays current, as on the screen, so `assess` lands on it too;
        once it is fully rated, the next unrated item is named so `.` goes there."""
        if self.session.state.missing(self.current):
            return
        unrated = self.session.state.unrated_items()
        later = [i for i in unrated if self.items.index(i) > self.index] or unrated
        if later:
            self.console.say(self.t("plain.next_unrated", item=later[0]))
        else:
            self.console.say(self.t("tally.all_rated"))

    # -- recording -------------------------------------------------------------------

    def rate(self, dimension: str, option: str, announce: bool = True) -> None:
        if self._open():
            self._record(self.session.rate, self.current, dimension, option)
            if announce:
                self.after_rating()

    def rate_words(self, rest: str) -> None:
        """rate DIMENSION OPTION, with the codes of the scale (for scripts)."""
        parts = rest.split()
        dimension = self.session.scale.dimension(parts[0]) if len(parts) == 2 else None
        if dimension is None or dimension.option(parts[1]) is None:
            self.console.say(self.t("plain.bad_rate_words"))
            return
        self.rate(parts[0], parts[1])

    def clear(self, rest: str) -> None:
        if self._open():
            self._record(self.session.clear, self.current)

    def _text(self, rest: str, key: str) -> str | None:
        value = rest.strip() or (self.console.ask(self.t(key, item=self.current) + ": ") or "").strip()
        return value or None

    def assess(self, rest: str) -> None:
        if self._open() and (value := self._text(rest, "review.assessment_title")):
            self._record(self.session.assess, self.current, value)

    def evidence(self, rest: str) -> None:
        if self._open() and (value := self._text(rest, "review.evidence_title")):
            self._record(self.session.record_evidence, self.current, value)

    def accept(self, rest: str) -> None:
        """The reviewer accepts what the drills propose for the current item (rating and evidence)."""
        if not self._open():
            return
        proposal = self.proposals().get(self.current)
        if proposal is None or not proposal.has_evidence:
            self.console.say(self.t("review.evidence_nothing", item=self.current))
            return
        if self._record(accept_proposal, self.session, proposal, self.t):
            self.console.say(self.t("review.evidence_accepted", item=self.current,
                                    rating=suggested_text(proposal, self.session.scale, self.t)))
            self.after_rating()

    def problem(self, rest: str) -> None:
        if self._open():
            self.raise_problem(rest, self.current)

    def tally(self, rest: str) -> None:
        table = review_tally_table(tally_review(self.session.state), self.session.state, self.t, self.blank_zero)
        self.console.say(render_text(table).rstrip("\n"))

    def finish(self, rest: str) -> object:
        t = self.t
        if self.session.state.finished:
            self.console.say(t("plain.review_finished"))
            return STOP
        unrated = len(self.session.state.unrated_items())
        if not self.console.confirm(t("plain.finish_confirm", unrated=unrated)):
            self.console.say(t("plain.cancelled"))
            return None
        self._record(self.session.finish)
        self.tally("")
        return STOP

    def reopen(self, rest: str) -> None:
        """Open a finished review for changes again (a correction event)."""
        if not self.session.state.finished:
            self.console.say(self.t("plain.review_not_finished"))
            return
        if self.console.confirm(self.t("review.reopen_confirm") + " " + self.t("plain.yes_no")):
            self._record(self.session.reopen)
        else:
            self.console.say(self.t("plain.cancelled"))

    def quit(self, rest: str) -> object:
        self.console.say(self.t("plain.left", record=self.session.record_id))
        return STOP

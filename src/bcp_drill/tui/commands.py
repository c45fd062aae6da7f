"""Command palette: every key binding of the current screen as a searchable command."""

from __future__ import annotations

from functools import partial
from typing import Awaitable, Callable, Iterator

from textual.command import DiscoveryHit, Hit, Hits, Provider

from bcp_drill.tui.bindings import node_bindings


class ScreenActionsProvider(Provider):
    """Lists the screen's bindings (named in the user's language) with their keys."""

    def _commands(self) -> Iterator[tuple[str, Callable[[], Awaitable[object]]]]:
        """The screen's actions, then the app's (theme, frames, quit), each once, with its keys."""
        seen: set[str] = set()
        for node in (self.screen, self.app):
            for binding in node_bindings(node):
                if not binding.description or binding.action in seen or binding.action == "command_palette":
                    continue
                seen.add(binding.action)
                keys = binding.key_display or self.app.get_key_display(binding)
                label = binding.tooltip or binding.description
                # In parentheses: the palette reads its text as markup, where "[p]" was a tag and vanished.
                yield f"{label}  ({keys})", partial(node.run_action, binding.action)

    async def discover(self) -> Hits:
        for text, run in self._commands():
            yield DiscoveryHit(text, run)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, run in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), run)

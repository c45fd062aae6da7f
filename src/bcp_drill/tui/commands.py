"""Command palette: every key binding of the current screen as a searchable command."""

from __future__ import annotations

from functools import partial
from typing import Iterator

from textual.command import DiscoveryHit, Hit, Hits, Provider

from bcp_drill.tui.bindings import node_bindings


class ScreenActionsProvider(Provider):
    """Lists the screen's bindings (named in the user's language) with their keys."""

    def _commands(self) -> Iterator[tuple[str, str]]:
        screen = self.screen
        seen: set[str] = set()
        for binding in node_bindings(screen):
            if not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            keys = binding.key_display or self.app.get_key_display(binding)
            label = binding.tooltip or binding.description
            yield f"{label}  [{keys}]", binding.action

    async def discover(self) -> Hits:
        for text, action in self._commands():
            yield DiscoveryHit(text, partial(self.screen.run_action, action))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, action in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self.screen.run_action, action))

"""The Textual TUI: a thin layer that turns keys into session calls and draws the state."""

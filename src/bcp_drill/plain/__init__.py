"""Plain mode: drills and reviews as a line-oriented dialogue on standard input and output.

No cursor movement and no redrawing, so screen readers, braille displays, slow remote
links and scripts can use it. It writes the same journals as the TUI.
"""

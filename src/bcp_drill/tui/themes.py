"""The high-contrast theme: white on black, yellow focus, no meaning carried by hue alone."""

from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#333333",
    success="#00FF00",
    warning="#FFFF00",
    error="#FF6060",
    dark=True,
    variables={
        "border": "#FFFFFF",
        "border-blurred": "#AAAAAA",
        "footer-key-foreground": "#FFFF00",
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "input-selection-background": "#FFFF00 60%",
    },
)

THEME_NAMES = {"default": "textual-dark", "high-contrast": HIGH_CONTRAST.name}


_UNICODE_BARS: dict[str, list[str]] = {}


def use_ascii_scrollbars(ascii_only: bool) -> None:
    """Scrollbar thumbs as plain cells: Textual's partial-block glyphs are ambiguous-width.
    (A class-level setting of Textual's scrollbar renderer, so it applies to the whole app.)"""
    from textual.scrollbar import ScrollBarRender

    if not _UNICODE_BARS:
        _UNICODE_BARS.update(vertical=list(ScrollBarRender.VERTICAL_BARS),
                             horizontal=list(ScrollBarRender.HORIZONTAL_BARS))
    ScrollBarRender.VERTICAL_BARS = [" "] * 8 if ascii_only else _UNICODE_BARS["vertical"]
    ScrollBarRender.HORIZONTAL_BARS = [" "] * 8 if ascii_only else _UNICODE_BARS["horizontal"]

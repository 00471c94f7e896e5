"""The app's two themes: a calm default, and high contrast for low vision and glare.

Every verdict and status also carries a mark and a word, so neither theme is needed to
read meaning; high contrast keeps text at full white on black and accents in pure hues.
"""

from __future__ import annotations

from textual.theme import Theme

DEFAULT = Theme(
    name="trainer",
    primary="#4A90C2",
    secondary="#7FA7C9",
    accent="#E0A63B",
    foreground="#E6E9EE",
    background="#14181F",
    surface="#1C222B",
    panel="#252D38",
    success="#5DBB63",
    warning="#E0A63B",
    error="#E06C6C",
    dark=True,
)

HIGH_CONTRAST = Theme(
    name="trainer-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#00FFFF",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#000000",
    success="#00FF00",
    warning="#FFFF00",
    error="#FF4040",
    dark=True,
    text_alpha=1.0,
    luminosity_spread=0.0,
    variables={
        "text-muted": "#FFFFFF",
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "footer-key-foreground": "#FFFF00",
        "input-selection-background": "#FFFF00 60%",
    },
)

THEMES = {"default": DEFAULT, "high-contrast": HIGH_CONTRAST}
"""By the short name people type (TRAINER_THEME, the command palette)."""


def theme_named(name: str | None) -> Theme:
    """The theme called ``name`` (short or full), else the default."""
    if name is None:
        return DEFAULT
    for short, theme in THEMES.items():
        if name in (short, theme.name):
            return theme
    return DEFAULT

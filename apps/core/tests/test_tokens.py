"""The design tokens (static/css/tokens.css) meet WCAG AA contrast wherever the pages pair them."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TOKENS = Path(settings.BASE_DIR) / "static" / "css" / "tokens.css"
WHITE = "#ffffff"
# Light tints the pages put coloured text on (badges and notes in components.css, orders.css, …).
TINTS = ("#fdecee", "#e7f7ee", "#e6f0ff", "#fff0f3", "#fff1f2", "#fff5e0", "#e4f6ec")
TEXT_ON_SURFACES = (
    "text",
    "text-muted",
    "text-subtle",
    "brand",
    "brand-strong",
    "live",
    "discount",
    "success",
    "warning",
    "danger",
    "info",
)
# Filled badges and buttons: white words on the colour.
UNDER_WHITE_TEXT = ("brand", "brand-strong", "live", "success", "warning", "danger", "info", "text-subtle")
STATE_ON_TINTS = ("live", "discount", "success", "warning", "danger", "info")


def _tokens() -> dict[str, str]:
    return dict(re.findall(r"--color-([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;", TOKENS.read_text()))


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_matches_the_wcag_reference_values():
    """The ratio is WCAG's: black on white 21:1, and the old live red read 3.6:1 on white."""
    assert contrast("#000000", WHITE) == pytest.approx(21)
    assert contrast("#ff2d55", WHITE) == pytest.approx(3.65, abs=0.01)


@pytest.mark.parametrize("name", TEXT_ON_SURFACES)
def test_text_colours_read_on_white_and_on_the_grey_background(name):
    """Every colour used for words is 4.5:1 or more on the page surface and its grey alternative."""
    tokens = _tokens()
    assert contrast(tokens[name], tokens["surface"]) >= 4.5
    assert contrast(tokens[name], tokens["surface-alt"]) >= 4.5


@pytest.mark.parametrize("name", UNDER_WHITE_TEXT)
def test_white_words_read_on_filled_badges_and_buttons(name):
    """White text on a filled badge or button of this colour is 4.5:1 or more."""
    assert contrast(_tokens()[name], WHITE) >= 4.5


@pytest.mark.parametrize("name", STATE_ON_TINTS)
def test_state_colours_read_on_their_light_tints(name):
    """A state colour's words on the light tinted badges are 4.5:1 or more."""
    colour = _tokens()[name]
    assert min(contrast(colour, tint) for tint in TINTS) >= 4.5


def test_form_fields_edges_stand_out_from_the_page():
    """A field's border is 3:1 against white and the grey (WCAG 1.4.11, non-text contrast)."""
    tokens = _tokens()
    assert contrast(tokens["border-input"], tokens["surface"]) >= 3
    assert contrast(tokens["border-input"], tokens["surface-alt"]) >= 3

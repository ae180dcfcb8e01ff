"""Cut Pretendard's variable font (from npm) into the two web fonts the site serves from static/vendor/pretendard/.

    python docker/font_subset.py node_modules/pretendard/dist/web/variable/woff2/PretendardVariable.woff2 \
        static/vendor/pretendard

- ``pretendard-core.woff2``: Latin, the symbols the pages use, Hangul jamo and the 2,350 syllables of KS X 1001
  (the set nearly every Korean text stays within); every page preloads it (templates/base.html).
- ``pretendard-ext.woff2``: the other 8,822 modern syllables (브랜드 names such as 프릳츠); its @font-face
  covers the Hangul block, so a browser fetches it only for a syllable the core font lacks.

Both keep the weight axis only from 400 to 800, the weights static/css/tokens.css uses, which is what makes the
variable font small; layout features are cut to those the pages use (kerning, tabular figures).
Run by docker/dev/bootstrap.sh and docker/Dockerfile; needs fonttools and brotli (pyproject.toml).
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

WEIGHTS = (400, 800)
HANGUL_SYLLABLES = range(0xAC00, 0xD7A4)
# Latin-1, general punctuation, ₩ € ™, arrows, shapes and stars, CJK punctuation, compatibility jamo (ㅋㅋ,
# ㆍ), fullwidth forms and ￦.
CORE_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0xFF),
    (0x2010, 0x203A),
    (0x20A9, 0x20A9),
    (0x20AC, 0x20AC),
    (0x2122, 0x2122),
    (0x2190, 0x2199),
    (0x25A0, 0x25FF),
    (0x2605, 0x2606),
    (0x3000, 0x303F),
    (0x3131, 0x318E),
    (0xFF01, 0xFF5E),
    (0xFFE6, 0xFFE6),
)
LAYOUT_FEATURES = ["kern", "tnum", "ccmp", "locl", "mark", "mkmk", "calt", "liga"]


def ks_x_1001_syllables() -> list[int]:
    """The 2,350 precomposed syllables of KS X 1001: rows 0xB0–0xC8, cells 0xA1–0xFE of EUC-KR."""
    return [
        ord(bytes([row, cell]).decode("euc_kr")) for row in range(0xB0, 0xC9) for cell in range(0xA1, 0xFF)
    ]


def cut(font: TTFont, codepoints: list[int], output: Path) -> None:
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = LAYOUT_FEATURES
    options.hinting = False
    options.name_IDs = [1, 2, 4, 6]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(output)


def main(source: str, directory: str) -> None:
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    limited = instancer.instantiateVariableFont(TTFont(source), {"wght": WEIGHTS})
    limited.flavor = None
    scratch = target / ".pretendard-limited.ttf"
    limited.save(scratch)
    ks = ks_x_1001_syllables()
    core = [code for low, high in CORE_RANGES for code in range(low, high + 1)] + ks
    ks_set = set(ks)
    try:
        cut(TTFont(scratch), core, target / "pretendard-core.woff2")
        cut(
            TTFont(scratch), [c for c in HANGUL_SYLLABLES if c not in ks_set], target / "pretendard-ext.woff2"
        )
    finally:
        scratch.unlink()


if __name__ == "__main__":
    main(*sys.argv[1:3])

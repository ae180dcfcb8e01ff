"""Cut Pretendard's variable font (from npm) into the three web fonts the site serves from static/vendor/pretendard/.

    python docker/font_subset.py node_modules/pretendard/dist/web/variable/woff2/PretendardVariable.woff2 \
        static/vendor/pretendard
    python docker/font_subset.py --write-ui-syllables    # after templates or messages gained new words

- ``pretendard-ui.woff2``: Latin, the symbols the pages use, Hangul jamo and the syllables of the site's own words
  (templates, scripts and messages: ``docker/font_ui_syllables.txt``, kept true by apps/core/tests/test_fonts.py).
  Pages name it right after their first frame (templates/components/fonts.html).
- ``pretendard-ks.woff2``: the rest of KS X 1001's 2,350 syllables (the set nearly every Korean text stays
  within: product names, reviews, chat).
- ``pretendard-ext.woff2``: the other modern syllables (브랜드 names such as 프릳츠).

All keep the weight axis only from 400 to 800, the weights static/css/tokens.css uses, which is what makes the
variable font small; layout features are cut to those the pages use (kerning, tabular figures).
Run by docker/dev/bootstrap.sh and docker/Dockerfile; needs fonttools and brotli (pyproject.toml).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI_SYLLABLES = ROOT / "docker" / "font_ui_syllables.txt"
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


def site_words() -> list[Path]:
    """The files whose Korean the site itself shows: templates, scripts, and the apps' messages (not tests)."""
    files = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("apps/**/*.html"), *ROOT.glob("static/js/**/*.js")]
    for package in ("apps", "trimarket"):
        files += [
            path
            for path in ROOT.glob(f"{package}/**/*.py")
            if "tests" not in path.parts and "migrations" not in path.parts
        ]
    return sorted(files)


def syllables_in(files: list[Path]) -> list[int]:
    found = {ord(char) for path in files for char in path.read_text(errors="replace")}
    return sorted(code for code in found if code in HANGUL_SYLLABLES)


def ui_syllables() -> list[int]:
    return [ord(char) for char in UI_SYLLABLES.read_text().split()[0]]


def write_ui_syllables() -> None:
    UI_SYLLABLES.write_text("".join(map(chr, syllables_in(site_words()))) + "\n")


def cut(font, codepoints: list[int], output: Path) -> None:
    from fontTools import subset

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
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    limited = instancer.instantiateVariableFont(TTFont(source), {"wght": WEIGHTS})
    limited.flavor = None
    scratch = target / ".pretendard-limited.ttf"
    limited.save(scratch)
    ui = ui_syllables()
    in_ui = set(ui)
    ks = [code for code in ks_x_1001_syllables() if code not in in_ui]
    taken = in_ui | set(ks)
    try:
        cut(
            TTFont(scratch),
            [code for low, high in CORE_RANGES for code in range(low, high + 1)] + ui,
            target / "pretendard-ui.woff2",
        )
        cut(TTFont(scratch), ks, target / "pretendard-ks.woff2")
        cut(
            TTFont(scratch),
            [code for code in HANGUL_SYLLABLES if code not in taken],
            target / "pretendard-ext.woff2",
        )
    finally:
        scratch.unlink()


if __name__ == "__main__":
    if sys.argv[1:] == ["--write-ui-syllables"]:
        write_ui_syllables()
    else:
        main(*sys.argv[1:3])

"""The PDF's CJK faces, cut to the characters Chinese reports use, so that WeasyPrint embeds them quickly.

Debian's Noto CJK faces come as 20–27 MB collections of five languages with 65,535 glyphs each. For every PDF,
WeasyPrint copied each whole collection into Python (~20 ms a face) and subset it with HarfBuzz keeping glyph ids, so
a page with 50 characters still carried ~60,000 empty glyph slots through desubroutinizing and zlib (~60 ms a face,
and ~500 KB per embedded face). The faces built here hold the same outlines for GB 2312 and the punctuation, digits
and symbols around it (~8,000 glyphs, ~5 MB, already desubroutinized): the same PDF, a fraction of the work.

``manage.py build_report_fonts`` (``make fonts``, part of ``make setup`` and ``make test``) writes them into
``static/fonts/`` from the system's collections; the print stylesheet loads them with ``@font-face`` and names the
system faces after them, so a character outside the cut (a rare character in a unit's name) is set in the same
design from the system face, and a missing build only makes PDFs slower, never different.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

FOLDER = Path(settings.BASE_DIR) / "static" / "fonts"
SYSTEM_FONTS = Path("/usr/share/fonts/opentype/noto")


@dataclass(frozen=True)
class Face:
    file: str  # in FOLDER, as the print stylesheet's @font-face names it
    source: str  # the system collection
    family: str  # the collection's face to take


FACES = (
    Face("report-serif-sc-regular.otf", "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    Face("report-serif-sc-bold.otf", "NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"),
    Face("report-sans-sc-regular.otf", "NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
)

# Besides GB 2312: Latin, punctuation, letterlike symbols and number forms, arrows, mathematical operators (the
# minus sign), enclosed numbers, geometric shapes, CJK symbols and punctuation, full- and half-width forms.
EXTRA_RANGES = (
    (0x0020, 0x017F),
    (0x2000, 0x22FF),
    (0x2460, 0x24FF),
    (0x25A0, 0x25FF),
    (0x3000, 0x303F),
    (0xFF00, 0xFFEF),
)


def repertoire() -> set[int]:
    """The code points the built faces keep: every character of GB 2312 and :data:`EXTRA_RANGES`."""
    points = {point for start, end in EXTRA_RANGES for point in range(start, end + 1)}
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue  # an unassigned position
    return points


def missing() -> list[Face]:
    return [face for face in FACES if not (FOLDER / face.file).exists()]


def build(face: Face, *, folder: Path = FOLDER, source_folder: Path = SYSTEM_FONTS) -> Path:
    """Write ``face`` cut to :func:`repertoire`, with its layout features (Pango shapes with them) and without
    subroutines (WeasyPrint would take them apart for every PDF). Written under a temporary name and renamed, so
    that a render never reads half a file."""
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    collection = TTCollection(source_folder / face.source)
    font = next(font for font in collection.fonts if font["name"].getDebugName(1) == face.family)
    options = subset.Options()
    options.layout_features = ["*"]
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=repertoire())
    subsetter.subset(font)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / face.file
    partial = target.with_suffix(".partial")
    font.save(partial)
    partial.replace(target)
    return target

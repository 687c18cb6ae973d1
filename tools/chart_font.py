"""Rebuild ``views/fonts/NotoSansCJKsc-Subset.otf``: Noto Sans CJK SC (SIL Open Font License 1.1), cut down
to the glyphs the chart's labels can use in every catalog, so the repository keeps a small file.

    pip download --no-deps manimgx-fonts-cjk   # ships NotoSansCJK-VF.otf.ttc (OFL), or any Noto Sans CJK SC
    python -m tools.chart_font path/to/NotoSansCJK-VF.otf.ttc

Run it again after changing a chart label or its translation; ``tests/test_report_chart.py`` fails until then.
"""

from __future__ import annotations

import string
import sys
from pathlib import Path

from views.chart import FONT
from views.i18n import SUPPORTED, translator
from views.report import chart_words

EXTRA = string.printable.strip() + " ·–—…（）：，。€£¥$"
"""ASCII (dates, numbers, currency codes) and the punctuation a label may carry."""


def needed_text() -> str:
    words = "".join(v for locale in SUPPORTED for v in chart_words(translator(locale), "USD").values())
    return "".join(sorted(set(words + EXTRA)))


def build(source: str, out: Path = FONT) -> int:
    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont
    from fontTools.varLib import instancer

    if source.endswith((".ttc", ".otc")):
        collection = TTCollection(source)
        font = next(f for f in collection.fonts if f["name"].getDebugName(1).endswith(" SC"))
    else:
        font = TTFont(source)
    if "fvar" in font:
        font = instancer.instantiateVariableFont(font, {"wght": 400})
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=needed_text())
    subsetter.subset(font)
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(out))
    return out.stat().st_size


if __name__ == "__main__":
    print(f"{FONT}: {build(sys.argv[1])} bytes")

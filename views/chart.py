"""The weekly chart as a PNG: recovered vs lost per week, and open cases by time left to their deadline.

matplotlib (Agg, no display) is imported inside ``render_chart`` only, so a server that never draws a
chart never loads it. Chinese labels use the font kept in ``views/fonts`` (a subset of Noto Sans CJK SC
under the SIL Open Font License, holding the glyphs the labels can use; ``tools/chart_font.py`` rebuilds it).
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

from rules.parsing import currency_decimals
from rules.report_records import ChartData, TimeLeft
from views.i18n import Translator
from views.report import chart_words

FONT = Path(__file__).with_name("fonts") / "NotoSansCJKsc-Subset.otf"
WIDTH_IN, HEIGHT_IN, DPI = 10.0, 4.2, 100
GREEN, RED, GREY = "#2eb67d", "#e01e5a", "#616061"


def render_chart(chart: ChartData, tr: Translator) -> bytes:
    """The chart in ``tr``'s language, as PNG bytes (about 1000 × 420 pixels)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    words = chart_words(tr, chart.currency)
    font = FontProperties(fname=str(FONT)) if tr.locale.startswith("zh") else FontProperties(family="DejaVu Sans")
    scale = 10 ** currency_decimals(chart.currency)
    labels = [f"{p.period.first_day:%m-%d}" for p in chart.weeks]
    recovered = [p.recovered.get(chart.currency, 0) / scale for p in chart.weeks]
    lost = [p.lost.get(chart.currency, 0) / scale for p in chart.weeks]

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)  # no pyplot: no global state, thread-safe
    weekly, left = figure.subplots(1, 2, gridspec_kw={"width_ratios": [2.2, 1]})
    positions = range(len(labels))
    weekly.bar([x - 0.2 for x in positions], recovered, width=0.4, color=GREEN, label=words["recovered"])
    weekly.bar([x + 0.2 for x in positions], lost, width=0.4, color=RED, label=words["lost"])
    weekly.set_xticks(list(positions), labels, rotation=45, fontsize=8)
    weekly.set_title(words["weekly"], fontproperties=font, fontsize=11, loc="right")
    weekly.set_xlabel(words["week_of"], fontproperties=font, fontsize=9)
    # Above the bars, left; the title right: a fixed place, so no search for the emptiest corner.
    weekly.legend(prop=font, fontsize=9, frameon=False, loc="lower left", bbox_to_anchor=(0, 1), ncols=2,
                  borderaxespad=0.2)
    weekly.spines[["top", "right"]].set_visible(False)

    buckets = list(TimeLeft)
    counts = [chart.time_left.get(b, 0) for b in buckets]
    colours = [RED, RED, "#ecb22e", GREY, GREY]
    left.barh(range(len(buckets)), counts, color=colours)
    left.set_yticks(range(len(buckets)), [words[str(b)] for b in buckets])
    for tick in left.get_yticklabels():
        tick.set_fontproperties(font)
    left.invert_yaxis()
    left.set_title(textwrap.fill(words["time_left"], 30), fontproperties=font, fontsize=11)
    left.set_xlabel(words["cases"], fontproperties=font, fontsize=9)
    left.spines[["top", "right"]].set_visible(False)
    for y, n in enumerate(counts):
        left.annotate(str(n), (n, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)

    # Fixed margins rather than tight_layout, which measures every label first (a tenth of the cost).
    figure.subplots_adjust(left=0.07, right=0.98, top=0.9, bottom=0.2, wspace=0.35)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()

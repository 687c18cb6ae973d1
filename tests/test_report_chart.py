"""The weekly chart: a real PNG of sensible size, Chinese labels drawn with real glyphs from the bundled
font (every glyph a label can use is in it), and matplotlib loaded only when a chart is drawn."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from rules.report_records import ChartData, TimeLeft, WeekPoint, last_days
from views.chart import FONT, render_chart
from views.i18n import SUPPORTED, translator
from views.report import chart_words

LA = ZoneInfo("America/Los_Angeles")


def chart() -> ChartData:
    weeks = [WeekPoint(last_days(date(2026, 11, 23) - timedelta(days=7 * back), LA),
                       {"USD": 10_000 * back}, {"USD": 2_500 * (13 - back)}) for back in reversed(range(13))]
    return ChartData(weeks=weeks, time_left={TimeLeft.OVERDUE: 1, TimeLeft.DAY: 2, TimeLeft.TWO_DAYS: 3,
                                             TimeLeft.WEEK: 4, TimeLeft.LATER: 5}, currency="USD")


@pytest.mark.parametrize("locale", SUPPORTED)
def test_every_glyph_the_chart_labels_can_use_is_in_the_bundled_font(locale: str) -> None:
    cmap = TTFont(str(FONT)).getBestCmap()
    text = "".join(chart_words(translator(locale), "USD").values()) + "0123456789-.,"
    missing = sorted({c for c in text if not c.isspace() and ord(c) not in cmap})
    assert missing == [], f"rebuild the font with tools/chart_font.py: {missing}"


def test_the_bundled_font_is_small_and_keeps_its_licence() -> None:
    assert FONT.stat().st_size < 200_000
    licence = (FONT.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL Open Font License" in licence and "Noto Sans CJK SC" in licence


@pytest.mark.parametrize("locale", SUPPORTED)
def test_the_chart_is_a_png_of_sensible_size(locale: str) -> None:
    png = render_chart(chart(), translator(locale))
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size) == ("PNG", (1000, 420))
    assert 10_000 < len(png) < 500_000


def test_chinese_labels_are_drawn_with_glyphs_not_empty_boxes() -> None:
    """Rendering a missing glyph makes matplotlib warn ("Glyph … missing from font"); none may."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render_chart(chart(), translator("zh_CN"))
    assert [str(w.message) for w in caught if "missing from" in str(w.message)] == []
    # And the Chinese chart differs from the English one where the labels are (it is not all boxes).
    assert render_chart(chart(), translator("zh_CN")) != render_chart(chart(), translator("en"))


def test_the_app_and_the_sweep_do_not_load_matplotlib_until_a_chart_is_drawn() -> None:
    code = ("import sys, handlers, sweep.scheduler, slack_app.app, views.chart, store.reports; "
            "print('matplotlib' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "False"

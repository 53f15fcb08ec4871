"""kefu.kpi_chart: a team's KPIs against the targets, rendered (Agg) with every Chinese label in a CJK font."""

from __future__ import annotations

import io
import os
import warnings

import pandas as pd
import pytest

import kefu
from kefu import team_chart
from kefu.errors import KefuError

TARGETS = {"first_response_s": "first_response_s", "reply_rate": "reply_rate",
           "conversion": "inquiry_conversion_target", "dsr_service": "dsr_min"}


def _report() -> pd.DataFrame:
    return pd.DataFrame({"agent": ["小雅", "阿杰", "晓晓"],
                         "first_response_s": [18.5, 30.0, 61.0],
                         "reply_rate": [1.0, 0.98, float("nan")],
                         "conversion": [0.72, 0.35, 0.70],
                         "dsr_service": [4.9, 4.6, 4.8]})


def _texts(figure) -> list:
    """Every visible text artist of the figure that holds a non-ASCII character (the Chinese labels)."""
    from matplotlib.text import Text

    found = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text()]
    return [t for t in found if any(ord(ch) > 127 for ch in t.get_text())]


def _missing_glyphs(figure) -> list:
    """matplotlib's 'Glyph … missing from font(s) …' warnings when the figure is drawn again."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure.savefig(io.BytesIO(), format="png")
    return [str(w.message) for w in caught if team_chart.MISSING_GLYPH in str(w.message)]


def test_chart_renders_every_chinese_label_in_a_cjk_font():
    """Does the chart render (Agg, PNG) with no missing glyph, every Chinese label resolved to a CJK font file?"""
    from matplotlib import font_manager

    chart = kefu.kpi_chart(_report(), TARGETS, labels={"dsr_service": "DSR 服务态度"})
    assert chart.png.startswith(b"\x89PNG\r\n\x1a\n") and chart._repr_png_() == chart.png
    assert chart.family.startswith("Noto Sans CJK")
    assert _missing_glyphs(chart.figure) == []
    texts = _texts(chart.figure)
    shown = {t.get_text() for t in texts}
    # the title, one heading per KPI, the agents, the target notes, the legend
    assert {"客服组 KPI 与目标", "首次响应时间(越低越好)", "回复率(越高越好)", "询单转化率(越高越好)",
            "DSR 服务态度(越高越好)", "小雅", "阿杰", "晓晓", "目标 30 秒", "目标 98%", "目标 70%",
            "目标 4.8", "达标", "未达标", "店铺目标", "无数据"} <= shown
    for text in texts:
        path = font_manager.findfont(text.get_fontproperties(), fallback_to_default=False)
        assert "CJK" in os.path.basename(path), (text.get_text(), path)


def test_the_glyph_check_detects_a_font_without_chinese():
    """Would the check fail? Drawn in DejaVu Sans the same labels miss glyphs, and kpi_chart refuses."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}):
        figure = Figure()
        FigureCanvasAgg(figure)
        figure.subplots().set_title("首次响应时间")
        assert len(_missing_glyphs(figure)) == 6


def test_kpi_chart_refuses_to_draw_boxes(monkeypatch):
    """When the chosen family lacks Chinese glyphs, kpi_chart raises a Chinese error instead of showing boxes."""
    monkeypatch.setattr("kefu.analysis.chart.cjk_family", lambda: "DejaVu Sans")
    with pytest.raises(KefuError, match="显示成方框"):
        kefu.kpi_chart(_report(), TARGETS)


def test_missing_cjk_font_is_a_clear_chinese_error(monkeypatch):
    """Without any CJK font, kpi_chart says so in Chinese (the message of kefu.analysis.chart)."""
    monkeypatch.setattr("kefu.analysis.chart.CJK_FAMILIES", ["No Such CJK Font"])
    with pytest.raises(KefuError, match="找不到中文字体"):
        kefu.kpi_chart(_report(), TARGETS)


def test_bars_are_coloured_by_target_and_direction():
    """Times are met at or below the target, other KPIs at or above; a missing value is a missed target."""
    chart = kefu.kpi_chart(_report(), TARGETS)
    axes = [ax for ax in chart.figure.axes if ax.get_visible()]
    colours = [[team_chart.MET if tuple(p.get_facecolor()[:3]) == _rgb(team_chart.MET) else team_chart.MISSED
                for p in ax.patches] for ax in axes]
    met, missed = team_chart.MET, team_chart.MISSED
    assert colours == [[met, met, missed], [met, met, missed], [met, missed, met], [met, missed, met]]


def _rgb(colour: str) -> tuple:
    from matplotlib.colors import to_rgb

    return tuple(to_rgb(colour))


def test_chart_leaves_the_notebook_backend_alone():
    """Drawing on its own Agg canvas does not switch matplotlib's backend or change rcParams."""
    import matplotlib

    backend, family = matplotlib.get_backend(), list(matplotlib.rcParams["font.sans-serif"])
    kefu.kpi_chart(_report(), {"reply_rate": "reply_rate"})
    assert matplotlib.get_backend() == backend
    assert matplotlib.rcParams["font.sans-serif"] == family


def test_unknown_columns_and_empty_targets_are_explained():
    """A column the report lacks, or no target at all, is a Chinese error naming the problem."""
    with pytest.raises(KefuError, match="没有这些列:aov"):
        kefu.kpi_chart(_report(), {"aov": "reply_rate"})
    with pytest.raises(KefuError, match="至少一个指标"):
        kefu.kpi_chart(_report(), {})

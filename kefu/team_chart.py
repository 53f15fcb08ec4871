"""A team's KPIs against the store's targets: one small bar chart per KPI, Chinese labels in a CJK font.

The chart is drawn on its own Agg canvas (``matplotlib.figure.Figure``, no pyplot), so it never
changes the notebook's matplotlib backend. Labels use the CJK family that
:mod:`kefu.analysis.chart` finds (Noto Sans CJK from fonts-noto-cjk); without one the function
refuses with a Chinese message instead of drawing boxes.

The targets are store standards of ``data/standards.yaml``: a standard measured in time
(秒, 分钟, 小时) is met at or below its value, any other at or above it.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from dataclasses import dataclass
from typing import Any, Mapping

from .errors import KefuError

__all__ = ["KpiChart", "kpi_chart", "LOWER_IS_BETTER_UNITS", "MISSING_GLYPH"]

LOWER_IS_BETTER_UNITS = ("秒", "分钟", "小时")
MET, MISSED, TARGET = "#4a7fb5", "#d9534f", "#333333"
MISSING_GLYPH = "missing from font"  # matplotlib's warning when a font lacks a character
_SUFFIX = re.compile(r"(上限|下限|目标)?([((].*[))])?$")


@dataclass
class KpiChart:
    """The drawn chart: the matplotlib figure, its PNG bytes and the font family of its labels."""

    figure: Any
    png: bytes
    family: str

    def _repr_png_(self) -> bytes:
        return self.png


def _label(standard) -> str:
    return _SUFFIX.sub("", standard.name).strip() or standard.name


def _fmt(value: float, unit: str) -> str:
    if unit == "比例":
        return f"{value:.0%}" if abs(value * 100 - round(value * 100)) < 1e-9 else f"{value:.1%}"
    return f"{value:g} {unit}" if unit in LOWER_IS_BETTER_UNITS else f"{value:g}"


def kpi_chart(report, targets: Mapping[str, Any], *, labels: Mapping[str, str] | None = None,
              agent: str = "agent", title: str = "客服组 KPI 与目标", standards=None) -> KpiChart:
    """Draw one bar chart per KPI column of ``report`` (one row per agent) against its target.

    ``targets`` maps a column of ``report`` to a key of ``data/standards.yaml`` (or a loaded
    ``Standard``); ``labels`` optionally names the columns (default: the standard's name without
    上限/下限/目标). Bars that meet the target are blue, the others red; a missing value is
    marked 无数据. Returns a :class:`KpiChart`, which a notebook shows as a PNG.
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from .analysis.chart import cjk_family

    if not targets:
        raise KefuError("kpi_chart 需要至少一个指标:targets 写成 {列名: standards.yaml 里的标准名}。")
    missing = [c for c in [agent, *targets] if c not in getattr(report, "columns", [])]
    if missing:
        raise KefuError(f"表格里没有这些列:{'、'.join(missing)}(现有:{'、'.join(map(str, report.columns))})。")
    if standards is None:
        from .data import load_standards

        standards = load_standards()
    resolved = {column: standards[t] if isinstance(t, str) else t for column, t in targets.items()}
    names = [str(a) for a in report[agent]]
    family = cjk_family()
    columns = min(3, len(resolved))
    rows = math.ceil(len(resolved) / columns)
    # the family by name (not "sans-serif"), so every label keeps it when the figure is drawn again later
    settings = {"font.family": [family], "axes.unicode_minus": False}
    with matplotlib.rc_context(settings), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure = Figure(figsize=(4.2 * columns, 3.2 * rows + 0.9), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.subplots(rows, columns, squeeze=False).ravel()
        for ax, (column, standard) in zip(axes, resolved.items()):
            lower = standard.unit in LOWER_IS_BETTER_UNITS
            values = [float(v) if v is not None and v == v else math.nan for v in report[column]]
            met = [(v <= standard.value) if lower else (v >= standard.value) for v in values]
            heights = [0.0 if math.isnan(v) else v for v in values]
            ax.bar(names, heights, color=[MET if ok else MISSED for ok in met])
            ax.axhline(standard.value, color=TARGET, linewidth=1.2, linestyle="--")
            top = max([standard.value, *heights]) * 1.18 or 1.0
            if standard.unit == "比例":
                top = min(top, 1.15)
            ax.set_ylim(0, top)
            for x, v in enumerate(values):
                text = "无数据" if math.isnan(v) else (f"{v:.0%}" if standard.unit == "比例" else f"{v:g}")
                ax.text(x, (0 if math.isnan(v) else v) + top * 0.02, text, ha="center", va="bottom", fontsize=8)
            direction = "越低越好" if lower else "越高越好"
            label = (labels or {}).get(column) or _label(standard)
            ax.set_title(f"{label}({direction})", fontsize=11)
            ax.set_ylabel(standard.unit, fontsize=9)
            if standard.unit == "比例":
                ax.yaxis.set_major_formatter(lambda y, _pos: f"{y:.0%}")
            ax.tick_params(axis="x", labelsize=9)
            ax.text(0.99, 0.97, f"目标 {_fmt(standard.value, standard.unit)}", transform=ax.transAxes,
                    ha="right", va="top", fontsize=8, color=TARGET)
        for ax in axes[len(resolved):]:
            ax.set_visible(False)
        figure.legend(handles=[Patch(color=MET, label="达标"), Patch(color=MISSED, label="未达标"),
                               Line2D([], [], color=TARGET, linestyle="--", label="店铺目标")],
                      loc="lower center", ncol=3, frameon=False, fontsize=9)
        figure.suptitle(title, fontsize=13)
        height = figure.get_figheight()  # fixed margins in inches: faster than tight_layout's extra draw
        figure.subplots_adjust(left=0.75 / figure.get_figwidth(), right=0.985, bottom=0.8 / height,
                               top=1 - 0.75 / height, wspace=0.3, hspace=0.45)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    missing = sorted({str(w.message) for w in caught if MISSING_GLYPH in str(w.message)})
    if missing:  # a label would show as boxes: refuse rather than show a broken chart
        raise KefuError(f"图表里有 {len(missing)} 个字在字体 {family} 里没有字形,会显示成方框(例如:{missing[0]})。"
                        "请安装 Noto Sans CJK 字体(sudo apt-get install fonts-noto-cjk),"
                        "删除 matplotlib 的字体缓存(~/.cache/matplotlib)后重试。")
    return KpiChart(figure=figure, png=buffer.getvalue(), family=family)

"""The difficulty bar chart, drawn with matplotlib (Agg) in a CJK font, as a base64 PNG."""

from __future__ import annotations

import base64
import io

from ..errors import KefuError

CJK_FAMILIES = ["Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK JP", "Source Han Sans SC",
                "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei"]
NO_CJK_FONT = ("找不到中文字体,图表里的中文会显示成方框,因此没有生成报告。"
               "请先安装 Noto Sans CJK 字体(Debian/Ubuntu:sudo apt-get install fonts-noto-cjk),"
               "再删除 matplotlib 的字体缓存(~/.cache/matplotlib)后重试。")


def cjk_family() -> str:
    """The first installed CJK font family that matplotlib knows, or a KefuError in Chinese."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    raise KefuError(NO_CJK_FONT)


def cjk_font_file() -> str:
    """The font file matplotlib uses for the chosen CJK family."""
    from matplotlib import font_manager

    return font_manager.findfont(font_manager.FontProperties(family=cjk_family()),
                                 fallback_to_default=False)


def configure() -> str:
    """Select the Agg backend and a CJK font; return the family used."""
    import matplotlib

    matplotlib.use("Agg")
    family = cjk_family()
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [family, *matplotlib.rcParams["font.sans-serif"]]
    matplotlib.rcParams["axes.unicode_minus"] = False  # the CJK fonts lack U+2212
    return family


def difficulty_png(items, difficulty, flagged, title: str) -> str:
    """A horizontal bar chart of difficulty per item, as base64-encoded PNG text."""
    family = configure()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(items) + 1.4), dpi=100)
    try:
        colours = ["#d9534f" if bad else "#4a7fb5" for bad in flagged]
        ax.barh(list(items), list(difficulty), color=colours)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("难度(得分率,1 = 全部得分)", family=family)
        ax.set_title(title, family=family)
        ax.axvline(0.5, color="#999", linewidth=0.8, linestyle="--")
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
    finally:
        plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")

"""The item-analysis HTML report: a table and a difficulty chart per assignment."""

from __future__ import annotations

import html
import math

import pandas as pd

from .chart import difficulty_png

HEADERS = ["题目", "人数", "难度", "区分度", "最常见的错误选项", "提示"]
NOBODY_RIGHT = "没有学员得分:请检查参考答案、隐藏测试和题目说明是否一致,题目是否超出了所学内容。"
NEGATIVE = "区分度为负:总分高的学员在这题上反而得分低,请检查答案是否有歧义、评分是否写反或题干是否误导。"
EVERYONE_RIGHT = "所有学员都得满分:题目可能太简单。"
NO_VARIANCE = "—(得分没有差异,无法计算)"

_STYLE = """<style>
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #ccd;padding:4px 8px;text-align:left}
th{background:#eef2f7}tr.flagged td{background:#fdecea}td.num{text-align:right}
</style>"""


def hint(row) -> str:
    """The Chinese advice for one item row of ``item_stats``."""
    notes = []
    if row["nobody_right"]:
        notes.append(NOBODY_RIGHT)
    if row["negative_discrimination"]:
        notes.append(NEGATIVE)
    if row["everyone_right"]:
        notes.append(EVERYONE_RIGHT)
    return " ".join(notes)


def wrong_choice_text(item: str, wrong: pd.DataFrame) -> str:
    """“B(33%)” for the widget item whose test cell is ``item`` (grade ids start with the item id)."""
    for _, row in wrong.iterrows():
        if item == row["item"] or item.startswith(f"{row['item']}_"):
            if row["wrong_choice"] is None:
                return f"无(正确答案 {row['right']})"
            return f"{row['wrong_choice']}({row['wrong_share']:.0%},正确答案 {row['right']})"
    return ""


def section(assignment: str, stats: pd.DataFrame, wrong: pd.DataFrame) -> str:
    """Heading, chart and table of one assignment."""
    flagged = (stats["nobody_right"] | stats["negative_discrimination"]).tolist()
    png = difficulty_png(stats["item"], stats["difficulty"], flagged, f"{assignment} 各题难度")
    lines = [f"<h2>{html.escape(assignment)}</h2>",
             f'<img alt="{html.escape(assignment)} 各题难度" src="data:image/png;base64,{png}">',
             "<table>", "<tr>" + "".join(f"<th>{h}</th>" for h in HEADERS) + "</tr>"]
    for row, bad in zip(stats.to_dict("records"), flagged):
        disc = row["discrimination"]
        cells = [html.escape(row["item"]), str(row["n"]), f"{row['difficulty']:.2f}",
                 NO_VARIANCE if math.isnan(disc) else f"{disc:.2f}",
                 html.escape(wrong_choice_text(row["item"], wrong)), html.escape(hint(row))]
        css = ' class="flagged"' if bad else ""
        lines.append(f"<tr{css}>" + "".join(
            f'<td class="num">{c}</td>' if i in (1, 2, 3) else f"<td>{c}</td>" for i, c in enumerate(cells))
            + "</tr>")
    lines.append("</table>")
    return "\n".join(lines)


def render(sections: list[str]) -> str:
    """The whole report page."""
    intro = ("<p>难度 = 全体学员在该题的平均得分率(1 表示人人满分);区分度 = 该题得分率与"
             "学员其余各题总分的相关系数(点二列相关,-1 到 1,越高越能区分学得好与学得差的学员)。"
             "红色行需要检查。</p>")
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>题目分析</title>{_STYLE}</head><body>\n<h1>题目分析</h1>\n{intro}\n"
            + "\n".join(sections) + "\n</body></html>\n")

"""kefu analyze — item analysis of the autograded cohort, written as an HTML report."""

from __future__ import annotations

from pathlib import Path

from ..analysis import cohort_scores, common_wrong_choices, item_stats, widget_answers
from ..analysis.report import render, section
from ..course.env import find_course_root
from ..course.nbgrader_api import open_api

DEFAULT_OUT = Path("reports") / "item_analysis.html"


def main(*, course: str | None = None, assignment: str | None = None, out: str | None = None) -> int:
    """Write the report; 0 on success, 1 when the gradebook has no graded cells to analyse."""
    root = find_course_root(course)
    scores = cohort_scores(open_api(root), assignment)
    if scores.empty:
        which = assignment or "任何作业"
        print(f"成绩簿里还没有 {which} 的评分记录。请先运行 kefu autograde。")
        return 1
    sections = []
    for name, part in scores.groupby("assignment", sort=True):
        answers, key = widget_answers(root, name)
        sections.append(section(name, item_stats(part), common_wrong_choices(answers, key)))
    target = Path(out) if out else root / DEFAULT_OUT
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(sections), encoding="utf-8")
    print(f"题目分析报告已写入 {target}")
    return 0

"""kefu scores — the score table of an assignment, from the gradebook."""

from __future__ import annotations

import csv
import sys

from ..course.env import find_course_root
from ..course.gradebook import submission_scores
from ..course.nbgrader_api import open_api


def print_table(rows, failures=None) -> None:
    """A plain-text table: student, automatic score, total, and what is pending."""
    failures = failures or {}
    print(f"{'学员':<16}{'自动评分':>12}{'总分':>12}  状态")
    for row in rows:
        status = "失败" if row.student in failures else ("待人工评分" if row.needs_manual else "已完成")
        print(f"{row.student:<16}{f'{row.auto_score:g}/{row.auto_max:g}':>12}"
              f"{f'{row.score:g}/{row.max_score:g}':>12}  {status}")
    for student in sorted(set(failures) - {r.student for r in rows}):
        print(f"{student:<16}{'-':>12}{'-':>12}  失败")


def main(*, course: str | None = None, assignment: str, as_csv: bool = False) -> int:
    root = find_course_root(course)
    rows = submission_scores(open_api(root), assignment)
    if not rows:
        print(f"成绩簿里还没有 {assignment} 的评分记录。")
        return 1
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(["student", "auto_score", "auto_max", "score", "max_score", "needs_manual_grade"])
        for r in rows:
            writer.writerow([r.student, r.auto_score, r.auto_max, r.score, r.max_score, r.needs_manual])
    else:
        print_table(rows)
    return 0

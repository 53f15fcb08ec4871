"""kefu export — the course's grades as a CSV file that Excel opens (UTF-8 with BOM)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from ..course.env import find_course_root
from ..course.nbgrader_api import open_api

# Excel reads a CSV file as UTF-8 (and shows Chinese) only when it starts with a byte order mark.
ENCODING = "utf-8-sig"
WIDE_NAME = "grades.csv"
LONG_NAME = "grades_long.csv"
LONG_HEADER = ["学员", "作业", "题目", "得分", "满分", "待人工评分"]


def number(value) -> str:
    """A score as Excel should show it: ``23``, ``18.25``."""
    return f"{round(float(value or 0.0), 2):g}"


def _natural(text: str):
    """Sort key that puts ``q2`` before ``q10``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def wide_rows(gb) -> list[list[str]]:
    """Header plus one row per student: each assignment's total, the course total and maximum.

    An assignment the student has no submission of is left empty and counts 0 in the total.
    """
    assignments = sorted(gb.assignments, key=lambda a: _natural(a.name))
    course_max = sum(float(a.max_score) for a in assignments)
    scores = {(sub.student.id, a.name): float(sub.score) for a in assignments for sub in a.submissions}
    rows = [["学员", *(a.name for a in assignments), "总分", "满分"]]
    for student in sorted(s.id for s in gb.students):
        cells = [scores.get((student, a.name)) for a in assignments]
        total = sum(c for c in cells if c is not None)
        rows.append([student, *("" if c is None else number(c) for c in cells),
                     number(total), number(course_max)])
    return rows


def long_rows(gb) -> list[list[str]]:
    """Header plus one row per graded cell of every submission."""
    rows = []
    for assignment in gb.assignments:
        for sub in assignment.submissions:
            for nb in sub.notebooks:
                for grade in nb.grades:
                    rows.append([sub.student.id, assignment.name, grade.name, number(grade.score),
                                 number(grade.max_score), "是" if grade.needs_manual_grade else "否"])
    rows.sort(key=lambda r: (r[0], _natural(r[1]), _natural(r[2])))
    return [LONG_HEADER, *rows]


def write_csv(path: Path, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=ENCODING, newline="") as f:
        csv.writer(f).writerows(rows)


def main(*, course: str | None = None, out: str | None = None, long: bool = False) -> int:
    """Write the course's grades (wide, or long with ``long``); 0 when a file was written."""
    root = find_course_root(course)
    gb = open_api(root).gradebook
    try:
        rows = long_rows(gb) if long else wide_rows(gb)
        students = len({r[0] for r in rows[1:]})
    finally:
        gb.close()
    if len(rows) == 1:
        print("成绩簿里还没有学员或评分记录:请先运行 kefu autograde <作业>。")
        return 1
    path = Path(out) if out else root / (LONG_NAME if long else WIDE_NAME)
    write_csv(path, rows)
    kind = f"{len(rows) - 1} 行逐题成绩" if long else "每名学员一行的总成绩"
    print(f"已导出 {students} 名学员的{kind}到 {path}(UTF-8 带 BOM,可直接用 Excel 打开)。")
    return 0

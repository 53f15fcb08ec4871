"""Feedback and grade export, end to end on a small cohort of a two-assignment course.

alice submits the solutions (with the widget key), bob the untouched release, carol the
partly wrong answers of tests/cases/<assignment>_partial.yaml.
"""

from __future__ import annotations

import csv
import html
import io
import re
from contextlib import redirect_stdout

import nbformat
import pytest

from kefu.commands import autograde, export, feedback, release

from conftest import copy_course
from notebook_tools import HIDDEN, nbgrader_meta, partial_case, submit_cohort

pytestmark = [
    pytest.mark.slow,
    # nbgrader's release_feedback opens timestamp.txt without closing it; not ours to fix.
    pytest.mark.filterwarnings("ignore:Exception ignored in.*timestamp.txt:pytest.PytestUnraisableExceptionWarning"),
]

NAMES = ["m01_role", "m02_rules"]
STUDENTS = ["alice", "bob", "carol"]
BOM = b"\xef\xbb\xbf"


def grade_cells(course, name) -> dict[str, tuple[float, bool]]:
    """{grade_id: (points, graded by hand)} of every graded cell of the source notebook."""
    nb = nbformat.read(str(course / "source" / name / f"{name}.ipynb"), as_version=4)
    return {nbgrader_meta(c)["grade_id"]: (float(nbgrader_meta(c)["points"]), bool(nbgrader_meta(c).get("solution")))
            for c in nb.cells if nbgrader_meta(c).get("grade")}


def hidden_lines(course, name) -> list[str]:
    """The lines of the source's hidden-test regions that are secret: not bare brackets, not in the release."""
    source = nbformat.read(str(course / "source" / name / f"{name}.ipynb"), as_version=4)
    released = nbformat.read(str(course / "release" / name / f"{name}.ipynb"), as_version=4)
    public = "\n".join(c.source for c in released.cells)
    lines = {line.strip() for c in source.cells for region in HIDDEN.findall(c.source)
             for line in region.splitlines()}
    return sorted(line for line in lines if re.search(r"\w", line) and line not in public)


def visible_text(page: str) -> str:
    """The text of an HTML page without tags (syntax highlighting splits code into spans)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("feedback") / "course", NAMES)
    assert release.main(course=str(course)) == 0
    for name in NAMES:
        submit_cohort(course, name)
        # What `nbgrader submit` + `collect` leave next to a submission: only alice came through the exchange.
        (course / "submitted" / "alice" / name / "timestamp.txt").write_text("2025-03-01 10:00:00.000000 UTC")
        (course / "submitted" / "alice" / name / "submission_secret.txt").write_text("ab" * 64)
        assert autograde.main(course=str(course), assignments=[name]) == 0
    return course


@pytest.fixture(scope="module")
def with_feedback(graded):
    logs = {}
    for name in NAMES:
        buffer = io.StringIO()
        with redirect_stdout(buffer):
            assert feedback.main(course=str(graded), assignment=name) == 0
        logs[name] = buffer.getvalue()
    return graded, logs


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(BOM)
    return list(csv.reader(raw[len(BOM):].decode("utf-8").splitlines()))


def test_wide_csv_has_exact_totals(graded, capsys):
    """Does the wide export hold, per student, each assignment's total, the course total and maximum?"""
    assert export.main(course=str(graded)) == 0
    assert "已导出 3 名学员" in capsys.readouterr().out
    auto = {n: sum(p for p, manual in grade_cells(graded, n).values() if not manual) for n in NAMES}
    full = sum(p for n in NAMES for p, _ in grade_cells(graded, n).values())
    carol = {n: float(partial_case(n)["total"]) for n in NAMES}
    assert (auto, full, carol) == ({"m01_role": 23, "m02_rules": 26}, 59, {"m01_role": 14, "m02_rules": 18.25})
    assert read_csv(graded / "grades.csv") == [
        ["学员", "m01_role", "m02_rules", "总分", "满分"],
        ["alice", "23", "26", "49", "59"],
        ["bob", "0", "0", "0", "59"],
        ["carol", "14", "18.25", "32.25", "59"],
    ]


def test_long_csv_has_one_row_per_graded_cell(graded, tmp_path):
    """Does the long export hold one exact row per student and graded cell, written to --out?"""
    out = tmp_path / "逐题成绩.csv"
    assert export.main(course=str(graded), out=str(out), long=True) == 0
    rows = read_csv(out)
    assert rows[0] == ["学员", "作业", "题目", "得分", "满分", "待人工评分"]
    cells = sum(len(grade_cells(graded, n)) for n in NAMES)
    assert len(rows) - 1 == len(STUDENTS) * cells
    for row in (["carol", "m01_role", "m01_q1_test", "4", "6", "否"],
                ["carol", "m02_rules", "m02_q7_test", "5.25", "6", "否"],
                ["alice", "m01_role", "m01_q5_reply", "0", "5", "是"],
                ["bob", "m02_rules", "m02_q9_test", "0", "2", "否"]):
        assert row in rows
    assert [r[0] for r in rows[1:]] == sorted(r[0] for r in rows[1:])


def test_feedback_is_utf8_chinese_and_released(with_feedback):
    """Is every student's feedback a UTF-8 page in Chinese, released when it came through the exchange?"""
    with_feedback, logs = with_feedback
    for name in NAMES:
        for student in STUDENTS:
            raw = (with_feedback / "feedback" / student / name / f"{name}.html").read_bytes()
            page = raw.decode("utf-8")
            assert re.search(r'<meta charset="utf-8"\s*/?>', page, re.I)
            assert "评分练习" in page
    released = list((with_feedback / "exchange").rglob("feedback/*.html"))
    assert len(released) == len(NAMES)
    for name in NAMES:
        assert f"[1/3] {name} / alice … 已生成并发放" in logs[name]
        assert logs[name].count("不是经交换目录提交的") == 2
        assert "其中 1 名已发放到交换目录" in logs[name]


def test_feedback_shows_case_lines_but_no_hidden_tests(with_feedback):
    """Does feedback show our ✓/× case lines and the score, but no text of any hidden-test region?"""
    with_feedback, _ = with_feedback
    for name in NAMES:
        lines = hidden_lines(with_feedback, name)
        assert len(lines) > 10
        for student in STUDENTS:
            text = visible_text((with_feedback / "feedback" / student / name / f"{name}.html")
                                .read_text(encoding="utf-8"))
            assert "HIDDEN TESTS" not in text
            assert [line for line in lines if line in text] == [], (name, student)
    carol = visible_text((with_feedback / "feedback" / "carol" / "m02_rules" / "m02_rules.html")
                         .read_text(encoding="utf-8"))
    assert "✓ " in carol and "× " in carol
    assert "5.25" in carol


def test_feedback_failure_of_one_student_does_not_stop_others(with_feedback, capsys):
    """Is a student without a graded submission reported while the others still get feedback?"""
    with_feedback, _ = with_feedback
    target = with_feedback / "feedback" / "carol" / "m01_role" / "m01_role.html"
    target.unlink()
    code = feedback.main(course=str(with_feedback), assignment="m01_role",
                         students=("carol", "nobody"), release=False)
    out = capsys.readouterr().out
    assert target.exists()
    assert code == 1 and "nobody" in out and "失败" in out

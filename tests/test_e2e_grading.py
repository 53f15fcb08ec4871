"""End to end through nbgrader: release, submit, autograde, grade by hand, feedback.

Students: alice submits the solutions, bob the untouched release, carol the
partly wrong answers of tests/cases/<assignment>_partial.yaml.
"""

from __future__ import annotations


import nbformat
import pytest

from kefu.commands import release
from kefu.course.gradebook import submission_scores
from kefu.course.nbgrader_api import open_api

from conftest import ASSIGNMENTS, copy_course
from notebook_tools import nbgrader_meta, partial_case, submit_cohort

pytestmark = pytest.mark.slow


def grades(api, name, student):
    """{grade_id: score} of one student's submission, from the gradebook."""
    gb = api.gradebook
    try:
        sub = gb.find_submission_notebook(name, name, student)
        return {g.name: float(g.score) for g in sub.grades}
    finally:
        gb.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("e2e") / "course")
    assert release.main(course=str(course)) == 0
    for name in ASSIGNMENTS:
        submit_cohort(course, name)
    api = open_api(course)
    for name in ASSIGNMENTS:
        for student in ("alice", "bob", "carol"):
            result = api.autograde(name, student, force=True, create=True)
            assert result["success"], result.get("error")
    return course, api


def _auto_cells(course, name):
    nb = nbformat.read(str(course / "source" / name / f"{name}.ipynb"), as_version=4)
    return {nbgrader_meta(c)["grade_id"]: float(nbgrader_meta(c)["points"]) for c in nb.cells
            if nbgrader_meta(c).get("grade") and not nbgrader_meta(c).get("solution")}


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_solutions_score_full_marks(graded, name):
    """Do the solution notebooks earn every point of every autograded cell?"""
    course, api = graded
    got = grades(api, name, "alice")
    for gid, points in _auto_cells(course, name).items():
        assert got[gid] == points, gid


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_untouched_release_scores_zero(graded, name):
    """Does the untouched student version score 0 everywhere?"""
    course, api = graded
    assert set(grades(api, name, "bob").values()) == {0.0}
    (row,) = submission_scores(api, name, ["bob"])
    assert row.score == 0 and row.auto_score == 0


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_partial_submission_scores_exactly(graded, name):
    """Does a partly wrong submission earn exactly the expected points, cell by cell?"""
    course, api = graded
    case = partial_case(name)
    got = grades(api, name, "carol")
    assert {gid: got[gid] for gid in case["expected"]} == {k: float(v) for k, v in case["expected"].items()}
    (row,) = submission_scores(api, name, ["carol"])
    assert row.auto_score == float(case["total"])


def test_autograde_again_gives_the_same_scores(graded):
    """Does re-running autograde leave every score unchanged?"""
    course, api = graded
    before = {(n, s): grades(api, n, s) for n in ASSIGNMENTS for s in ("alice", "bob", "carol")}
    for name in ASSIGNMENTS:
        for student in ("alice", "carol"):
            assert api.autograde(name, student, force=True, create=True)["success"]
    after = {(n, s): grades(api, n, s) for n in ASSIGNMENTS for s in ("alice", "bob", "carol")}
    assert after == before


def test_manual_grade_then_feedback(graded):
    """Does a manual grade add to the total, and does feedback show it in Chinese?"""
    course, api = graded
    name = ASSIGNMENTS[0]
    nb = nbformat.read(str(course / "source" / name / f"{name}.ipynb"), as_version=4)
    manual = [nbgrader_meta(c) for c in nb.cells
              if nbgrader_meta(c).get("grade") and nbgrader_meta(c).get("solution")]
    assert manual
    gb = api.gradebook
    try:
        grade = gb.find_grade(manual[0]["grade_id"], name, name, "alice")
        assert grade.needs_manual_grade
        grade.manual_score = manual[0]["points"] - 1
        gb.db.commit()
    finally:
        gb.close()
    (row,) = submission_scores(api, name, ["alice"])
    assert row.score == row.auto_score + manual[0]["points"] - 1
    result = api.generate_feedback(name, "alice")
    assert result["success"], result.get("error")
    html = (course / "feedback" / "alice" / name / f"{name}.html").read_text(encoding="utf-8")
    assert "评分练习" in html

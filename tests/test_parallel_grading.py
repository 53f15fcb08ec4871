"""The parallel, sandboxed grader gives exactly stock nbgrader's grades, cell by cell, locally and on Dask.

The same fixed cohort (alice: solutions, bob: blank, carol: partly wrong) is
graded three times in three course copies: by stock nbgrader (its own Execute
step, one student after another, as ``nbgrader autograde`` does), by
``kefu.grader.batch.grade`` on two local processes, and by the same function
on a Dask cluster of two workers on loopback.
"""

from __future__ import annotations

import pytest
from traitlets.config import Config

from kefu.commands import release
from kefu.course.nbgrader_api import open_api
from kefu.grader.batch import grade

from conftest import copy_course
from notebook_tools import submit_cohort

pytestmark = pytest.mark.slow

NAMES = ["m01_role", "m02_rules", "m05_presale"]
STUDENTS = ["alice", "bob", "carol"]


def stock_overrides() -> dict:
    from nbgrader.converters.autograde import Autograde

    steps = Autograde.class_traits()["autograde_preprocessors"].default()
    return {"Autograde": {"autograde_preprocessors": [f"{p.__module__}.{p.__name__}" for p in steps]}}


def cell_grades(course) -> dict:
    """{(assignment, student, grade cell): (score, max score)} from the course's gradebook."""
    api = open_api(course)
    gb = api.gradebook
    try:
        out = {}
        for name in NAMES:
            for student in STUDENTS:
                notebook = gb.find_submission_notebook(name, name, student)
                for g in notebook.grades:
                    out[(name, student, g.name)] = (g.score, g.max_score)
        return out
    finally:
        gb.close()


def cohort_course(path):
    course = copy_course(path, NAMES)
    assert release.main(course=str(course), assignments=NAMES) == 0
    for name in NAMES:
        submit_cohort(course, name)
    return course


@pytest.fixture(scope="module")
def stock(tmp_path_factory):
    course = cohort_course(tmp_path_factory.mktemp("stock") / "course")
    api = open_api(course, Config(stock_overrides()))
    for name in NAMES:
        for student in STUDENTS:
            assert api.autograde(name, student, force=True, create=True)["success"]
    return cell_grades(course)


def test_parallel_grades_equal_stock_nbgrader(stock, tmp_path):
    course = cohort_course(tmp_path / "course")
    outcomes = grade(course, [(n, s) for n in NAMES for s in STUDENTS], jobs=2)
    assert {o.status for o in outcomes} <= {"ok", "errors"}, [(o.student, o.problems) for o in outcomes]
    got = cell_grades(course)
    assert got == stock
    # the cohort is not trivial: full marks, zero and partial credit all occur
    totals = {(o.assignment, o.student): o.score for o in outcomes}
    assert all(totals[(n, "bob")] == 0 for n in NAMES)
    assert all(0 < totals[(n, "carol")] < totals[(n, "alice")] for n in NAMES)


def test_dask_cluster_of_two_workers_grades_the_same(stock, tmp_path):
    distributed = pytest.importorskip("distributed")
    course = cohort_course(tmp_path / "course")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        outcomes = grade(course, [(n, s) for n in NAMES for s in STUDENTS],
                         scheduler=cluster.scheduler_address)
    assert len(outcomes) == len(NAMES) * len(STUDENTS)
    assert {o.status for o in outcomes} <= {"ok", "errors"}, [(o.student, o.problems) for o in outcomes]
    assert cell_grades(course) == stock

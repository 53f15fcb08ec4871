"""A learner in a real JupyterLab: run the module, answer the graded widget, save, get autograded.

The learner's copy of the release notebook has its code answers filled in from
tests/cases/<assignment>_partial.yaml (as in test_e2e_grading), so Run All completes. In chromium the test
runs every cell from the Run menu, clicks an option of the graded choice widget, checks the widget says
the choice was saved, saves the notebook from the File menu, submits the learner's folder (notebook and
kefu-answers.json) and autogrades it through nbgrader. The totals are exact: the partial case's total
with the widget item earning 0 for a wrong option and its full points for the key.
"""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from kefu.answers import ANSWERS_FILE, KEY_FILE, read_answer
from kefu.course.gradebook import submission_scores
from kefu.course.nbgrader_api import course_env, open_api

from notebook_tools import fill_answers, nbgrader_meta, partial_case as _partial_case

from .conftest import ASSIGNMENT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDGET = "m01_q6"                     # the graded choice widget of ASSIGNMENT
WIDGET_TEST = f"{WIDGET}_test"        # its test cell, which nbgrader scores


def partial_case() -> dict:
    return _partial_case(ASSIGNMENT)


def widget_points(course) -> float:
    """The points of the widget's test cell, from the source notebook."""
    nb = nbformat.read(str(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4)
    (points,) = [nbgrader_meta(c)["points"] for c in nb.cells if nbgrader_meta(c).get("grade_id") == WIDGET_TEST]
    return float(points)


def widget_key(course) -> str:
    """The right option, from the instructor's key in source/ (never shipped to learners)."""
    doc = json.loads((course / "source" / ASSIGNMENT / KEY_FILE).read_text(encoding="utf-8"))
    return doc["answers"][WIDGET]["value"]


def learner_copy(course, student: str) -> str:
    """learner/<student>/<assignment>/: the release notebook with the partial case's code answers typed in."""
    folder = course / "learner" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    nb = fill_answers(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", partial_case()["answers"])
    nbformat.write(nb, str(folder / f"{ASSIGNMENT}.ipynb"))
    return f"learner/{student}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"


def submit_and_autograde(course, student: str):
    """Copy the learner's folder into submitted/<student>/, autograde it; the grades and the total."""
    shutil.copytree(course / "learner" / student / ASSIGNMENT, course / "submitted" / student / ASSIGNMENT,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", ".kefu-answers-*"))
    with course_env(course):  # open_api points KEFU_COURSE_ROOT at the course; put it back afterwards
        api = open_api(course)
        result = api.autograde(ASSIGNMENT, student, force=True, create=True)
        assert result["success"], result.get("error")
        gb = api.gradebook
        try:
            sub = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
            got = {g.name: float(g.score) for g in sub.grades}
        finally:
            gb.close()
        (row,) = submission_scores(api, ASSIGNMENT, [student])
    return got, row.auto_score


def choose(nb, letter: str):
    """Click option ``letter`` of the widget; wait for its status line to say it was saved."""
    from playwright.sync_api import expect

    box = nb.panel.locator(".kefu-graded-choice").filter(has_text=WIDGET)
    expect(box).to_have_count(1)
    box.locator(".kefu-graded-options label").filter(has_text=f"{letter}. ").click()
    expect(box.locator(".kefu-graded-options input:checked")).to_have_count(1)
    status = box.locator(".kefu-graded-status")
    expect(status).to_contain_text(f"已保存:{letter}", timeout=15_000)
    return box


def play(course, open_notebook, student: str, letter: str):
    """A learner runs the module, picks ``letter`` in the widget and saves; returns the open notebook."""
    from playwright.sync_api import expect

    nb = open_notebook(learner_copy(course, student))
    nb.run_all()
    box = nb.panel.locator(".kefu-graded-choice").filter(has_text=WIDGET)
    expect(box.locator(".kefu-graded-status")).to_contain_text("尚未作答")
    choose(nb, letter)
    # the kernel wrote the choice beside the notebook, the moment it was clicked
    folder = course / "learner" / student / ASSIGNMENT
    assert read_answer(WIDGET, folder=folder).value == letter
    nb.save()
    saved = nbformat.read(str(folder / f"{ASSIGNMENT}.ipynb"), as_version=4)
    assert all(c.execution_count for c in saved.cells if c.cell_type == "code"), "saved before every cell ran"
    return nb


def expected_total(course, letter: str) -> float:
    """The partial case's total with the widget item scored for ``letter`` instead of the case's own answer."""
    case = partial_case()
    earned = widget_points(course) if letter == widget_key(course) else 0.0
    return float(case["total"]) - float(case["expected"][WIDGET_TEST]) + earned


def test_wrong_option_is_saved_graded_zero_and_restored(lab, open_notebook):
    """Does a click on B save at once, earn exactly 0 for the widget and the case's total, and show again
    after the notebook is reopened and re-run in a fresh kernel?"""
    from playwright.sync_api import expect

    course = lab.course
    assert widget_key(course) != "B"
    nb = play(course, open_notebook, "dora", "B")

    got, total = submit_and_autograde(course, "dora")
    assert got[WIDGET_TEST] == 0.0
    assert {gid: got[gid] for gid in partial_case()["expected"]} == \
        {k: float(v) for k, v in partial_case()["expected"].items()}
    assert total == expected_total(course, "B") == float(partial_case()["total"])

    # Reopen: reload the page, restart the kernel and run everything again. The widget is built anew
    # by a fresh kernel and reads the stored choice back from kefu-answers.json.
    nb.open()
    nb.restart_and_run_all()
    box = nb.panel.locator(".kefu-graded-choice").filter(has_text=WIDGET)
    expect(box.locator(".kefu-graded-status")).to_have_text("已保存的答案:B")
    expect(box.locator(".kefu-graded-options input:checked")).to_have_count(1)
    expect(box.locator(".kefu-graded-options label").filter(has=nb.page.locator("input:checked"))
           ).to_contain_text("B. ")


def test_right_option_earns_the_widget_points(lab, open_notebook):
    """Does a click on the key (C) earn exactly the widget's points on top of the same answers?"""
    course = lab.course
    key = widget_key(course)
    play(course, open_notebook, "erin", key)

    got, total = submit_and_autograde(course, "erin")
    assert got[WIDGET_TEST] == widget_points(course) == 2.0
    assert total == expected_total(course, key) == float(partial_case()["total"]) + 2.0
    assert (course / "submitted" / "erin" / ASSIGNMENT / ANSWERS_FILE).is_file()

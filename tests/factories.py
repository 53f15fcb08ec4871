"""Small notebooks built in code for unit tests (real files are for end-to-end tests)."""

from __future__ import annotations

from nbformat import v4

KERNEL = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
          "language_info": {"name": "python"}}


def meta(grade_id, *, solution=False, grade=False, locked=False, points=None):
    m = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
         "solution": solution, "task": False}
    if points is not None:
        m["points"] = points
    return {"nbgrader": m}


def answer_cell(grade_id, body='answer = "A"'):
    return v4.new_code_cell(f"### BEGIN SOLUTION\n{body}\n### END SOLUTION",
                            metadata=meta(grade_id, solution=True), id=grade_id.replace("_", "-"))


def grader_cell(grade_id, points=2, visible='kefu.checks.check_choice(answer, ["A", "B"], name="answer")',
              hidden='kefu.grading.score_choice(answer, "A", 2)'):
    source = f"{visible}\n### BEGIN HIDDEN TESTS\n{hidden}\n### END HIDDEN TESTS"
    return v4.new_code_cell(source, metadata=meta(grade_id, grade=True, locked=True, points=points),
                            id=grade_id.replace("_", "-"))


def notebook(*cells):
    nb = v4.new_notebook(metadata=dict(KERNEL))
    nb.cells = [v4.new_code_cell("import kefu", id="setup")] + list(cells)
    return nb


def good_notebook():
    return notebook(answer_cell("t_q1_answer"), grader_cell("t_q1_test"))


def write(nb, path):
    """Write as plain JSON, so deliberately broken notebooks stay broken."""
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    return path

"""Helpers shared by the notebook tests: execute a notebook, read its grade cells."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def grader_cells(nb):
    """Autograder test cells: graded code cells that are not answers."""
    return [c for c in nb.cells if c.cell_type == "code" and nbgrader_meta(c).get("grade")
            and not nbgrader_meta(c).get("solution")]


def execute(path: Path, *, allow_errors: bool = False, timeout: int = 60):
    """Run a notebook in its own folder with the python3 kernel; return the executed copy."""
    nb = nbformat.read(str(path), as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return nb


def cell_score(cell):
    """The partial-credit value a test cell printed, or None."""
    for out in cell.get("outputs", []):
        if out.output_type == "execute_result":
            return float(out["data"]["text/plain"])
    return None


def errors(cell) -> list:
    return [o for o in cell.get("outputs", []) if o.output_type == "error"
            or (o.output_type == "stream" and o.name == "stderr")]


def partial_case(assignment: str) -> dict:
    """tests/cases/<assignment>_partial.yaml: a partly wrong submission and its exact expected scores."""
    import yaml

    path = Path(__file__).parent / "cases" / f"{assignment}_partial.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def fill_answers(release_nb: Path, answers: dict):
    """The release notebook with the given answer cells replaced (what a student saves)."""
    nb = nbformat.read(str(release_nb), as_version=4)
    filled = set()
    for cell in nb.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
            filled.add(gid)
    assert filled == set(answers), f"partial case names unknown cells: {set(answers) - filled}"
    return nb


def submit_cohort(course: Path, name: str) -> None:
    """The fixed cohort of the grading tests, in ``submitted/``.

    alice: the solutions with the graded-widget key as her answers; bob: the
    untouched release; carol: the partial case (code answers, widget answers and widget records).
    """
    from kefu.answers import save_answer, save_record, submit_key

    submitted = course / "submitted"
    shutil.copytree(course / "source" / name, submitted / "alice" / name)
    submit_key(course / "source" / name, submitted / "alice" / name)
    shutil.copytree(course / "release" / name, submitted / "bob" / name)
    case = partial_case(name)
    (submitted / "carol" / name).mkdir(parents=True)
    nbformat.write(fill_answers(course / "release" / name / f"{name}.ipynb", case["answers"]),
                   str(submitted / "carol" / name / f"{name}.ipynb"))
    for item, value in case.get("widget_answers", {}).items():
        save_answer(item, value, folder=submitted / "carol" / name)
    for item, record in case.get("widget_records", {}).items():  # e.g. a kefu.multichat shift
        save_record(item, record, folder=submitted / "carol" / name)

"""The source notebooks: clean, valid, and every solution earning every point."""

from __future__ import annotations

import json

import pytest

from kefu.checks import PASSED
from kefu.nbcheck import check_notebook

from conftest import ASSIGNMENTS, ROOT
from notebook_tools import cell_score, errors, execute, nbgrader_meta, grader_cells

SOURCES = [ROOT / "source" / a / f"{a}.ipynb" for a in ASSIGNMENTS]


def test_every_module_is_present():
    """Are M01 and M02 in source/ as nbgrader assignments?"""
    assert {"m01_role", "m02_rules"} <= set(ASSIGNMENTS)
    assert all(p.is_file() for p in SOURCES)


@pytest.mark.parametrize("path", SOURCES, ids=ASSIGNMENTS)
def test_source_is_clean_and_valid(path):
    """Does the source pass every kefu check (no outputs, unique ids, points, test after answer)?"""
    report = check_notebook(path)
    assert report.problems == []
    raw = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in raw["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    ids = [c["id"] for c in raw["cells"]]
    assert len(ids) == len(set(ids))
    assert report.auto_points >= 10 and report.manual_points > 0


@pytest.fixture(scope="module", params=SOURCES, ids=ASSIGNMENTS)
def executed(request):
    return request.param, execute(request.param)


def test_solutions_run_without_errors(executed):
    """Does every cell of the solution notebook run without an error or stderr output?"""
    path, nb = executed
    failing = [(c.get("id"), errors(c)) for c in nb.cells if c.cell_type == "code" and errors(c)]
    assert failing == []


def test_solutions_earn_every_point(executed):
    """Does each test cell pass its format check and score its full points?"""
    path, nb = executed
    cells = grader_cells(nb)
    assert cells
    for cell in cells:
        meta = nbgrader_meta(cell)
        stdout = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        assert PASSED in stdout, meta["grade_id"]
        assert cell_score(cell) == float(meta["points"]), meta["grade_id"]

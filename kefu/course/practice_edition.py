"""The self-study (practice) edition of a module, built from its source notebook.

The practice edition keeps the teaching cells and the cells tagged
``kefu-practice`` (practice twins with immediate feedback, a progress view),
and drops every cell of the graded items: cells whose grade id is
``<module>_q<N>_<role>``, whose cell id is ``<module>-q<N>-<role>`` (a graded
item's cell that carries no nbgrader metadata, e.g. a self-check of a manual
answer) or that are tagged ``kefu-graded``. So it holds no
solution, no test and no answer of a graded item. The graded release drops
the ``kefu-practice`` cells instead (nbconvert's TagRemovePreprocessor, set
up in nbgrader_config.py).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat

PRACTICE_TAG = "kefu-practice"
GRADED_TAG = "kefu-graded"
GRADED_ID = re.compile(r"^m\d{2}_q\d+_")
GRADED_CELL_ID = re.compile(r"^m\d{2}-q\d+-")

BANNER = ("> ★ **自学版**:这是本单元的练习版。讲解和“练一练”与正式作业相同;评分题换成了同类型的自测题,"
          "每道题都会立即给出解析。你的选择和进度会保存在本文件夹的 `kefu-progress.json` 里,下次打开接着做;"
          "运行最后的进度单元格可以看到做到了哪里。")


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", []) or []


def is_graded_item(cell) -> bool:
    """Whether a cell belongs to a graded item (task, setup, answer, test, rubric, widget)."""
    grade_id = (cell.get("metadata", {}).get("nbgrader", {}) or {}).get("grade_id", "") or ""
    return (bool(GRADED_ID.match(grade_id)) or bool(GRADED_CELL_ID.match(cell.get("id", "") or ""))
            or GRADED_TAG in _tags(cell))


def practice_notebook(source_nb):
    """A copy of ``source_nb`` for self-study: no graded item, no nbgrader metadata, no outputs."""
    nb = copy.deepcopy(source_nb)
    kept = []
    for cell in nb.cells:
        if is_graded_item(cell):
            continue
        cell.metadata.pop("nbgrader", None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        kept.append(cell)
    banner = nbformat.v4.new_markdown_cell(BANNER, id="kefu-practice-banner")
    nb.cells = kept[:1] + [banner] + kept[1:]
    return nb


def build_practice(root: Path, assignment: str, out_dir: Path | None = None) -> Path:
    """Write ``practice/<assignment>/<notebook>.ipynb`` for every notebook of the assignment."""
    out = (out_dir or root / "practice") / assignment
    out.mkdir(parents=True, exist_ok=True)
    written = None
    for source in sorted((root / "source" / assignment).glob("*.ipynb")):
        nb = nbformat.read(str(source), as_version=4)
        written = out / source.name
        nbformat.write(practice_notebook(nb), str(written))
    return out

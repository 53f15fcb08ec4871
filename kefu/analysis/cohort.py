"""Per-cell scores of every autograded submission, read from the nbgrader gradebook."""

from __future__ import annotations

import pandas as pd

COLUMNS = ["assignment", "notebook", "student", "item", "score", "max_score", "manual"]


def _is_manual(grade) -> bool:
    """A manually graded answer is a grade cell that is also a solution cell."""
    cell = grade.cell
    return any(sc.name == cell.name for sc in cell.notebook.solution_cells)


def cohort_scores(api, assignment: str | None = None) -> pd.DataFrame:
    """Long table (assignment, notebook, student, item, score, max_score, manual) of graded cells.

    A manually graded cell counts only once a grader has given it a score; until
    then it is left out, so an ungraded answer never looks like a zero.
    """
    from nbgrader.api import MissingEntry

    rows = []
    gb = api.gradebook
    try:
        if assignment is None:
            records = list(gb.assignments)
        else:
            try:
                records = [gb.find_assignment(assignment)]
            except MissingEntry:
                records = []
        for record in records:
            for sub in record.submissions:
                for nb in sub.notebooks:
                    for grade in nb.grades:
                        manual = _is_manual(grade)
                        if manual and grade.manual_score is None:
                            continue  # not graded by hand yet
                        if grade.manual_score is None and grade.auto_score is None:
                            continue
                        rows.append({"assignment": record.name, "notebook": nb.name,
                                     "student": sub.student.id, "item": grade.name,
                                     "score": float(grade.score), "max_score": float(grade.max_score),
                                     "manual": manual})
    finally:
        gb.close()
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["assignment", "notebook", "student"], kind="stable").reset_index(drop=True)

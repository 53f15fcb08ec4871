"""Read scores back from the gradebook."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SubmissionScore:
    """The scores of one student's submission of one assignment."""

    student: str
    score: float
    max_score: float
    auto_score: float
    auto_max: float
    needs_manual: bool


def submission_scores(api, assignment: str, students=None) -> list[SubmissionScore]:
    """Scores of every (or the given) autograded submission of ``assignment``."""
    from nbgrader.api import MissingEntry

    out = []
    gb = api.gradebook
    try:
        try:
            record = gb.find_assignment(assignment)
        except MissingEntry:
            return []
        for sub in record.submissions:
            if students and sub.student.id not in students:
                continue
            auto = auto_max = 0.0
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if not _is_manual(grade):
                        auto += grade.score or 0.0
                        auto_max += grade.max_score
            out.append(SubmissionScore(sub.student.id, float(sub.score), float(sub.max_score),
                                       round(auto, 2), round(auto_max, 2), bool(sub.needs_manual_grade)))
    finally:
        gb.close()
    return sorted(out, key=lambda s: s.student)


def _is_manual(grade) -> bool:
    """A manually graded answer is a grade cell that is also a solution cell."""
    cell = grade.cell
    return any(sc.name == cell.name for sc in cell.notebook.solution_cells)

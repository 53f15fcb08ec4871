"""kefu autograde — grade every submission of an assignment, one student at a time."""

from __future__ import annotations

from ..course.env import find_course_root
from ..course.gradebook import submission_scores
from ..course.messages import describe_failure, describe_warnings
from ..course.nbgrader_api import open_api
from ..course.progress import Progress
from .scores import print_table


def grade_students(api, assignment: str, students) -> dict[str, str]:
    """Autograde each student; a failure is recorded and the batch goes on."""
    progress = Progress(len(students))
    failures = {}
    for student in students:
        with progress.step(f"评分 {assignment} / {student}") as step:
            result = api.autograde(assignment, student, force=True, create=True)
            if not result["success"]:
                step["status"] = "失败"
                failures[student] = describe_failure(result)
            notes = describe_warnings(result) if result["success"] else []
        if student in failures:
            print("    " + failures[student])
        for note in notes:
            print("    注意:" + note)
    return failures


def main(*, course: str | None = None, assignment: str, students=()) -> int:
    """Autograde; print the score table; 0 when every submission was graded."""
    root = find_course_root(course)
    api = open_api(root)
    names = list(students) or sorted(api.get_submitted_students(assignment))
    if not names:
        print(f"submitted/*/{assignment}/ 下没有提交。请先收取作业(nbgrader collect {assignment})"
              f"或把学员的作业放到 submitted/<学员>/{assignment}/。")
        return 1
    failures = grade_students(api, assignment, names)
    print_table(submission_scores(api, assignment, names), failures)
    return 0 if not failures else 1

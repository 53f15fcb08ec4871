"""kefu feedback — generate (and release) nbgrader's HTML feedback, one student at a time."""

from __future__ import annotations

from pathlib import Path

from ..course.env import find_course_root
from ..course.messages import describe_failure
from ..course.nbgrader_api import open_api
from ..course.progress import Progress

# nbgrader submit writes this next to a submission; release_feedback needs it to name the file the
# learner's fetch_feedback looks for. A notebook put into submitted/ by hand has none.
SECRET = "submission_secret.txt"
NOT_FROM_EXCHANGE = ("这份作业不是经交换目录提交的(没有 {secret}),学员无法用 fetch_feedback 取回;"
                     "请直接把 {path} 发给学员。")


def _releasable(api, assignment: str, student: str) -> Path | None:
    """The student's feedback folder, or None when it cannot be released through the exchange."""
    folder = Path(api.coursedir.format_path(api.coursedir.feedback_directory, student, assignment))
    return folder if (folder / SECRET).is_file() else None


def feedback_students(api, assignment: str, students, release: bool) -> tuple[dict[str, str], int]:
    """Generate (and release) feedback for each student; a failure is recorded and the batch goes on.

    Returns the failures and how many students' feedback was released.
    """
    progress = Progress(len(students))
    failures, released = {}, 0
    for student in students:
        note = ""
        with progress.step(f"{assignment} / {student}") as step:
            result = api.generate_feedback(assignment, student)
            if not result["success"]:
                step["status"] = "生成反馈失败"
            elif release and _releasable(api, assignment, student):
                result = api.release_feedback(assignment, student)
                if not result["success"]:
                    step["status"] = "发放反馈失败"
                else:
                    step["status"] = "已生成并发放"
                    released += 1
            elif release:
                step["status"] = "已生成,未发放"
                path = Path(api.coursedir.format_path(api.coursedir.feedback_directory, student, assignment))
                note = NOT_FROM_EXCHANGE.format(secret=SECRET, path=path / f"{assignment}.html")
            if not result["success"]:
                failures[student] = describe_failure(result)
        if student in failures:
            print("    " + failures[student])
        elif note:
            print("    注意:" + note)
    return failures, released


def main(*, course: str | None = None, assignment: str, students=(), release: bool = True) -> int:
    """Feedback for every autograded (or the given) student; 0 when all of it was made."""
    root = find_course_root(course)
    api = open_api(root)
    names = sorted(students) or sorted(api.get_autograded_students(assignment))
    if not names:
        print(f"autograded/*/{assignment}/ 下没有评分结果。请先运行 kefu autograde {assignment}。")
        return 1
    failures, released = feedback_students(api, assignment, names, release)
    summary = f"已为 {len(names) - len(failures)} 名学员生成反馈(feedback/<学员>/{assignment}/)"
    if release:
        summary += f",其中 {released} 名已发放到交换目录(学员用 nbgrader fetch_feedback {assignment} 取回)"
    print(summary + "。")
    if failures:
        print(f"{len(failures)} 名学员失败:{'、'.join(sorted(failures))}。")
    return 0 if not failures else 1

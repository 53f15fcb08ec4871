"""kefu grade-demo — prove the autograder works, in a throw-away copy of the course.

The solutions are submitted as student ``demo_solution`` and the untouched
student version as ``demo_blank``; the first must earn every automatic point
and the second none. The real gradebook and folders are not touched.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..answers import submit_key
from ..course.env import CONFIG_NAME, find_course_root
from ..course.gradebook import submission_scores
from ..course.messages import describe_failure
from ..course.nbgrader_api import open_api
from ..grader.batch import grade
from .release import source_assignments


def make_demo_course(root: Path, target: Path, assignments) -> None:
    """Copy the config and the chosen source assignments into ``target``."""
    shutil.copy2(root / CONFIG_NAME, target / CONFIG_NAME)
    for name in assignments:
        shutil.copytree(root / "source" / name, target / "source" / name,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))


def _overrides(target: Path) -> dict:
    """Point a throw-away course copy at its own gradebook and exchange (plain dict: workers get it too)."""
    return {"CourseDirectory": {"root": str(target), "db_url": f"sqlite:///{target / 'gradebook.db'}"},
            "Exchange": {"root": str(target / "exchange")}}


def submit(target: Path, assignment: str, student: str, from_folder: Path) -> None:
    dest = target / "submitted" / student / assignment
    shutil.copytree(from_folder, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))


def main(*, course: str | None = None, assignments=()) -> int:
    root = find_course_root(course)
    names = list(assignments) or source_assignments(root)
    ok = True
    with tempfile.TemporaryDirectory(prefix="kefu-demo-") as tmp:
        target = Path(tmp)
        make_demo_course(root, target, names)
        from traitlets.config import Config

        api = open_api(target, overrides=Config(_overrides(target)))
        print(f"演示课程:{target}(结束后自动删除)")
        released = []
        for name in names:
            result = api.generate_assignment(name, force=True, create=True)
            if not result["success"]:
                print(f"{name:<14} 生成失败:{describe_failure(result)}")
                ok = False
                continue
            submit(target, name, "demo_solution", target / "source" / name)
            submit_key(target / "source" / name, target / "submitted" / "demo_solution" / name)
            submit(target, name, "demo_blank", target / "release" / name)
            released.append(name)
        tasks = [(name, student) for name in released for student in ("demo_solution", "demo_blank")]
        outcomes = {(o.assignment, o.student): o for o in grade(target, tasks, overrides=_overrides(target))}
        print(f"{'作业':<14}{'解答版':>10}{'空白版':>10}{'自动评分满分':>14}  结论")
        for name in released:
            rows = {r.student: r for r in submission_scores(api, name)}
            sol, blank = rows.get("demo_solution"), rows.get("demo_blank")
            graded = all(outcomes[(name, s)].status in ("ok", "errors") for s in ("demo_solution", "demo_blank"))
            good = graded and sol and blank and sol.auto_score == sol.auto_max and blank.auto_score == 0
            ok = ok and bool(good)
            if sol and blank:
                print(f"{name:<14}{sol.auto_score:>10g}{blank.auto_score:>10g}{sol.auto_max:>14g}  "
                      + ("✓ 正常" if good else "× 异常:解答版应得满分、空白版应得 0 分"))
            for student in ("demo_solution", "demo_blank"):
                for problem in outcomes[(name, student)].problems:
                    print(f"    {student}:{problem}")
    return 0 if ok else 1

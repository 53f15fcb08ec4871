"""kefu autograde — grade every submission of one or more assignments, in parallel.

A thin layer over ``kefu.grader.batch.grade``: it picks the tasks, shows a
progress bar, prints the summary table (score, status, problems per
student) and, with ``--json``, writes the same summary for other tools.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from ..course.env import find_course_root
from ..grader.batch import Outcome, grade, submitted_students

STATUS_LABELS = {"ok": "正常", "errors": "有单元格出错", "timeout": "超时", "died": "进程终止", "limit": "超出限制",
                 "missing": "缺少笔记本", "invalid": "笔记本损坏", "failed": "评分失败"}


def _tasks(root: Path, assignments, students) -> list[tuple[str, str]]:
    tasks = []
    for assignment in assignments:
        names = list(students) or submitted_students(root, assignment)
        tasks += [(assignment, s) for s in names]
    return tasks


def _assignments_with_submissions(root: Path) -> list[str]:
    base = root / "submitted"
    found = {a.name for s in base.iterdir() if s.is_dir() for a in s.iterdir() if a.is_dir()} if base.is_dir() else set()
    return sorted(found & {p.name for p in (root / "source").iterdir() if p.is_dir()})


def _course_limits(root: Path):
    """The sandbox limits the course's nbgrader_config.py sets (for the summary's protection line)."""
    from ..course.nbgrader_api import load_config
    from ..nbgrader_ext.sandboxed_execute import SandboxedExecute

    return SandboxedExecute(config=load_config(root)).limits()


def print_summary(outcomes: list[Outcome], protection_lines=()) -> None:
    print(f"\n{'作业':<20}{'学员':<16}{'得分':>12}  状态")
    for o in outcomes:
        score = "-" if o.score is None else f"{o.score:g}/{o.max_score:g}" if o.max_score is not None else f"{o.score:g}"
        label = STATUS_LABELS.get(o.status, o.status) + ("(待人工评分)" if o.needs_manual else "")
        print(f"{o.assignment:<20}{o.student:<16}{score:>12}  {label}")
        for problem in o.problems:
            print(f"{'':<36}- {problem}")
    bad = [o for o in outcomes if o.status not in ("ok", "errors")]
    print(f"\n共 {len(outcomes)} 份作业;{len(outcomes) - len(bad)} 份正常评分,{len(bad)} 份需要讲师查看。")
    for line in protection_lines:
        print(line)


def main(*, course: str | None = None, assignments=(), students=(), jobs: int | None = None,
         scheduler: str | None = None, json_out: str | None = None, no_sandbox: bool = False) -> int:
    """Autograde; print the summary; 0 when every submission was graded normally."""
    from tqdm import tqdm

    from ..sandbox.launcher import Sandbox

    root = find_course_root(course)
    names = list(assignments) or _assignments_with_submissions(root)
    tasks = _tasks(root, names, students)
    if not tasks:
        print("submitted/<学员>/<作业>/ 下没有提交。请先收取作业(nbgrader collect <作业>)"
              "或把学员的作业放到 submitted/<学员>/<作业>/。")
        return 1
    overrides = {"SandboxedExecute": {"require_sandbox": False}} if no_sandbox else None
    protection = Sandbox(_course_limits(root), require=not no_sandbox).protection
    for warning in protection.warnings:
        print(warning, file=sys.stderr)
    if not protection.sandboxed and not no_sandbox:
        print("× 没有沙箱不能评分。安装 bubblewrap 后重试,或加 --no-sandbox 明确接受风险。", file=sys.stderr)
        return 2
    workers = scheduler or f"{jobs or os.cpu_count()} 个进程"
    print(f"评分 {len(tasks)} 份作业({', '.join(names)}),并行:{workers}")
    with tqdm(total=len(tasks), unit="份", file=sys.stderr, dynamic_ncols=True,
              disable=None) as bar:
        def advance(outcome: Outcome) -> None:
            bar.set_postfix_str(f"{outcome.student}/{outcome.assignment}: {STATUS_LABELS.get(outcome.status)}")
            bar.update(1)

        outcomes = grade(root, tasks, jobs=jobs, scheduler=scheduler, overrides=overrides, on_result=advance)
    print_summary(outcomes, ["评分保护:" + ";".join(protection.details)])
    if json_out:
        Path(json_out).write_text(json.dumps({"results": [o.to_dict() for o in outcomes],
                                              "protection": {"sandboxed": protection.sandboxed,
                                                             "details": protection.details,
                                                             "warnings": protection.warnings}},
                                             ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if all(o.status in ("ok", "errors") for o in outcomes) else 1

"""Autograde a cohort in parallel: one task per (assignment, student), on local processes or a Dask cluster.

Each task is ``grade_submission``: preflight the submitted files, then run
nbgrader's own ``autograde`` for that one student (with the course's hardened
``SandboxedExecute`` step), then read the score back from the gradebook. The
same function runs in a local process pool (``--jobs``) or on the workers of a
Dask cluster (``--scheduler``), so both paths grade identically.

Every worker process keeps one sandbox zygote warm across its tasks, so a
submission costs a fork instead of a kernel start. sqlite gradebook writes
from several processes wait for each other (a busy timeout on the
connection) instead of failing; students are created up front by the parent
so no two workers race to create the same row.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

SQLITE_BUSY_SECONDS = 120


@dataclass
class Outcome:
    """How one student's submission of one assignment was graded."""

    assignment: str
    student: str
    score: float | None
    max_score: float | None
    status: str
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    needs_manual: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


def _patient_db_url(url: str) -> str:
    """A sqlite URL whose connections wait for the write lock instead of raising 'database is locked'."""
    if url.startswith("sqlite:") and "timeout=" not in url:
        return url + ("&" if "?" in url else "?") + f"timeout={SQLITE_BUSY_SECONDS}"
    return url


_apis: dict = {}


def _quiet_gradebook_warnings() -> None:
    """nbgrader's gradebook code emits SQLAlchemy warnings that mean nothing to an instructor."""
    import warnings

    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning)


def _api_for(root: str, overrides: dict | None):
    """One NbGraderAPI per (course, overrides) per process."""
    from traitlets.config import Config

    from ..course.nbgrader_api import load_config, open_api

    key = (root, repr(sorted((overrides or {}).items())))
    if key not in _apis:
        _quiet_gradebook_warnings()
        config = Config(overrides or {})
        base = load_config(Path(root))
        base.merge(config)
        url = base.get("CourseDirectory", {}).get("db_url")
        if url:
            config.CourseDirectory.db_url = _patient_db_url(url)
        _apis[key] = open_api(Path(root), config)
    return _apis[key]


def _notebook_names(api, assignment: str) -> list[str]:
    source = Path(api.coursedir.format_path(api.coursedir.source_directory, ".", assignment))
    return sorted(p.stem for p in source.glob("*.ipynb"))


_one_at_a_time = threading.Lock()


def grade_submission(root: str, assignment: str, student: str, overrides: dict | None = None) -> dict:
    """Grade one submission (runs in a worker); a plain dict so any executor can return it.

    A process grades one submission at a time, even on a Dask worker with several threads: the
    sandbox, the grader's test shell and the working directory belong to the process.
    """
    with _one_at_a_time:
        return _grade_submission(root, assignment, student, overrides)


def _grade_submission(root: str, assignment: str, student: str, overrides: dict | None) -> dict:
    from ..course.gradebook import submission_scores
    from ..course.messages import describe_failure
    from ..nbgrader_ext.sandboxed_execute import REPORTS
    from .preflight import check_submission

    started = time.monotonic()
    api = _api_for(root, overrides)
    folder = Path(api.coursedir.format_path(api.coursedir.submitted_directory, student, assignment))
    names = _notebook_names(api, assignment)
    problems, status = [], "ok"
    blocked = check_submission(folder, names)
    for _name, bad_status, message in blocked:
        problems.append(message)
        status = bad_status
    if blocked and len(blocked) == len(names):
        return Outcome(assignment, student, 0.0, None, status, problems,
                       round(time.monotonic() - started, 3)).to_dict()
    for name in names:
        REPORTS.pop((assignment, student, name), None)
    try:
        result = api.autograde(assignment, student, force=True, create=True)
    except Exception as exc:  # noqa: BLE001 - one submission must never stop the batch
        result = {"success": False, "error": f"{type(exc).__name__}: {exc}", "log": ""}
    if not result.get("success"):
        problems.append(describe_failure(result))
        status = "failed"
    for name in names:
        report = REPORTS.get((assignment, student, name))
        if report is None:
            continue
        problems.extend(report.problems)
        status = _worse(status, report.status)
    rows = {r.student: r for r in submission_scores(api, assignment, [student])} if status != "failed" else {}
    row = rows.get(student)
    return Outcome(assignment, student, row.score if row else None, row.max_score if row else None, status,
                   problems, round(time.monotonic() - started, 3),
                   bool(row.needs_manual) if row else False).to_dict()


STATUS_ORDER = ["ok", "errors", "limit", "died", "timeout", "missing", "invalid", "failed"]


def _worse(a: str, b: str) -> str:
    return max(a, b, key=lambda s: STATUS_ORDER.index(s) if s in STATUS_ORDER else len(STATUS_ORDER))


def _warm_worker(root: str, overrides: dict | None) -> None:
    """Start this worker's sandbox before the first task, so tasks measure grading, not start-up."""
    from ..nbgrader_ext.sandboxed_execute import SandboxedExecute
    from ..sandbox.launcher import shared_sandbox

    api = _api_for(root, overrides)
    step = SandboxedExecute(config=api.config)
    if api.config.get("Autograde", {}).get("autograde_preprocessors", [None])[0] == \
            "kefu.nbgrader_ext.sandboxed_execute.SandboxedExecute":
        try:
            shared_sandbox(step.limits(), require=step.require_sandbox).start()
        except Exception:  # noqa: BLE001 - the task itself reports a sandbox that cannot start
            pass


def submitted_students(root: Path, assignment: str) -> list[str]:
    base = root / "submitted"
    return sorted(p.name for p in base.iterdir() if (p / assignment).is_dir()) if base.is_dir() else []


def prepare_gradebook(root: Path, assignments, students, overrides: dict | None = None) -> None:
    """Create the students (and check the assignments exist) before workers write in parallel."""
    from ..errors import KefuError

    api = _api_for(str(root), overrides)
    gb = api.gradebook
    try:
        from nbgrader.api import MissingEntry

        for assignment in assignments:
            try:
                gb.find_assignment(assignment)
            except MissingEntry:
                raise KefuError(f"成绩簿里还没有作业 {assignment}:请先运行 kefu release {assignment}。") from None
        for student in sorted(set(students)):
            gb.update_or_create_student(student)
    finally:
        gb.close()


def grade(root: Path, tasks: list[tuple[str, str]], *, jobs: int | None = None, scheduler: str | None = None,
          overrides: dict | None = None, on_result=None) -> list[Outcome]:
    """Grade every (assignment, student) task; ``on_result`` is called as each one finishes."""
    root = Path(root)
    prepare_gradebook(root, sorted({a for a, _ in tasks}), [s for _, s in tasks], overrides)
    outcomes = []
    with _executor(root, jobs, scheduler, overrides, len(tasks)) as executor:
        futures = {executor.submit(grade_submission, str(root), a, s, overrides): (a, s) for a, s in tasks}
        for future in as_completed(futures):
            assignment, student = futures[future]
            try:
                outcome = Outcome(**future.result())
            except Exception as exc:  # noqa: BLE001 - a lost worker is reported, the rest goes on
                outcome = Outcome(assignment, student, None, None, "failed",
                                  [f"评分进程出错:{type(exc).__name__}: {exc}"])
            outcomes.append(outcome)
            if on_result:
                on_result(outcome)
    return sorted(outcomes, key=lambda o: (o.assignment, o.student))


class _DaskExecutor:
    """The Dask cluster at ``address`` as a concurrent.futures executor (same task function)."""

    def __init__(self, address: str, root: Path, overrides):
        from distributed import Client

        self.client = Client(address, set_as_default=False)
        self.client.run(_warm_worker, str(root), overrides)
        self.executor = self.client.get_executor(pure=False)

    def __enter__(self) -> Executor:
        return self.executor

    def __exit__(self, *exc):
        self.client.close()


def _executor(root: Path, jobs: int | None, scheduler: str | None, overrides, tasks: int):
    if scheduler:
        return _DaskExecutor(scheduler, root, overrides)
    import multiprocessing

    workers = max(1, min(jobs or os.cpu_count() or 1, tasks))  # a worker costs a start-up; never start idle ones
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_warm_worker, initargs=(str(root), overrides))

"""Grade one synthetic cohort four ways and compare wall time and scores.

Usage: python benchmarks/bench_cohort.py [--sizes 10,20,40] [--modules m01_role,m02_rules] [--jobs N] [--seed S]
                                        [--no-runaway]

For each cohort size, the same submissions (see benchmarks/cohort.py) are graded by
  stock     nbgrader's own autograde pipeline (``Execute``: one Jupyter kernel per notebook, no sandbox),
            one submission after the other in one process, as ``nbgrader autograde`` does;
  nbclient  a bare nbclient execution of each submitted notebook (python3 kernel, in its folder,
            errors allowed): what running the notebooks costs with no grading at all;
  kefu      ``kefu.grader.batch.grade`` with the course's sandboxed pipeline, ``--jobs`` processes;
  kefu×1    the same with one process, so the cost of the protections can be compared with stock
            at equal parallelism.
Each method gets its own copy of the course and its own gradebook. The scores of stock and kefu
must be identical for every submission stock grades successfully (per grade cell and in total);
the script exits 1 on any difference, or when kefu is not TARGET_SPEEDUP× faster than stock on the
largest cohort.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cohort import write_cohort  # noqa: E402

from kefu.course.env import CONFIG_NAME, ensure_tools_on_path  # noqa: E402
from kefu.course.nbgrader_api import open_api  # noqa: E402
from kefu.grader.batch import grade  # noqa: E402

TARGET_SPEEDUP = 3.0
BENCH_CELL_TIMEOUT = 10  # seconds, written into every course copy for both graders (the course uses 60)
BENCH_NOTEBOOK_TIMEOUT = 120
METHODS = ("stock", "nbclient", "kefu", "kefu1")


def stock_preprocessors() -> list[str]:
    """nbgrader's default autograde pipeline, as import strings (whatever this nbgrader version ships)."""
    from nbgrader.converters.autograde import Autograde

    return [f"{cls.__module__}.{cls.__name__}" for cls in Autograde.class_traits()["autograde_preprocessors"].default()]


def course_overrides(course: Path) -> dict:
    """This course copy's own gradebook and exchange (a plain dict: worker processes get it too)."""
    return {"CourseDirectory": {"root": str(course), "db_url": f"sqlite:///{course / 'gradebook.db'}"},
            "Exchange": {"root": str(course / "exchange")}}


def stock_overrides(course: Path) -> dict:
    return dict(course_overrides(course), Autograde={"autograde_preprocessors": stock_preprocessors()})


def quiet() -> None:
    import warnings

    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning)  # nbgrader's own gradebook noise


@dataclass
class Run:
    """One method's pass over one cohort."""

    seconds: float = 0.0
    load: float = 0.0  # the machine's 1-minute load average when the run ended
    per_submission: dict[tuple[str, str], float] = field(default_factory=dict)  # (assignment, student) -> s
    failed: dict[tuple[str, str], str] = field(default_factory=dict)  # (assignment, student) -> why
    statuses: Counter = field(default_factory=Counter)


# --- course copies --------------------------------------------------------------------------------

def make_template(base: Path, modules: list[str]) -> Path:
    """A released course copy (source, release, gradebook) with the benchmark's timeouts."""
    from traitlets.config import Config

    template = base / "template"
    template.mkdir()
    config = (ROOT / CONFIG_NAME).read_text(encoding="utf-8")
    config += ("\n# Benchmark copy: lower timeouts, identical for stock nbgrader and kefu, so runaway loops\n"
               "# in the synthetic cohort do not dominate the timings.\n"
               f"c.Execute.timeout = {BENCH_CELL_TIMEOUT}\n"
               f"c.ExecutePreprocessor.timeout = {BENCH_CELL_TIMEOUT}\n"
               f"c.SandboxedExecute.cell_timeout = {BENCH_CELL_TIMEOUT}\n"
               f"c.SandboxedExecute.notebook_timeout = {BENCH_NOTEBOOK_TIMEOUT}\n")
    (template / CONFIG_NAME).write_text(config, encoding="utf-8")
    for name in modules:
        shutil.copytree(ROOT / "source" / name, template / "source" / name,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    api = open_api(template, Config(course_overrides(template)))
    for name in modules:
        result = api.generate_assignment(name, force=True, create=True)
        if not result["success"]:
            raise SystemExit(f"could not release {name}: {result.get('error')}")
    return template


def copy_course(template: Path, target: Path) -> Path:
    shutil.copytree(template, target, ignore=shutil.ignore_patterns("autograded", "feedback"))
    return target


# --- the four methods -----------------------------------------------------------------------------

def run_stock(course: Path, tasks) -> Run:
    from traitlets.config import Config

    run = Run()
    start = time.perf_counter()
    api = open_api(course, Config(stock_overrides(course)))
    for assignment, student in tasks:
        began = time.perf_counter()
        try:
            result = api.autograde(assignment, student, force=True, create=True)
        except Exception as exc:  # noqa: BLE001 - nbgrader's API normally reports, but never let one stop the run
            result = {"success": False, "error": f"{type(exc).__name__}: {exc}"}
        run.per_submission[(assignment, student)] = time.perf_counter() - began
        if result.get("success"):
            run.statuses["graded"] += 1
        else:
            run.statuses["failed"] += 1
            error = (result.get("error") or result.get("log") or "").strip()
            run.failed[(assignment, student)] = error.splitlines()[-1][:160] if error else "autograde failed"
    run.seconds = time.perf_counter() - start
    run.load = os.getloadavg()[0]
    return run


def run_nbclient(course: Path, tasks) -> Run:
    run = Run()
    start = time.perf_counter()
    for assignment, student in tasks:
        began = time.perf_counter()
        for path in sorted((course / "submitted" / student / assignment).glob("*.ipynb")):
            try:
                nb = nbformat.read(str(path), as_version=4)
                NotebookClient(nb, timeout=BENCH_CELL_TIMEOUT, interrupt_on_timeout=True, allow_errors=True,
                               kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
                run.statuses["ran"] += 1
            except Exception as exc:  # noqa: BLE001 - a broken notebook is part of the cohort
                run.statuses["could not run"] += 1
                run.failed[(assignment, student)] = f"{type(exc).__name__}"
        run.per_submission[(assignment, student)] = time.perf_counter() - began
    run.seconds = time.perf_counter() - start
    run.load = os.getloadavg()[0]
    return run


def run_kefu(course: Path, tasks, jobs: int | None) -> Run:
    run = Run()
    start = time.perf_counter()
    outcomes = grade(course, list(tasks), jobs=jobs, overrides=course_overrides(course))
    run.seconds = time.perf_counter() - start
    run.load = os.getloadavg()[0]
    for outcome in outcomes:
        run.per_submission[(outcome.assignment, outcome.student)] = outcome.seconds
        run.statuses[outcome.status] += 1
        if outcome.status == "failed":
            run.failed[(outcome.assignment, outcome.student)] = "; ".join(outcome.problems)[:160]
    return run


# --- scores ---------------------------------------------------------------------------------------

def gradebook_scores(course: Path, tasks) -> dict[tuple[str, str], dict[str, float] | None]:
    """(assignment, student) -> {grade cell: score, "total": score}, or None when not in the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for assignment, student in tasks:
            try:
                submission = gb.find_submission(assignment, student)
            except MissingEntry:
                scores[(assignment, student)] = None
                continue
            cells = {"total": round(float(submission.score), 4)}
            for notebook in submission.notebooks:
                for g in notebook.grades:
                    cells[f"{notebook.name}/{g.name}"] = round(float(g.score or 0.0), 4)
            scores[(assignment, student)] = cells
    return scores


def compare(reference: dict, other: dict, graded: set, label: str) -> list[str]:
    """Lines describing every score in ``other`` that differs from ``reference`` on the ``graded`` tasks."""
    lines = []
    for task in sorted(graded):
        ref, got = reference.get(task), other.get(task)
        if got is None:
            lines.append(f"{task[0]} / {task[1]}: graded by stock (total {ref['total']:g}) "
                         f"but not in {label}'s gradebook")
            continue
        for cell in sorted(set(ref) | set(got)):
            a, b = ref.get(cell), got.get(cell)
            if a != b:
                lines.append(f"{task[0]} / {task[1]} / {cell}: stock {a} vs {label} {b}")
    return lines


# --- report ---------------------------------------------------------------------------------------

def fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """(intercept, slope) of the least-squares line; slope only from a single point."""
    if len(set(xs)) < 2:
        return 0.0, ys[0] / xs[0]
    slope, intercept = statistics.linear_regression(xs, ys)
    return intercept, slope


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,20,40", help="cohort sizes (students), comma-separated")
    parser.add_argument("--modules", default="m01_role,m02_rules", help="assignments, comma-separated")
    parser.add_argument("--jobs", type=int, default=None, help="kefu's worker processes (default: CPU cores)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-runaway", action="store_true",
                        help="leave the runaway-loop submission out of every cohort")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    modules = [m.strip() for m in args.modules.split(",") if m.strip()]
    jobs = args.jobs or os.cpu_count() or 1
    ensure_tools_on_path()
    quiet()
    print(f"kefu cohort benchmark: modules {', '.join(modules)}; sizes {sizes} students; seed {args.seed}; "
          f"kefu jobs {jobs} on {os.cpu_count()} CPU cores")
    print(f"cell timeout {BENCH_CELL_TIMEOUT} s for stock Execute, nbclient and SandboxedExecute alike "
          f"(the course uses 60 s); sandbox notebook timeout {BENCH_NOTEBOOK_TIMEOUT} s")
    print(f"stock pipeline: {', '.join(p.rsplit('.', 1)[1] for p in stock_preprocessors())}")
    results: dict[int, dict[str, Run]] = {}
    sound: set[tuple[int, str, str]] = set()  # (size, assignment, student) of the right, partial and blank ones
    counts: dict[int, int] = {}
    differences: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kefu-cohort-") as tmp:
        base = Path(tmp)
        template = make_template(base, modules)
        for size in sizes:
            cohort_course = copy_course(template, base / f"cohort-{size}")
            submissions = write_cohort(cohort_course, modules, size, args.seed, runaway=not args.no_runaway)
            tasks = [(s.assignment, s.student) for s in submissions]
            counts[size] = len(tasks)
            sound |= {(size, s.assignment, s.student) for s in submissions if s.kind != "broken"}
            mix = Counter(s.kind for s in submissions)
            print(f"\n== {size} students × {len(modules)} modules = {len(tasks)} submissions: "
                  + ", ".join(f"{mix[k]} {k}" for k in ("right", "partial", "blank", "broken")))
            for s in submissions:
                if s.kind == "broken":
                    print(f"   broken  {s.assignment} / {s.student}: {s.detail}")
            runs: dict[str, Run] = {}
            courses = {m: copy_course(cohort_course, base / f"{size}-{m}") for m in METHODS}
            runs["stock"] = run_stock(courses["stock"], tasks)
            runs["nbclient"] = run_nbclient(courses["nbclient"], tasks)
            runs["kefu"] = run_kefu(courses["kefu"], tasks, jobs)
            runs["kefu1"] = run_kefu(courses["kefu1"], tasks, 1)
            results[size] = runs
            for method in METHODS:
                run = runs[method]
                statuses = ", ".join(f"{n} {k}" for k, n in sorted(run.statuses.items()))
                print(f"   {method:<9}{run.seconds:8.1f} s   load {run.load:4.1f}   {statuses}")
                for (assignment, student), why in sorted(run.failed.items()):
                    print(f"      {method} could not grade {assignment} / {student}: {why}")
            stock_scores = gradebook_scores(courses["stock"], tasks)
            graded = {t for t in tasks if t not in runs["stock"].failed and stock_scores.get(t) is not None}
            found = []
            for label in ("kefu", "kefu1"):
                found += compare(stock_scores, gradebook_scores(courses[label], tasks), graded, label)
            print(f"   scores compared on {len(graded)} submissions stock graded, per grade cell and in total: "
                  + ("identical" if not found else f"{len(found)} DIFFERENCES"))
            kinds = {(s.assignment, s.student): f"{s.kind} ({s.detail})" if s.kind == "broken" else s.kind
                     for s in submissions}
            for line in found:
                assignment, student = line.split(" / ")[:2]
                print(f"   !! {line}   [{kinds[(assignment, student.split(':')[0])]}]")
            differences += [f"[{size} students] {line}" for line in found]
            shutil.rmtree(cohort_course)
            for course in courses.values():
                shutil.rmtree(course)

    print(f"\n{'size':>5}{'subs':>6}{'stock s':>9}{'nbclient s':>12}{f'kefu×{jobs} s':>10}{'kefu×1 s':>10}"
          f"{'stock/kefu':>12}{'nbcl/kefu':>11}{'overhead':>10}   per submission s: stock / nbclient / kefu / kefu×1")
    for size in sizes:
        r, n = results[size], counts[size]
        st, nc, kf, k1 = (r[m].seconds for m in METHODS)
        print(f"{size:>5}{n:>6}{st:>9.1f}{nc:>12.1f}{kf:>10.1f}{k1:>10.1f}{st / kf:>11.2f}×{nc / kf:>10.2f}×"
              f"{k1 / st:>9.2f}×   {st / n:.2f} / {nc / n:.2f} / {kf / n:.2f} / {k1 / n:.2f}")
    print("overhead = kefu×1 / stock: the protections' cost at equal parallelism (one process each);"
          " < 1 means kefu×1 is faster than unprotected stock grading")

    xs = [float(counts[s]) for s in sizes]
    print("\ngrowth (least-squares fit of wall time over the sizes: seconds = fixed + marginal × submissions)")
    for method, label in zip(METHODS, ("stock", "nbclient", f"kefu×{jobs}", "kefu×1")):
        intercept, slope = fit(xs, [results[s][method].seconds for s in sizes])
        times = [t for s in sizes for (a, st), t in results[s][method].per_submission.items() if (s, a, st) in sound]
        print(f"   {label:<9} marginal {slope:5.2f} s/submission   fixed {intercept:6.1f} s   "
              f"one right/partial/blank submission: fastest {min(times):.2f} s, "
              f"median {statistics.median(times):.2f} s")
    intercept, slope = fit(xs, [results[s]["kefu"].seconds for s in sizes])
    print(f"per-submission floor of kefu×{jobs}: {slope:.2f} s per extra submission (marginal cost), "
          f"{intercept:.1f} s fixed start-up (intercept: worker processes, sandbox zygotes, gradebook)")

    largest = sizes[-1]
    speedup = results[largest]["stock"].seconds / results[largest]["kefu"].seconds
    target_met = speedup >= TARGET_SPEEDUP
    print(f"\ntarget: kefu autograde ≥ {TARGET_SPEEDUP:g}× faster than stock nbgrader at {largest} students: "
          f"{speedup:.2f}× —— {'met' if target_met else 'MISSED'}")
    if differences:
        print(f"\n!!!!!! SCORES DIFFER between stock nbgrader and kefu on {len(differences)} grade cells !!!!!!")
        for line in differences:
            print(f"!!  {line}")
    else:
        print("scores: identical between stock nbgrader and kefu (jobs "
              f"{jobs} and 1) for every submission stock graded")
    print(f"total benchmark time {time.perf_counter() - started:.0f} s")
    return 0 if target_met and not differences else 1


if __name__ == "__main__":
    sys.exit(main())

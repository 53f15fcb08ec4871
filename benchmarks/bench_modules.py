"""Measure each module's run-all time and the cost of autograding against bare nbclient.

Usage: python benchmarks/bench_modules.py [--repeat N] [assignment ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kefu.commands.release import source_assignments  # noqa: E402
from kefu.course.env import ensure_tools_on_path  # noqa: E402
from kefu.course.nbgrader_api import open_api  # noqa: E402

RUN_ALL_TARGET = 3.0
RATIO_TARGET = 1.3


def run_all_after_kernel_start(path: Path) -> float:
    nb = nbformat.read(str(path), as_version=4)
    client = NotebookClient(nb, timeout=60, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        return time.perf_counter() - start


def bare_execution(path: Path) -> float:
    nb = nbformat.read(str(path), as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=60, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("assignments", nargs="*")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    ensure_tools_on_path()
    import warnings

    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning)  # nbgrader's own gradebook noise
    names = args.assignments or source_assignments(ROOT)
    ok = True
    with tempfile.TemporaryDirectory(prefix="kefu-bench-") as tmp:
        course = Path(tmp)
        shutil.copy2(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
        for name in names:
            shutil.copytree(ROOT / "source" / name, course / "source" / name)
        os.environ["KEFU_COURSE_ROOT"] = str(course)
        api = open_api(course)
        print(f"{'module':<12}{'run-all (s)':>12}{'bare (s)':>10}{'autograde (s)':>15}{'ratio':>8}")
        for name in names:
            assert api.generate_assignment(name, force=True, create=True)["success"]
            submitted = course / "submitted" / "bench" / name
            shutil.copytree(course / "source" / name, submitted)
            notebook = submitted / f"{name}.ipynb"
            api.autograde(name, "bench", force=True, create=True)  # warm-up: creates the student row
            runs, bares, grades = [], [], []
            for _ in range(args.repeat):
                runs.append(run_all_after_kernel_start(notebook))
                bares.append(bare_execution(notebook))
                start = time.perf_counter()
                result = api.autograde(name, "bench", force=True, create=True)
                grades.append(time.perf_counter() - start)
                assert result["success"], result.get("error")
            run_all, bare, grade = (statistics.median(x) for x in (runs, bares, grades))
            ratio = grade / bare
            ok = ok and run_all <= RUN_ALL_TARGET and ratio <= RATIO_TARGET
            print(f"{name:<12}{run_all:>12.2f}{bare:>10.2f}{grade:>15.2f}{ratio:>8.2f}")
    print(f"targets: run-all ≤ {RUN_ALL_TARGET} s, ratio ≤ {RATIO_TARGET} —— {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

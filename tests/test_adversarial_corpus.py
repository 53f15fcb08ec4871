"""The adversarial corpus (issue 6): every case autograded in one batch, every expected outcome asserted.

Cases live in tests/adversarial/cases/*.yaml (format: tests/adversarial/cases/README.md). Honest
control students are graded in the same batch; their exact scores must not move. Then a manual grade
is given and the whole batch re-run: same results, manual grade kept. The last run's results are
written to test-artifacts/adversarial/last_run.json (tests/adversarial/summarize.py makes the table).

Set KEFU_ADVERSARIAL_CASES=id1,id2 to run only some cases while debugging one.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections import Counter
from pathlib import Path

import pytest

from adversarial import harness

CASES = harness.load_cases()
ONLY = {c for c in os.environ.get("KEFU_ADVERSARIAL_CASES", "").split(",") if c}
SELECTED = [c for c in CASES if not ONLY or c["id"] in ONLY]
ARTIFACT = harness.REPO / "test-artifacts" / "adversarial" / "last_run.json"
MANUAL_POINTS = 4.0


def test_corpus_is_well_formed():
    """At least 48 cases, 6 or more per class, unique ids, every case well-formed."""
    problems = {c.get("id"): harness.validate_case(c) for c in CASES}
    assert {k: v for k, v in problems.items() if v} == {}
    ids = Counter(c["id"] for c in CASES)
    assert [i for i, n in ids.items() if n > 1] == []
    assert not set(ids) & set(harness.CONTROLS)
    assert len(CASES) >= 48
    per_class = Counter(c["class"] for c in CASES)
    assert all(per_class[k] >= 6 for k in range(1, 7)), per_class


def _manual_grade(course: Path, student: str, module: str, cell: str, score: float) -> None:
    from kefu.course.nbgrader_api import open_api

    api = open_api(course)
    gb = api.gradebook
    try:
        grade = gb.find_grade(cell, module, module, student)
        grade.manual_score = score
        gb.db.commit()
    finally:
        gb.close()


def _parent(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return int(handle.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError:
        return ""


def _leftover_sandbox_processes() -> list[str]:
    """Learner processes (or anything they started) still alive after our batch.

    A zygote, whose parent is its bubblewrap, may legitimately live on in a grader that is still
    running (e.g. the JupyterLab server of the browser tests); anything else with a sandbox uid is a
    leftover. Other graders on the same machine use the same uid range, so a process counts only
    when this test process is among its ancestors or when it was reparented to init.
    """
    from kefu.sandbox.launcher import UID_BASE

    found = []
    for pid in map(int, filter(str.isdigit, os.listdir("/proc"))):
        try:
            if not UID_BASE <= os.stat(f"/proc/{pid}").st_uid < UID_BASE + 4000:
                continue
        except OSError:
            continue
        chain, current = [], pid
        while current > 1 and len(chain) < 64:
            current = _parent(current)
            chain.append(current)
        if chain[:1] != [1] and _command(chain[0]) == "bwrap":  # a zygote of a live grader
            continue
        if os.getpid() in chain or chain[:1] == [1]:
            found.append(f"{pid} (parents {chain[:4]})")
    return found


def _write_artifact(layout, runs) -> None:
    rows = []
    by_id = {c["id"]: c for c in SELECTED}
    for outcome in runs[0]["outcomes"]:
        case = by_id.get(outcome["student"])
        failures = []
        for number, run in enumerate(runs, start=1):
            again = _outcome(run, outcome["assignment"], outcome["student"])
            failures += [f"run {number}: {f}" for f in (harness.check_case(case, again, layout) if case else [])]
        rows.append({**outcome, "case": None if case is None else {
            "id": case["id"], "class": case["class"], "module": case["module"],
            "description": case["description"], "expect": case["expect"]}, "failures": failures})
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps({"results": rows, "seconds": [r["seconds"] for r in runs]},
                                   ensure_ascii=False, indent=1), encoding="utf-8")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The corpus course graded twice: once as submitted, once more after a manual grade."""
    env = pytest.MonkeyPatch()
    env.delenv("KEFU_DB_URL", raising=False)
    layout = harness.build_course(tmp_path_factory.mktemp("adversarial"))
    env.setenv("KEFU_COURSE_ROOT", str(layout.course))
    tasks = harness.place_controls(layout)
    for case in SELECTED:
        harness.place_case(case, layout)
        tasks.append((case["module"], case["id"]))
    before = harness.snapshot(layout)
    runs = []
    started = time.monotonic()
    outcomes = harness.run_batch(layout, tasks, jobs=2)
    runs.append({"outcomes": outcomes, "seconds": round(time.monotonic() - started, 1),
                 "snapshot": harness.snapshot(layout), "rows": harness.gradebook_rows(layout.course),
                 "leftovers": _leftover_sandbox_processes(), "pwned": harness.pwned_files()})
    _manual_grade(layout.course, "ctl_solution", "m02_rules", harness.MANUAL_CELL["m02_rules"], MANUAL_POINTS)
    started = time.monotonic()
    outcomes = harness.run_batch(layout, tasks, jobs=2)
    runs.append({"outcomes": outcomes, "seconds": round(time.monotonic() - started, 1),
                 "snapshot": harness.snapshot(layout), "rows": harness.gradebook_rows(layout.course),
                 "leftovers": _leftover_sandbox_processes(), "pwned": harness.pwned_files()})
    _write_artifact(layout, runs)
    yield {"layout": layout, "tasks": tasks, "before": before, "runs": runs}
    env.undo()


def _outcome(run: dict, module: str, student: str) -> dict | None:
    found = [o for o in run["outcomes"] if o["assignment"] == module and o["student"] == student]
    assert len(found) <= 1, found
    return found[0] if found else None


@pytest.mark.slow
def test_the_batch_completes_with_one_outcome_per_submission(corpus):
    for run in corpus["runs"]:
        got = sorted((o["assignment"], o["student"]) for o in run["outcomes"])
        assert got == sorted(corpus["tasks"])


@pytest.mark.slow
@pytest.mark.parametrize("case", SELECTED, ids=[c["id"] for c in SELECTED])
def test_case_outcome(corpus, case):
    """The case's score, status and message are as expected, in both runs."""
    for number, run in enumerate(corpus["runs"], start=1):
        failures = harness.check_case(case, _outcome(run, case["module"], case["id"]), corpus["layout"])
        assert failures == [], f"run {number}: {failures}"


@pytest.mark.slow
def test_controls_keep_their_exact_scores(corpus):
    first, second = corpus["runs"]
    expected = harness.control_scores(corpus["layout"].course)
    assert expected[("ctl_solution", "m02_rules")] == 26.0  # the corpus's expectations assume these points
    for (student, module), score in expected.items():
        assert _outcome(first, module, student)["score"] == score, (student, module)
        manual = MANUAL_POINTS if (student, module) == ("ctl_solution", "m02_rules") else 0.0
        assert _outcome(second, module, student)["score"] == score + manual, (student, module)
        assert _outcome(first, module, student)["status"] in ("ok", "errors")


@pytest.mark.slow
def test_controls_gradebook_rows_cell_by_cell(corpus):
    """Every grade of the control students is exactly the honest one (no attacker rewrote a row)."""
    import sys

    sys.path.insert(0, str(harness.REPO / "tests"))
    from notebook_tools import partial_case

    for run in corpus["runs"]:
        rows = run["rows"]
        partial = partial_case("m02_rules")
        for gid, points in partial["expected"].items():
            assert rows[("ctl_partial", "m02_rules", gid)][0] == float(points), gid
        blank = [v for (s, n, g), v in rows.items() if s == "ctl_blank"]
        assert blank and all((v[0] or 0) == 0 and v[1] is None and v[2] is None for v in blank)
        extra = [v[2] for (s, n, g), v in rows.items() if v[2] not in (None, 0)]
        assert extra == []
    manual = [[k for k, v in run["rows"].items() if v[1] is not None] for run in corpus["runs"]]
    assert manual == [[], [("ctl_solution", "m02_rules", harness.MANUAL_CELL["m02_rules"])]]


@pytest.mark.slow
def test_nothing_outside_each_submission_changed(corpus):
    """source/, release/, submitted/, the config, the canary beside the course and the grader's code are untouched."""
    for run in corpus["runs"]:
        assert run["snapshot"] == corpus["before"]
        assert run["pwned"] == []
        assert run["leftovers"] == []


@pytest.mark.slow
def test_rerun_is_idempotent_and_keeps_the_manual_grade(corpus):
    first, second = corpus["runs"]
    key = lambda o: (o["assignment"], o["student"])  # noqa: E731
    changed = {key(o): (o["score"], o["status"]) for o in second["outcomes"]}
    for outcome in first["outcomes"]:
        score, status = changed[key(outcome)]
        if key(outcome) == ("m02_rules", "ctl_solution"):
            score -= MANUAL_POINTS
        assert (score, status) == (outcome["score"], outcome["status"]), key(outcome)
    manual = second["rows"][("ctl_solution", "m02_rules", harness.MANUAL_CELL["m02_rules"])]
    assert manual[1] == MANUAL_POINTS
    others = {k: v for k, v in second["rows"].items() if k[0] != "ctl_solution" or k[2] != "m02_q8_reply"}
    assert others == {k: v for k, v in first["rows"].items() if k in others}


@pytest.mark.slow
def test_the_gradebook_is_a_consistent_sqlite_file(corpus):
    with sqlite3.connect(corpus["layout"].course / "gradebook.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)

"""Build the adversarial corpus as students of a throw-away course, grade it in one batch, check it.

Each case in ``cases/*.yaml`` is one student submission (see ``cases/README.md``
for the format). ``build_course`` makes a course copy with the grader's limits
lowered for speed, ``place_case`` writes a case's submission into
``submitted/<case id>/<module>/``, ``snapshot`` records everything a submission
must not change, ``run_batch`` autogrades all of them at once through the
batch API, and ``check_case`` compares one outcome with the case's expectation.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"
REPO = HERE.parents[1]
sys_path_tests = str(REPO / "tests")

MODULES = ("m01_role", "m02_rules", "m05_presale")
STATUSES = {"ok", "errors", "timeout", "died", "limit", "invalid", "missing", "failed"}
# Printed by an attack that got what it wanted; must never appear in any graded output. Attacks write
# it as the expression ``{marker}`` (the marker reversed, then reversed back), so a traceback that
# quotes the attack's source never contains the marker itself.
LEAK_MARKER = "ATTACK_SUCCEEDED"
# Appended by write attacks to files the grader trusts; must never appear in them afterwards.
PWNED_MARKER = "pwned-by-kefu-adversarial"

LIMITS = """
# --- lowered for the adversarial corpus (tests/adversarial/harness.py) ---
c.SandboxedExecute.cell_timeout = 5
c.SandboxedExecute.notebook_timeout = 20
c.SandboxedExecute.memory_mb = 1024
c.SandboxedExecute.tmp_mb = 64
c.SandboxedExecute.file_mb = 16
c.SandboxedExecute.processes = 32
c.SandboxedExecute.output_chars = 100000
"""

# A complete but wrong answer to every auto-graded item of m02_rules: worth exactly 0 points, with
# every visible check passing, so an attack added to it shows any point it steals. The wrong values
# are derived from the course's hidden tests (the instructor may reorder options or change numbers).
WRONG_Q7 = ("def penalty_by_store(incidents, rules):\n"
            "    return pd.DataFrame({\"store\": [\"无此店\"], \"incidents\": [1], \"points\": [1]})")


def wrong_answers(course: Path) -> dict[str, str]:
    """{answer grade id: source} answering every auto-graded m02_rules item wrongly."""
    text = "\n".join(c.source for c in nbformat.read(
        str(course / "source" / "m02_rules" / "m02_rules.ipynb"), as_version=4).cells)
    answers = {}
    for number, right in re.findall(r'score_choice\(q(\d)_reply, "(\w)"', text):
        answers[f"m02_q{number}_answer"] = f"q{number}_reply = {next(o for o in 'ABCD' if o != right)!r}"
    right = json.loads(re.search(r"score_labels\(q4_rules, (\[[^\]]*\])", text).group(1))
    labels = json.loads(re.search(r"RULES = (\[[^\]]*\])", text).group(1))
    wrong = [next(label for label in labels if label != r) for r in right]
    answers["m02_q4_answer"] = f"q4_rules = {wrong!r}"
    for name in ("q5_points", "q6_avg"):
        expected = float(re.search(rf"score_number\({name}, ([-\d.]+)", text).group(1))
        answers[f"m02_{name[:2]}_answer"] = f"{name} = {expected + 1000!r}"
    answers["m02_q7_answer"] = WRONG_Q7
    assert len(answers) == 7, answers
    return answers


# Students graded in the same batch whose exact scores the attackers must not change.
CONTROLS = {
    "ctl_solution": {module: "solution" for module in MODULES},
    "ctl_blank": {"m02_rules": "blank", "m01_role": "blank"},
    "ctl_partial": {"m02_rules": "partial"},
}


def auto_points(course: Path, module: str) -> float:
    """All automatic points of a module: its test cells' points in source/."""
    nb = nbformat.read(str(course / "source" / module / f"{module}.ipynb"), as_version=4)
    return float(sum(_meta(c).get("points", 0) for c in nb.cells
                     if _meta(c).get("grade") and not _meta(c).get("solution")))


def control_scores(course: Path) -> dict[tuple[str, str], float]:
    """The exact honest score of every control submission."""
    import sys

    if sys_path_tests not in sys.path:
        sys.path.insert(0, sys_path_tests)
    from notebook_tools import partial_case

    scores = {}
    for student, modules in CONTROLS.items():
        for module, kind in modules.items():
            scores[(student, module)] = {"solution": auto_points(course, module), "blank": 0.0,
                                         "partial": float(partial_case(module)["total"]) if kind == "partial"
                                         else None}[kind]
    return scores


MANUAL_CELL = {"m02_rules": "m02_q8_reply"}


@dataclass
class Layout:
    """Where the course, the canary and the placeholders of the attacks are."""

    course: Path
    canary: Path
    placeholders: dict = field(default_factory=dict)


# --- cases -----------------------------------------------------------------------------------------
def load_cases() -> list[dict]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            case.setdefault("module", "m02_rules")
            case["_file"] = path.name
            cases.append(case)
    return cases


def validate_case(case: dict) -> list[str]:
    """What is wrong with a case's definition (empty when it is well-formed)."""
    bad = []
    if not re.fullmatch(r"[a-z][a-z0-9_]{2,60}", str(case.get("id", ""))):
        bad.append("id must be lower_snake_case")
    if case.get("class") not in range(1, 7):
        bad.append("class must be 1..6")
    if case.get("module") not in MODULES:
        bad.append(f"module must be one of {MODULES}")
    if not isinstance(case.get("description"), str) or "\n" in case["description"].strip():
        bad.append("description must be one line")
    if case.get("base", "blank") not in ("blank", "solution", "wrong"):
        bad.append("base must be blank, solution or wrong")
    expect = case.get("expect") or {}
    if "score" not in expect and "max_score_le" not in expect:
        bad.append("expect needs score or max_score_le")
    statuses = expect.get("status")
    statuses = statuses if isinstance(statuses, list) else [statuses]
    if not statuses or not set(statuses) <= STATUSES:
        bad.append(f"expect.status must be among {sorted(STATUSES)}")
    if set(statuses) - {"ok"} and not expect.get("message_contains") and "errors" not in statuses:
        bad.append("a bad case needs expect.message_contains")
    return bad


# --- course ----------------------------------------------------------------------------------------
def build_course(base: Path) -> Layout:
    """A course copy of MODULES with lowered limits, released; a canary file beside it."""
    import sys

    if sys_path_tests not in sys.path:
        sys.path.insert(0, sys_path_tests)
    from conftest import copy_course

    from kefu.commands import release

    course = copy_course(base / "course", MODULES)
    with (course / "nbgrader_config.py").open("a", encoding="utf-8") as handle:
        handle.write(LIMITS)
    assert release.main(course=str(course), check=False) == 0, "release of the corpus course failed"
    canary = base / "outside" / "canary.txt"
    canary.parent.mkdir()
    canary.write_text("canary: nothing may change this file\n", encoding="utf-8")
    key = (course / "source" / "m02_rules" / "kefu-answers.key.json").read_text(encoding="utf-8")
    return Layout(course, canary, {"{course_root}": str(course), "{canary}": str(canary), "{answer_key}": key,
                                   "{marker}": repr(LEAK_MARKER[::-1]) + "[::-1]",
                                   "{pwned}": PWNED_MARKER})


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _find(nb, key) -> int:
    """Index of the cell named by grade id, or by ``#<index>``."""
    if isinstance(key, str) and key.startswith("#"):
        return int(key[1:])
    for index, cell in enumerate(nb.cells):
        if _meta(cell).get("grade_id") == key:
            return index
    raise KeyError(f"no cell with grade id {key!r}")


def _substitute(text: str, layout: Layout) -> str:
    for key, value in layout.placeholders.items():
        text = text.replace(key, value)
    return text


def _base_notebook(layout: Layout, module: str, base: str):
    if base == "solution":
        return nbformat.read(str(layout.course / "source" / module / f"{module}.ipynb"), as_version=4)
    nb = nbformat.read(str(layout.course / "release" / module / f"{module}.ipynb"), as_version=4)
    if base == "wrong":
        assert module == "m02_rules", "the wrong base exists for m02_rules only"
        for gid, source in wrong_answers(layout.course).items():
            nb.cells[_find(nb, gid)].source = source
    return nb


def build_notebook(case: dict, layout: Layout):
    """The case's notebook: its base with the cell edits applied, in order."""
    nb = _base_notebook(layout, case["module"], case.get("base", "blank"))
    for key, source in (case.get("cells") or {}).items():
        nb.cells[_find(nb, key)].source = _substitute(source, layout)
    for gid, changes in (case.get("metadata") or {}).items():
        nb.cells[_find(nb, gid)].metadata.setdefault("nbgrader", {}).update(changes)
    for gid, new_type in (case.get("cell_types") or {}).items():
        index = _find(nb, gid)
        old = nb.cells[index]
        maker = {"markdown": nbformat.v4.new_markdown_cell, "raw": nbformat.v4.new_raw_cell,
                 "code": nbformat.v4.new_code_cell}[new_type]
        nb.cells[index] = maker(old.source, metadata=old.metadata)
    for item in case.get("insert") or []:  # after the named cell (or at the top with after: null)
        at = _find(nb, item["after"]) + 1 if item.get("after") is not None else 0
        maker = nbformat.v4.new_markdown_cell if item.get("type") == "markdown" else nbformat.v4.new_code_cell
        cell = maker(_substitute(item["source"], layout))
        if item.get("nbgrader"):
            cell.metadata["nbgrader"] = dict(item["nbgrader"])
        nb.cells.insert(at, cell)
    for gid in case.get("duplicate") or []:
        index = _find(nb, gid)
        nb.cells.insert(index + 1, nbformat.from_dict(json.loads(json.dumps(nb.cells[index]))))
        nb.cells[index + 1].pop("id", None)
    for gid in case.get("delete") or []:
        del nb.cells[_find(nb, gid)]
    for cell in nb.cells:
        if "id" not in cell:
            cell["id"] = hashlib.sha1(json.dumps(cell, sort_keys=True).encode()).hexdigest()[:12]
    return nb


def _raw_bytes(kind: str, text: str) -> bytes:
    if kind == "empty":
        return b""
    if kind == "malformed_json":
        return text[: len(text) // 2].encode("utf-8")
    if kind == "nbformat3":
        return json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": ""},
                           "worksheets": [{"cells": [{"cell_type": "code", "input": "q1_reply = 'C'",
                                                      "language": "python", "outputs": []}]}]}).encode()
    if kind == "latin1_bytes":
        return text.encode("utf-8").replace("亲".encode("utf-8"), "\xe9t\xe9".encode("latin-1"), 3)
    if kind == "huge_50mb":
        doc = json.loads(text)
        filler = "客" * (18 * 1024 ** 2)  # 3 bytes each in UTF-8: about 54 MB
        doc["cells"][0].setdefault("attachments", {})
        doc["metadata"]["padding"] = filler
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    raise ValueError(f"unknown raw operation {kind!r}")


def place_case(case: dict, layout: Layout) -> Path:
    """Write the case's submission into submitted/<id>/<module>/; return that folder."""
    from kefu.answers import save_answer, submit_key

    module = case["module"]
    folder = layout.course / "submitted" / case["id"] / module
    folder.mkdir(parents=True)
    target = folder / f"{module}.ipynb"
    text = nbformat.writes(build_notebook(case, layout))
    raw = case.get("raw")
    if raw in ("renamed", "deleted"):
        if raw == "renamed":
            (folder / f"{module} (1).ipynb").write_text(text, encoding="utf-8")
    elif raw:
        target.write_bytes(_raw_bytes(raw, text))
    else:
        target.write_text(text, encoding="utf-8")
    if case.get("base") == "solution":
        submit_key(layout.course / "source" / module, folder)
    for item, value in (case.get("widget_answers") or {}).items():
        save_answer(item, value, folder=folder)
    for name, content in (case.get("extra_files") or {}).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_substitute(content, layout), encoding="utf-8")
    for name, points_to in (case.get("symlinks") or {}).items():
        (folder / name).symlink_to(_substitute(points_to, layout))
    return folder


def place_controls(layout: Layout) -> list[tuple[str, str]]:
    """The honest control students; their (module, student) tasks."""
    import sys

    if sys_path_tests not in sys.path:
        sys.path.insert(0, sys_path_tests)
    from notebook_tools import fill_answers, partial_case

    from kefu.answers import save_answer, submit_key

    tasks = []
    for student, modules in CONTROLS.items():
        for module, kind in modules.items():
            folder = layout.course / "submitted" / student / module
            if kind == "solution":
                shutil.copytree(layout.course / "source" / module, folder)
                (folder / "kefu-answers.key.json").unlink()
                submit_key(layout.course / "source" / module, folder)
            elif kind == "blank":
                shutil.copytree(layout.course / "release" / module, folder)
            else:
                partial = partial_case(module)
                folder.mkdir(parents=True)
                nbformat.write(fill_answers(layout.course / "release" / module / f"{module}.ipynb",
                                            partial["answers"]), str(folder / f"{module}.ipynb"))
                for item, value in partial.get("widget_answers", {}).items():
                    save_answer(item, value, folder=folder)
            tasks.append((module, student))
    return tasks


# --- snapshot --------------------------------------------------------------------------------------
def _digest(path: Path) -> str:
    if path.is_symlink():
        return "symlink:" + os.readlink(path)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): _digest(p) for p in sorted(folder.rglob("*"))
            if p.is_file() or p.is_symlink()}


def gradebook_rows(course: Path) -> dict[tuple[str, str, str], tuple]:
    """(student, notebook, grade id) -> (auto, manual, extra credit), straight from the sqlite file."""
    with sqlite3.connect(f"file:{course / 'gradebook.db'}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT student.id, notebook.name, base_cell.name, grade.auto_score, grade.manual_score,"
            " grade.extra_credit FROM grade"
            " JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id"
            " JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id"
            " JOIN student ON submitted_assignment.student_id = student.id"
            " JOIN notebook ON submitted_notebook.notebook_id = notebook.id"
            " JOIN base_cell ON grade.cell_id = base_cell.id").fetchall()
    return {(s, n, g): (a, m, e) for s, n, g, a, m, e in rows}


def snapshot(layout: Layout) -> dict:
    """Everything no submission's grading may change (autograded/ and the gradebook are compared per student)."""
    course = layout.course
    return {
        "source": _tree(course / "source"),
        "release": _tree(course / "release"),
        "submitted": _tree(course / "submitted"),
        "config": _digest(course / "nbgrader_config.py"),
        "canary": _digest(layout.canary),
        "outside": sorted(p.name for p in layout.canary.parent.iterdir()),
        "course_top": sorted(p.name for p in course.iterdir() if p.name != "autograded"),
    }


def pwned_files() -> list[str]:
    """Files the grader trusts (the kefu package, the environment's site-packages) carrying the write marker."""
    import sysconfig

    import kefu

    found = []
    places = [Path(kefu.__file__).resolve().parent, Path(sysconfig.get_paths()["purelib"])]
    for place in places:
        for name in ("sitecustomize.py", "usercustomize.py", "__init__.py", "grading.py", "checks.py"):
            path = place / name
            if path.exists() and PWNED_MARKER in path.read_text(encoding="utf-8", errors="replace"):
                found.append(str(path))
    for pth in Path(sysconfig.get_paths()["purelib"]).glob("*.pth"):
        if PWNED_MARKER in pth.read_text(encoding="utf-8", errors="replace"):
            found.append(str(pth))
    return found


# --- grading ---------------------------------------------------------------------------------------
def run_batch(layout: Layout, tasks: list[tuple[str, str]], *, jobs: int = 2) -> list[dict]:
    """Autograde every (module, student) in one batch through kefu.grader.batch; plain-dict outcomes."""
    from kefu.grader import batch

    params = list(inspect.signature(batch.grade).parameters)
    if len(params) > 1 and params[1] == "tasks":
        outcomes = batch.grade(layout.course, tasks, jobs=jobs)
    else:  # the brief's form: grade(root, assignment, students=None, jobs=None)
        outcomes = []
        for module in sorted({m for m, _ in tasks}):
            students = [s for m, s in tasks if m == module]
            outcomes += batch.grade(layout.course, module, students=students, jobs=jobs)
    rows = []
    for outcome in outcomes:
        row = outcome.to_dict() if hasattr(outcome, "to_dict") else dict(vars(outcome))
        rows.append({k: row.get(k) for k in ("assignment", "student", "score", "max_score", "status",
                                              "problems")})
    return rows


def graded_text(layout: Layout, module: str, student: str) -> str:
    """Every output of the student's autograded notebook, as one text (for leak markers)."""
    path = layout.course / "autograded" / student / module / f"{module}.ipynb"
    if not path.exists():
        return ""
    nb = nbformat.read(str(path), as_version=4)
    return json.dumps([c.get("outputs", []) for c in nb.cells if c.cell_type == "code"], ensure_ascii=False)


# --- checking --------------------------------------------------------------------------------------
def check_case(case: dict, outcome: dict | None, layout: Layout) -> list[str]:
    """Every way the outcome differs from the case's expectation (empty when it matches)."""
    if outcome is None:
        return ["no outcome in the batch result"]
    expect = case["expect"]
    wrong = []
    score = outcome.get("score")
    if score is None and outcome.get("status") == "failed":
        score = 0.0  # nbgrader refused the notebook: nothing was earned
    if "score" in expect and (score is None or abs(float(score) - float(expect["score"])) > 1e-9):
        wrong.append(f"score {score!r}, expected {expect['score']}")
    if "max_score_le" in expect and (score is None or float(score) > float(expect["max_score_le"])):
        wrong.append(f"score {score!r}, expected at most {expect['max_score_le']}")
    if "max_score" in expect and outcome.get("status") != "failed" and outcome.get("max_score") != expect["max_score"]:
        wrong.append(f"max_score {outcome.get('max_score')!r}, expected {expect['max_score']}")
    statuses = expect["status"] if isinstance(expect["status"], list) else [expect["status"]]
    if outcome.get("status") not in statuses:
        wrong.append(f"status {outcome.get('status')!r}, expected {statuses}")
    text = "\n".join(outcome.get("problems") or [])
    wanted = expect.get("message_contains")
    for piece in wanted if isinstance(wanted, list) else [wanted] if wanted else []:
        if piece not in text:
            wrong.append(f"message lacks {piece!r}: {text[:300]!r}")
    if outcome.get("status") != "ok" and "errors" not in statuses and not text:
        wrong.append("a bad case without any message for the instructor")
    if LEAK_MARKER in graded_text(layout, case["module"], case["id"]):
        wrong.append(f"the attack printed {LEAK_MARKER}: it got what it wanted")
    return wrong

"""A synthetic, reproducible cohort of submissions for the grading benchmarks.

``write_cohort(course, assignments, size, seed)`` fills ``course/submitted/``
with ``size`` students per assignment. Every submission starts from the
student version in ``course/release/`` (what a learner opens and saves), and
the mix per assignment is fixed: 40 % right, 30 % partly wrong, 20 % blank and
10 % broken (largest-remainder rounding, so 10 students give 4/3/2/1).

- right: every answer cell holds the solution, the graded widgets' answers
  file is the instructor's key;
- partial: the solutions, then a random subset of the answers made wrong: a
  multiple-choice letter changed, two labels of a list swapped, a number
  computed and then moved by 1, a function left unanswered; each graded
  widget answered wrongly half of the time;
- blank: the student version as released, no answers file;
- broken: one of truncated notebook JSON, a test cell deleted, a syntax error
  in an answer cell, or a runaway ``while True`` loop in an answer cell (at
  most one runaway per cohort, since each costs a full cell timeout).

The same seed gives the same notebooks and answers; several graders are fed
the very same cohort by calling this once and copying ``submitted/``.
"""

from __future__ import annotations

import ast
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from kefu.answers import save_answer, submit_key

MIX = (("right", 0.4), ("partial", 0.3), ("blank", 0.2), ("broken", 0.1))
BROKEN_KINDS = ("truncated_json", "deleted_test_cell", "syntax_error", "runaway_loop")
CHOICE_LETTERS = ("A", "B", "C", "D")
SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
STORED_CHOICE = re.compile(r"check_stored_choice\(\s*[\"'](\w+)[\"']\s*,\s*(\[[^\]]*\])")
CHECKED_NUMBER = re.compile(r"check_number\(\s*(\w+)")


@dataclass(frozen=True)
class Submission:
    """One generated submission: who, what kind, and what was done to it."""

    assignment: str
    student: str
    kind: str  # right | partial | blank | broken
    detail: str = ""


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _strip_markers(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if line.strip() not in SOLUTION_MARKERS)


def kinds_for(size: int, rng: random.Random) -> list[str]:
    """``size`` kinds in the fixed proportions (largest remainder), in random order."""
    exact = [(kind, share * size) for kind, share in MIX]
    counts = {kind: int(value) for kind, value in exact}
    short = size - sum(counts.values())
    for kind, value in sorted(exact, key=lambda kv: kv[1] - int(kv[1]), reverse=True)[:short]:
        counts[kind] += 1
    kinds = [kind for kind, _ in MIX for _ in range(counts[kind])]
    rng.shuffle(kinds)
    return kinds


class AssignmentModel:
    """What the generator needs to know about one assignment's notebooks."""

    def __init__(self, course: Path, assignment: str):
        self.assignment = assignment
        self.source_folder = course / "source" / assignment
        self.release_folder = course / "release" / assignment
        self.notebook_name = f"{assignment}.ipynb"
        source = nbformat.read(str(self.source_folder / self.notebook_name), as_version=4)
        self.release_text = (self.release_folder / self.notebook_name).read_text(encoding="utf-8")
        self.solutions = {_meta(c)["grade_id"]: _strip_markers(c.source) for c in source.cells
                          if c.cell_type == "code" and _meta(c).get("solution")}
        self.auto_answers = [gid for gid in self.solutions
                             if not _meta(self._cell(source, gid)).get("grade")]  # manual replies stay
        tests = "\n".join(c.source for c in source.cells if c.cell_type == "code" and _meta(c).get("grade")
                          and not _meta(c).get("solution"))
        self.numbers = set(CHECKED_NUMBER.findall(tests))
        self.widgets = {item: ast.literal_eval(options) for item, options in STORED_CHOICE.findall(tests)}
        self.test_ids = [_meta(c)["grade_id"] for c in source.cells
                         if c.cell_type == "code" and _meta(c).get("grade") and not _meta(c).get("solution")]

    @staticmethod
    def _cell(nb, grade_id):
        return next(c for c in nb.cells if _meta(c).get("grade_id") == grade_id)

    def release(self):
        return nbformat.reads(self.release_text, as_version=4)

    def solved(self, answers: dict[str, str] | None = None):
        """The student version with every answer cell holding the solution (or ``answers``' code)."""
        nb = self.release()
        code = dict(self.solutions, **(answers or {}))
        for cell in nb.cells:
            gid = _meta(cell).get("grade_id")
            if gid in code and _meta(cell).get("solution"):
                cell.source = code[gid]
        return nb

    # --- wrong answers ---------------------------------------------------------------------------
    def wrong_answer(self, grade_id: str, rng: random.Random) -> tuple[str, str] | None:
        """(code, description) of a plausible wrong answer for this cell, or None if none is made."""
        code = self.solutions[grade_id]
        tree = ast.parse(code)
        last = tree.body[-1]
        if isinstance(last, ast.FunctionDef):
            return f"{self._stub(grade_id)}", f"{grade_id}: function left unanswered"
        if not isinstance(last, ast.Assign) or not isinstance(last.targets[0], ast.Name):
            return None
        name = last.targets[0].id
        value = last.value
        if isinstance(value, ast.Constant) and value.value in CHOICE_LETTERS:
            wrong = rng.choice([x for x in CHOICE_LETTERS if x != value.value])
            return f'{name} = "{wrong}"', f"{grade_id}: chose {wrong} instead of {value.value}"
        if isinstance(value, ast.List) and all(isinstance(e, ast.Constant) for e in value.elts):
            labels = [e.value for e in value.elts]
            pairs = [(i, j) for i in range(len(labels)) for j in range(i + 1, len(labels)) if labels[i] != labels[j]]
            if not pairs:
                return None
            i, j = rng.choice(pairs)
            labels[i], labels[j] = labels[j], labels[i]
            return (f"{name} = {json.dumps(labels, ensure_ascii=False)}",
                    f"{grade_id}: items {i + 1} and {j + 1} swapped")
        if name in self.numbers:
            return code + f"\n{name} = {name} + 1", f"{grade_id}: number off by one"
        return None

    def _stub(self, grade_id: str) -> str:
        nb = self.release()
        return next(c.source for c in nb.cells if _meta(c).get("grade_id") == grade_id)

    # --- submissions -----------------------------------------------------------------------------
    def write(self, folder: Path, kind: str, rng: random.Random, *, allow_runaway: bool) -> str:
        """Write one submission of ``kind`` into ``folder``; returns what was done to it."""
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / self.notebook_name
        if kind == "right":
            nbformat.write(self.solved(), str(target))
            submit_key(self.source_folder, folder)
            return "solutions + key"
        if kind == "blank":
            target.write_text(self.release_text, encoding="utf-8")
            return "student version as released"
        if kind == "partial":
            return self._write_partial(folder, target, rng)
        return self._write_broken(folder, target, rng, allow_runaway=allow_runaway)

    def _write_partial(self, folder: Path, target: Path, rng: random.Random) -> str:
        changes, wrong = [], {}
        candidates = [gid for gid in self.auto_answers if self.wrong_answer(gid, random.Random(0))]
        chosen = rng.sample(candidates, k=max(1, round(len(candidates) * rng.uniform(0.2, 0.6))))
        for gid in sorted(chosen, key=candidates.index):
            code, description = self.wrong_answer(gid, rng)
            wrong[gid] = code
            changes.append(description)
        nbformat.write(self.solved(wrong), str(target))
        for item, options in sorted(self.widgets.items()):
            key = self._key_choice(item)
            if key is None:
                continue
            if rng.random() < 0.5:
                value = rng.choice([o for o in options if o != key])
                changes.append(f"widget {item}: {value} instead of {key}")
            else:
                value = key
            save_answer(item, value, folder=folder)
        return "; ".join(changes)

    def _key_choice(self, item: str) -> str | None:
        path = self.source_folder / "kefu-answers.key.json"
        if not path.exists():
            return None
        entry = json.loads(path.read_text(encoding="utf-8"))["answers"].get(item)
        return entry["value"] if entry else None

    def _write_broken(self, folder: Path, target: Path, rng: random.Random, *, allow_runaway: bool) -> str:
        kinds = [k for k in BROKEN_KINDS if allow_runaway or k != "runaway_loop"]
        kind = rng.choice(kinds)
        submit_key(self.source_folder, folder)
        if kind == "truncated_json":
            text = nbformat.writes(self.solved())
            cut = int(len(text) * rng.uniform(0.3, 0.9))
            target.write_text(text[:cut], encoding="utf-8")
            return f"{kind}: cut after {cut} of {len(text)} characters"
        if kind == "deleted_test_cell":
            nb = self.solved()
            gid = rng.choice(self.test_ids)
            nb.cells = [c for c in nb.cells if _meta(c).get("grade_id") != gid]
            nbformat.write(nb, str(target))
            return f"{kind}: {gid}"
        gid = rng.choice(self.auto_answers)
        if kind == "syntax_error":
            code = self.solutions[gid]
            broken = code.replace("(", "", 1) if "(" in code else code + "\n)"
            nbformat.write(self.solved({gid: broken}), str(target))
            return f"{kind}: {gid}"
        nbformat.write(self.solved({gid: self.solutions[gid] + "\nwhile True:\n    pass"}), str(target))
        return f"{kind}: {gid}"


def write_cohort(course: Path, assignments, size: int, seed: int, *, runaway: bool = True) -> list[Submission]:
    """Students ``s001`` … of every assignment in ``course/submitted/``; needs ``course/release/``.

    ``runaway=False`` leaves the runaway-loop kind out (the other broken kinds are drawn instead).
    """
    submissions = []
    runaway_left = 1 if runaway else 0
    for assignment in assignments:
        model = AssignmentModel(course, assignment)
        rng = random.Random(f"{seed}/{size}/{assignment}")
        for number, kind in enumerate(kinds_for(size, rng), start=1):
            student = f"s{number:03d}"
            folder = course / "submitted" / student / assignment
            detail = model.write(folder, kind, rng, allow_runaway=runaway_left > 0)
            if detail.startswith("runaway_loop"):
                runaway_left -= 1
            submissions.append(Submission(assignment, student, kind, detail))
    return submissions

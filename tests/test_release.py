"""The student version: in sync with source/, and free of answers."""

from __future__ import annotations

import json
import re

import pytest

from kefu.commands import release

from conftest import ASSIGNMENTS, ROOT, copy_course
from notebook_tools import HIDDEN, SOLUTION


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A release generated now from source/, in a throw-away course."""
    course = copy_course(tmp_path_factory.mktemp("release") / "course")
    assert release.main(course=str(course)) == 0
    return course / "release"


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_committed_release_matches_source(fresh, name):
    """Is the committed release/ exactly what kefu release makes from source/ (run `kefu release` if not)?"""
    committed = sorted(p.name for p in (ROOT / "release" / name).iterdir())
    generated = sorted(p.name for p in (fresh / name).iterdir())
    assert committed == generated
    for notebook in generated:
        if notebook.endswith(".ipynb"):
            assert _load(ROOT / "release" / name / notebook) == _load(fresh / name / notebook), (
                f"release/{name}/{notebook} 与 source/ 不同步:请运行 kefu release 并提交")


def _answer_lines(source_nb):
    """Non-trivial lines of every solution and hidden-test region."""
    lines = set()
    for cell in source_nb["cells"]:
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for region in SOLUTION.findall(text) + HIDDEN.findall(text):
            lines |= {l.strip() for l in region.splitlines() if len(l.strip()) >= 12}
    return lines


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_contains_no_answer(fresh, name):
    """Does the release hold no solution line, no hidden test and no scoring call?"""
    source = _load(ROOT / "source" / name / f"{name}.ipynb")
    text = (fresh / name / f"{name}.ipynb").read_text(encoding="utf-8")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "kefu.grading"):
        assert marker not in text
    released = json.loads(text)
    body = "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                     for c in released["cells"])
    released_lines = {line.strip() for line in body.splitlines()}
    leaked = sorted(_answer_lines(source) & released_lines)
    assert leaked == []
    assert sorted(p.name for p in (fresh / name).iterdir()) == [f"{name}.ipynb"], "no key or answers file"


def test_nothing_importable_contains_a_hidden_test():
    """Do kefu/ and data/ stay free of every hidden-test line of source/?"""
    hidden = set()
    for name in ASSIGNMENTS:
        source = _load(ROOT / "source" / name / f"{name}.ipynb")
        for cell in source["cells"]:
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for region in HIDDEN.findall(text):
                # lines that carry data (a quoted value or a number): plain code such as
                # `frame[c] = pd.to_datetime(frame[c])` may legitimately appear in kefu too
                hidden |= {l.strip() for l in region.splitlines()
                           if len(l.strip()) >= 16 and re.search(r"[\"'\d]", l)}
    public = [p for folder in ("kefu", "data") for p in (ROOT / folder).rglob("*")
              if p.is_file() and p.suffix in {".py", ".yaml", ".csv", ".md", ".json"}]
    for path in public:
        text = path.read_text(encoding="utf-8")
        assert not [h for h in hidden if h in text], path


def test_stub_replaces_every_solution(fresh):
    """Does every answer cell in the release start with the Chinese stub?"""
    for name in ASSIGNMENTS:
        released = _load(fresh / name / f"{name}.ipynb")
        answers = [c for c in released["cells"] if c["metadata"].get("nbgrader", {}).get("solution")
                   and c["cell_type"] == "code"]
        assert answers
        for cell in answers:
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            assert re.search(r"在这里作答.*\nraise NotImplementedError\(\)", text), cell["id"]

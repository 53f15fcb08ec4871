"""Nothing a learner can open or import reveals the answer of a graded item.

Learners get release/ (the graded notebooks), practice/ (the self-study edition), the kefu
package and data/ (packaged as kefu/_data). The secrets are collected from source/ by
tests/leak_scan.py: hidden-test and solution lines and data, expected values and their hashes,
graded-widget keys and digests, and nbgrader checksums of the hidden cells.
"""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from kefu.answers.store import KEY_FILE, _digest
from kefu.widgets import load_practice
from kefu.widgets.practice_bank import NumberItem

import leak_scan as L
from conftest import ASSIGNMENTS, ROOT

# Leaks this scan found in course content, left to the authors of source/ and data/: each is
# reported by test_known_content_leaks_are_gone until it is fixed, then remove it here.
KNOWN = {}


@pytest.fixture(scope="module")
def sources():
    return L.source_notebooks(ROOT, ASSIGNMENTS)


@pytest.fixture(scope="module")
def secrets():
    return L.course_secrets(ROOT, ASSIGNMENTS)


@pytest.fixture(scope="module")
def public():
    return L.public_files(ROOT)


@pytest.fixture(scope="module")
def leaks(public, secrets):
    return L.scan(public, secrets)


def _choices(nb) -> list:
    return [item for item in L.guessable_items(nb) if item.scorer in ("score_choice", "score_stored_choice")]


def _report(leaks) -> str:
    return "\n".join(sorted(str(leak) for leak in leaks))


# ---------------------------------------------------------------- the secrets are there to look for


def test_every_hidden_test_yields_secrets(sources, secrets):
    """Does each hidden test give its code lines, its cell's checksum and its expected value (or case data) to look for?"""
    kinds, known = {}, set(secrets)
    for secret in secrets:
        kinds.setdefault(secret.item, set()).add(secret.kind)
    scorers = cases = 0
    for name, notebooks in sources.items():
        for nb in notebooks:
            for cell in nb.cells:
                for region in L.HIDDEN.findall(L.text_of(cell)):
                    item = L.item_of(cell)
                    assert {"line", "hex"} <= kinds.get(item, set()), f"{name}: {item} yields no secret"
                    for scorer, call in L.scorer_calls(region):
                        scorers += 1
                        wanted = L.expected_secrets(item, scorer, L._literal(call.args[1]))
                        assert set(wanted) <= known, f"{name}: the expected value of {item} is not looked for"
                    if "score_cases" in region:
                        cases += 1
                        assert "literal" in kinds[item], f"{name}: the case data of {item} is not looked for"
    assert scorers >= 4 * len(ASSIGNMENTS) and cases >= len(ASSIGNMENTS)


# ---------------------------------------------------------------- the scan


def test_public_files_hold_no_secret(leaks):
    """Do release/, practice/, kefu/ and data/ hold no hidden-test or solution line or data, expected value, digest or hash of one?"""
    unexpected = [leak for leak in leaks if (leak.path, leak.item) not in KNOWN]
    assert unexpected == [], "answers of graded items found in files learners can open:\n" + _report(unexpected)


def test_known_content_leaks_are_gone(leaks):
    """Are the content leaks found earlier (KNOWN) fixed?"""
    known = [leak for leak in leaks if (leak.path, leak.item) in KNOWN]
    assert known == [], "\n".join(f"{why}\n{_report(known)}" for why in KNOWN.values())


def test_no_answer_or_key_file_is_public():
    """Is there no kefu-answers.json or *.key.json anywhere learners get?"""
    assert L.answer_files(ROOT) == []


# ---------------------------------------------------------------- nbgrader's checksums


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_released_checksums_are_computed_from_the_released_cells(name):
    """Is every nbgrader checksum in the release the checksum of the released cell (never of the hidden source)?"""
    nb = nbformat.read(str(ROOT / "release" / name / f"{name}.ipynb"), as_version=4)
    assert [c for c in nb.cells if "checksum" in c.metadata.get("nbgrader", {})], "no checksum to check"
    assert L.checksum_mismatches(nb) == [], f"release/{name}: checksums that encode text not in the release"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_no_possible_answer_reproduces_a_public_fingerprint(sources, public, name):
    """For every answer the format check allows (each option, labelling, order): does no nbgrader checksum, hash
    or digest of the hidden test cell with that answer appear in a public file?"""
    items = [item for nb in sources[name] for item in L.guessable_items(nb)]
    assert items, f"{name} has no choice, labels or order item"
    for item in items:
        assert item.source_with(item.expected) == item.cell.source, f"{item.item}: the hidden cell is not rebuilt"
        assert item.nbgrader_checksum_matches(), f"{item.item}: the checksum is not nbgrader's"
        assert 2 <= item.size() <= L.MAX_CANDIDATES, f"{item.item}: {item.size()} possible answers"
        assert item.allows(item.expected), f"{item.item}: the answer is not among the candidates"
    hexes = set().union(*(f.hexes for f in public))
    found = L.brute_force(items, hexes)
    assert found == [], f"{name}: answers recognised by their fingerprints: {found}"


# ---------------------------------------------------------------- the notebooks learners get


@pytest.mark.parametrize("folder", ["release", "practice"])
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_notebooks_carry_no_outputs_attachments_or_widget_state(folder, name):
    """Has every notebook learners get no outputs, attachments or saved widget state (where a chosen answer would show)?"""
    nb = nbformat.read(str(ROOT / folder / name / f"{name}.ipynb"), as_version=4)
    assert "widgets" not in nb.metadata
    for cell in nb.cells:
        assert "attachments" not in cell, cell.id
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{folder}/{name}: {cell.id} has outputs"
    if folder == "practice":
        assert "checksum" not in (ROOT / folder / name / f"{name}.ipynb").read_text(encoding="utf-8")


def test_correct_options_appear_only_in_their_own_task(sources, public):
    """Is the text of each correct option found nowhere but in its own item's cells of the release?"""
    found = []
    for name, notebooks in sources.items():
        release = nbformat.read(str(ROOT / "release" / name / f"{name}.ipynb"), as_version=4)
        for nb in notebooks:
            options = L.choice_options(nb)
            for item in _choices(nb):
                correct = L.norm(options[item.item][item.expected])
                assert len(correct) >= 8, item.item
                found += [(f.path, item.item) for f in public if not f.path.startswith(f"release/{name}/")
                          and correct in L.norm("\n".join(f.texts))]
                found += [(f"release/{name}: {c.id}", item.item) for c in release.cells
                          if L.item_of(c) != item.item and correct in L.norm(L.text_of(c))]
    assert found == []


def test_number_twins_do_not_share_a_graded_answer(sources):
    """Does no practice number item (whose answer is public) have the answer of a graded number item of its module?"""
    same = []
    for name, notebooks in sources.items():
        twins = [i for i in load_practice(name[:3]) if isinstance(i, NumberItem)]
        for nb in notebooks:
            for cell in nb.cells:
                for region in L.HIDDEN.findall(L.text_of(cell)):
                    for scorer, call in L.scorer_calls(region):
                        if scorer != "score_number":
                            continue
                        expected = float(L._literal(call.args[1]))
                        tol = max((float(L._literal(k.value)) for k in call.keywords if k.arg == "tol"), default=1e-6)
                        same += [(L.item_of(cell), t.id) for t in twins if abs(t.answer - expected) <= tol]
    assert same == []


def test_correct_option_is_not_the_giveaway_longest(sources):
    """Is the correct option the strictly longest one in at most half of the choice items (a chance rate is 1 in 4)?"""
    longest = []
    items = [(nb, item) for notebooks in sources.values() for nb in notebooks for item in _choices(nb)]
    for nb, item in items:
        lengths = {letter: len(L.norm(text)) for letter, text in L.choice_options(nb)[item.item].items()}
        if all(lengths[item.expected] > n for letter, n in lengths.items() if letter != item.expected):
            longest.append(item.item)
    assert len(longest) <= len(items) / 2, f"the correct option is the longest in {len(longest)}/{len(items)}: {longest}"


# ---------------------------------------------------------------- the detector detects


@pytest.fixture
def planted(tmp_path):
    """A copy of some of what learners get (the m01 notebooks, a data file, a package folder) to plant leaks in."""
    for folder in ("release/m01_role", "practice/m01_role", "kefu/answers"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "data/standards.yaml", tmp_path / "data/standards.yaml")
    return tmp_path


def _add_cell(path, cell):
    nb = nbformat.read(str(path), as_version=4)
    nb.cells.append(cell)
    nbformat.write(nb, str(path))


def test_the_scanner_reports_planted_leaks(planted, secrets, sources):
    """Does each planted leak -- hidden line, solution line, digest, expected and reversed order, key file -- get reported?"""
    assert L.scan(L.public_files(planted), secrets) == []
    release = planted / "release/m01_role/m01_role.ipynb"
    practice = planted / "practice/m01_role/m01_role.ipynb"
    _add_cell(release, nbformat.v4.new_markdown_cell(
        'Hint: `kefu.grading.score_labels(q1_stages, ["售中", "售后", "售前", "售后", "售中", "售前"], 6)`'))
    _add_cell(practice, nbformat.v4.new_markdown_cell(
        '    q2_flow = ["丙", "戊",   "丁", "甲", "乙"]'))
    _add_cell(practice, nbformat.v4.new_code_cell("answer = ('自我控制', '细心', '责任心', '耐心', '同理心')"))
    with (planted / "data/standards.yaml").open("a", encoding="utf-8") as handle:
        handle.write(f"# saved: {_digest('m01_q6', 'C')}\n")
    (planted / "kefu/_steps.py").write_text(
        "STEPS = ['乙', '甲', '丁', '戊', '丙']\nKEY = {'m01_q6': 'C'}\n",
        encoding="utf-8")
    shutil.copy(ROOT / "source/m01_role" / KEY_FILE, planted / "practice/m01_role/kefu-answers.json")

    reported = {(leak.path, leak.item, leak.what) for leak in L.scan(L.public_files(planted), secrets)}
    for path, item, what in [
        ("release/m01_role/m01_role.ipynb", "m01_q1", "hidden-test line"),
        ("release/m01_role/m01_role.ipynb", "m01_q1", "expected labels"),
        ("practice/m01_role/m01_role.ipynb", "m01_q2", "solution line"),
        ("practice/m01_role/m01_role.ipynb", "m01_q3", "expected labels"),
        ("data/standards.yaml", "m01_q6", "answer digest of 'C'"),
        ("kefu/_steps.py", "m01_q2", "expected order, reversed"),
        ("kefu/_steps.py", "m01_q6", "item and answer"),
        ("practice/m01_role/kefu-answers.json", "m01_q6", "check digest of the key file"),
    ]:
        assert (path, item, what) in reported, (path, item, what)
    assert L.answer_files(planted) == ["practice/m01_role/kefu-answers.json"]


def test_a_checksum_of_the_hidden_cell_is_caught(planted, secrets, sources):
    """Were nbgrader to keep the checksum of a test cell from before ClearHiddenTests, would the checks catch it?"""
    release = planted / "release/m01_role/m01_role.ipynb"
    nb = nbformat.read(str(release), as_version=4)
    source = {c.id: c for c in sources["m01_role"][0].cells}
    for cell in nb.cells:
        if cell.id in ("m01-q1-test", "m01-q6-test"):  # a labelling of 6 messages, a four-way choice
            cell.metadata.nbgrader["checksum"] = L.compute_checksum(source[cell.id])
    nbformat.write(nb, str(release))

    assert L.checksum_mismatches(nb) == ["m01-q1-test", "m01-q6-test"]
    hexes = L.read_public(release, planted).hexes
    assert L.brute_force(L.guessable_items(sources["m01_role"][0]), hexes) == [
        ("m01_q1", ["售中", "售后", "售前", "售后", "售中", "售前"], "nbgrader checksum of the hidden test cell"),
        ("m01_q6", "C", "nbgrader checksum of the hidden test cell")]
    reported = {(leak.item, leak.what) for leak in L.scan([L.read_public(release, planted)], secrets)}
    assert {("m01_q1", "nbgrader checksum of the source cell"),
            ("m01_q6", "nbgrader checksum of the source cell")} <= reported


def test_the_scanner_reads_every_json_string_of_a_notebook(planted, secrets):
    """Is a secret hidden in cell metadata, an output or a notebook-level field found too?"""
    release = planted / "release/m01_role/m01_role.ipynb"
    document = json.loads(release.read_text(encoding="utf-8"))
    document["metadata"]["kefu"] = {"note": "q3_qualities = [\"自我控制\", \"细心\", \"责任心\", \"耐心\", \"同理心\"]"}
    document["cells"][1]["metadata"]["hint"] = _digest("m01_q6", "C")
    release.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    reported = {(leak.item, leak.what) for leak in L.scan([L.read_public(release, planted)], secrets)}
    assert ("m01_q3", "solution line") in reported
    assert ("m01_q6", "answer digest of 'C'") in reported

"""The answers of the graded items, and a scanner that looks for them in what learners can open.

Secrets come from ``source/`` only: the hidden-test and solution regions of each notebook (their
code lines and data literals), the expected values given to kefu.grading's scorers, the
graded-widget key files, and hashes from which an expected value or a hidden cell can be
recognised (including nbgrader's cell checksum). Anything the source shows outside those
regions (task text, setup cells, format checks) is public by design and is never a secret.

The scanner reads every file of the public folders -- for a notebook every string of its JSON:
sources, outputs, metadata, attachments -- and reports each secret it finds there.
"""

from __future__ import annotations

import ast
import base64
import csv
import hashlib
import io
import itertools
import json
import math
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml
from nbgrader.utils import compute_checksum, is_grade, is_locked, is_solution

from kefu.answers.store import KEY_FILE, _digest
from notebook_tools import HIDDEN, SOLUTION

PUBLIC_FOLDERS = ("release", "practice", "kefu", "data")
SCORERS = ("score_choice", "score_stored_choice", "score_labels", "score_order", "score_number")
IMPORT = re.compile(r"^(import [\w., ]+( as \w+)?|from [\w.]+ import [\w., ()*]+( as \w+)?)$")
HEX = re.compile(r"[0-9a-fA-F]{12,}")
MIN_LINE = 12  # shorter code lines (")", "return df", "else:") say nothing about an answer


@dataclass(frozen=True)
class Secret:
    item: str    # graded item, e.g. "m02_q1"
    what: str    # what it is, in words
    kind: str    # "line" (a code line), "text" (a substring), "literal" (a data value), "hex" (a hash)
    value: object
    scope: str = "all"  # "all" public files, or "notebooks" only


@dataclass(frozen=True)
class Leak:
    path: str
    item: str
    what: str
    found: str

    def __str__(self) -> str:
        return f"{self.path}: {self.item}: {self.what}: {self.found[:120]!r}"


# ---------------------------------------------------------------- normalising


def norm(line: str) -> str:
    return " ".join(line.split())


def canon(value):
    """A comparable form of a literal: numbers as floats, sequences as tuples, sets sorted."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, (int, float)):
        return "nan" if value != value else float(value)
    if isinstance(value, (list, tuple)):
        return tuple(canon(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return tuple(sorted((canon(v) for v in value), key=repr))
    return value


def _literal(node):
    """The value of a literal expression; a bare name (``_nan``) stands for itself."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _literal(node.operand)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [_literal(e) for e in node.elts]
    if isinstance(node, ast.Name):
        return f"<{node.id}>"
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "float"
            and len(node.args) == 1 and isinstance(node.args[0], ast.Constant)):
        return float(node.args[0].value)
    raise ValueError("not a literal")


def code_literals(code: str, *, pairs: bool = True) -> set:
    """Sequences (lists, tuples, sets and, with ``pairs``, key/value pairs of dicts) written in ``code``."""
    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError:
        tree = ast.parse("\n".join(l for l in textwrap.dedent(code).splitlines()
                                   if not l.lstrip().startswith(("%", "!"))))
    found = set()
    for node in ast.walk(tree):
        exprs = []
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            exprs = [node]
        elif isinstance(node, ast.Dict) and pairs:
            exprs = [ast.Tuple(elts=[k, v]) for k, v in zip(node.keys, node.values) if k is not None]
        for expr in exprs:
            try:
                value = canon(_literal(expr))
            except ValueError:
                continue
            found.add(value)
    return found


def data_literals(document) -> set:
    """Sequences and key/value pairs in a parsed YAML or JSON document."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(value, (dict, list)):
                    found.add((canon(key), canon(value)))
                walk(value)
        elif isinstance(node, list):
            if all(not isinstance(v, (dict, list)) for v in node):
                found.add(canon(node))
            for value in node:
                walk(value)

    walk(document)
    return found


def _cell_value(text: str):
    try:
        return float(text)
    except ValueError:
        return text


def csv_literals(text: str) -> set:
    return {canon([_cell_value(c) for c in row]) for row in csv.reader(io.StringIO(text)) if len(row) >= 2}


def strings_of(document) -> list:
    """Every string of a JSON document, keys included; a list of strings (a cell's lines) also joined."""
    out = []

    def walk(node):
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                out.append(key)
                walk(value)
        elif isinstance(node, list):
            if node and all(isinstance(v, str) for v in node):
                out.append("".join(node))
            for value in node:
                walk(value)

    walk(document)
    return out


# ---------------------------------------------------------------- what a learner can open


@dataclass
class PublicFile:
    path: str          # relative to the course root
    texts: list        # the strings to search
    hexes: set         # hex runs of 12 or more characters, lower case
    literals: set      # sequences written in code or data


def read_public(path: Path, root: Path) -> PublicFile:
    raw = path.read_bytes().decode("utf-8", errors="replace")
    texts, literals = [raw], set()
    if path.suffix == ".ipynb":
        document = json.loads(raw)
        texts = strings_of(document)
        for cell in document.get("cells", []):
            if cell.get("cell_type") == "code":
                source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
                try:
                    literals |= code_literals(source)
                except SyntaxError:
                    pass
    elif path.suffix == ".py":
        literals = code_literals(raw)
    elif path.suffix in (".yaml", ".yml"):
        for document in yaml.safe_load_all(raw):
            literals |= data_literals(document)
    elif path.suffix == ".json":
        literals = data_literals(json.loads(raw))
    elif path.suffix == ".csv":
        literals = csv_literals(raw)
    hexes = {h.lower() for text in texts for h in HEX.findall(text)}
    return PublicFile(str(path.relative_to(root)), texts, hexes, literals)


def public_files(root: Path, folders=PUBLIC_FOLDERS) -> list:
    """Every file under the public folders (byte-code caches are rebuilt from the .py files)."""
    paths = [p for folder in folders for p in sorted((root / folder).rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts]
    return [read_public(p, root) for p in paths]


# ---------------------------------------------------------------- secrets of source/


def text_of(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def item_of(cell) -> str:
    """``m01_q1_test`` -> ``m01_q1``; a cell without a graded grade id keeps its grade id."""
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
    match = re.match(r"(m\d{2}_q\d+)_", grade_id)
    return match.group(1) if match else grade_id or cell.get("id", "?")


def visible_text(cell) -> str:
    """What of a source cell the release may show: the cell without its hidden and solution regions."""
    return SOLUTION.sub("", HIDDEN.sub("", text_of(cell)))


def calls_named(code: str, names) -> list:
    """``(name, ast.Call)`` of each call of a function or method called one of ``names`` in ``code``."""
    calls = []
    for node in ast.walk(ast.parse(code)):  # hidden regions and test cells are top-level code
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in names:
                calls.append((name, node))
    return calls


def scorer_calls(region: str) -> list:
    """``(scorer name, ast.Call)`` of each kefu.grading scorer called in a hidden region."""
    return calls_named(region, SCORERS)


def hashes(text: str) -> dict:
    data = text.encode("utf-8")
    return {f"{name} of": hashlib.new(name, data).hexdigest() for name in ("md5", "sha1", "sha256")}


def value_hashes(value) -> dict:
    """Hashes of the usual serialisations of an expected value."""
    forms = {str(value), repr(value), json.dumps(value, ensure_ascii=False), json.dumps(value)}
    if isinstance(value, list):
        forms |= {",".join(map(str, value)), "|".join(map(str, value)), "".join(map(str, value))}
    out = {}
    for form in sorted(forms):
        for name, digest in hashes(form).items():
            out[f"{name} {form[:40]!r}"] = digest
    return out


def serialisations(value: list) -> set:
    """The ways a list of labels is written in code or data: JSON, Python, YAML flow style, base64 of JSON."""
    forms = {json.dumps(value, ensure_ascii=False), json.dumps(value), repr(value), repr(tuple(value)),
             json.dumps(value, ensure_ascii=False, separators=(",", ":")), "[" + ", ".join(map(str, value)) + "]"}
    return forms | {base64.b64encode(form.encode("utf-8")).decode("ascii") for form in forms if form.startswith("[")}


GENERIC_CODE = re.compile(r"^[\x00-\x7f]*$")


def _secret_line(item: str, label: str, line: str) -> Secret | None:
    """A hidden-test or solution line worth looking for, or None.

    A line carrying data (a quote, a digit, Chinese text) is looked for everywhere; a line of plain
    code (``frame[c] = pd.to_datetime(frame[c])``) may also be ordinary code of the kefu package,
    so it is looked for in notebooks only.
    """
    if len(line) < MIN_LINE or IMPORT.match(line):
        return None
    carries_data = re.search(r"[\"'\d]", line) or not GENERIC_CODE.match(line)
    return Secret(item, f"{label} line", "line", line, "all" if carries_data else "notebooks")


def _specific(value) -> bool:
    """A data sequence that identifies something: two or more specific elements.

    Specific: a string of two or more characters other than True/False/None, a number with a
    fraction, or a number of 10 or more. ``[1, 1, 2]`` or ``("False", "True")`` identify nothing.
    """
    def specific(v):
        if isinstance(v, str):
            return len(v) >= 2 and v not in ("True", "False", "None", "nan") and not v.startswith("<")
        return isinstance(v, float) and (v != int(v) or abs(v) >= 10)
    return isinstance(value, tuple) and sum(1 for v in value if specific(v)) >= 2


@dataclass
class Visible:
    """What the source notebooks show outside their hidden and solution regions: public by design."""
    lines: set
    literals: set

    @classmethod
    def of(cls, notebooks) -> "Visible":
        cells = [c for nb in notebooks for c in nb.cells]
        text = "\n".join(visible_text(c) for c in cells)
        literals = set()
        for cell in cells:
            if cell.cell_type == "code":
                literals |= code_literals(visible_text(cell))
        return cls({norm(l) for l in text.splitlines()}, literals)


def source_secrets(source_nb, visible: Visible) -> list:
    """Every secret of one source notebook's hidden-test and solution regions."""
    secrets = []
    for cell in source_nb.cells:
        item, text = item_of(cell), text_of(cell)
        regions = [("hidden-test", r) for r in HIDDEN.findall(text)] + [("solution", r)
                                                                         for r in SOLUTION.findall(text)]
        for label, region in regions:
            for line in {norm(l) for l in region.splitlines()} - visible.lines:
                secret = _secret_line(item, label, line)
                if secret:
                    secrets.append(secret)
            if cell.cell_type == "code":
                for value in code_literals(region, pairs=False) - visible.literals:
                    if _specific(value):
                        secrets.append(Secret(item, f"{label} data", "literal", value))
        if regions:
            for name, digest in hashes(text).items():
                secrets.append(Secret(item, f"{name} the source cell", "hex", digest))
            if "nbgrader" in cell.metadata:
                secrets.append(Secret(item, "nbgrader checksum of the source cell", "hex",
                                      compute_checksum(cell)))
        for region in HIDDEN.findall(text):
            for scorer, call in scorer_calls(region):
                secrets += expected_secrets(item, scorer, _literal(call.args[1]))
    return secrets


def key_secrets(raw: str) -> list:
    """The secrets of a graded-widget key file (kefu-answers.key.json): its entries, digests and hashes."""
    secrets = [Secret("key file", f"{name} the key file", "hex", digest) for name, digest in hashes(raw).items()]
    for item, entry in json.loads(raw)["answers"].items():
        secrets.append(Secret(item, "check digest of the key file", "hex", entry["check"]))
        if "record" in entry:  # a drill's saved record (kefu.answers.records), e.g. the M12 shift
            secrets.append(Secret(item, "key record", "literal", canon((item, json.dumps(entry["record"],
                                                                                      sort_keys=True)))))
            continue
        secrets.append(Secret(item, "key entry", "literal", canon((item, entry["value"]))))
    return secrets


def expected_secrets(item: str, scorer: str, expected) -> list:
    """The expected value of one scorer call, its hashes, its digest and its serialisations."""
    out = [Secret(item, f"hash of the expected value ({label})", "hex", digest)
           for label, digest in value_hashes(expected).items()]
    if scorer in ("score_choice", "score_stored_choice"):
        out.append(Secret(item, f"answer digest of {expected!r}", "hex", _digest(item, expected)))
        out.append(Secret(item, "item and answer", "literal", canon((item, expected))))
    if scorer in ("score_labels", "score_order"):
        out += [Secret(item, f"expected {scorer[6:]}", "text", form) for form in serialisations(expected)]
        out.append(Secret(item, f"expected {scorer[6:]}", "literal", canon(expected)))
    if scorer == "score_order":
        out.append(Secret(item, "expected order, reversed", "literal", canon(expected[::-1])))
    return out


def source_notebooks(root: Path, assignments) -> dict:
    """{assignment: [notebook, …]} of source/."""
    return {name: [nbformat.read(str(p), as_version=4) for p in sorted((root / "source" / name).glob("*.ipynb"))]
            for name in assignments}


def course_secrets(root: Path, assignments) -> list:
    """The secrets of every graded item and key file of the course."""
    notebooks = source_notebooks(root, assignments)
    visible = Visible.of(nb for nbs in notebooks.values() for nb in nbs)
    secrets = []
    for name, nbs in notebooks.items():
        for nb in nbs:
            secrets += source_secrets(nb, visible)
        key = root / "source" / name / KEY_FILE
        if key.exists():
            secrets += key_secrets(key.read_text(encoding="utf-8"))
    return list(dict.fromkeys(secrets))


# ---------------------------------------------------------------- the scan


def scan(files: list, secrets: list) -> list:
    """Each secret found in each public file."""
    leaks = []
    texts_of = {f.path: "\n".join(f.texts) for f in files}
    normalised = {f.path: norm(texts_of[f.path]) for f in files}
    for f in files:
        notebook = f.path.endswith(".ipynb")
        for secret in secrets:
            if secret.scope == "notebooks" and not notebook:
                continue
            found = None
            if secret.kind == "line" and secret.value in normalised[f.path]:
                found = secret.value
            elif secret.kind == "text" and (secret.value in texts_of[f.path]
                                            or norm(secret.value) in normalised[f.path]):
                found = secret.value
            elif secret.kind == "literal" and secret.value in f.literals:
                found = repr(secret.value)
            elif secret.kind == "hex":
                found = next((h for h in f.hexes if h in secret.value or secret.value in h), None)
            if found is not None:
                leaks.append(Leak(f.path, secret.item, secret.what, found))
    return leaks


# ---------------------------------------------------------------- brute force of guessable items

CHECKS = {"score_choice": "check_choice", "score_labels": "check_labels", "score_order": "check_order"}
MAX_CANDIDATES = 200_000  # 7 labels for 6 messages: 117,649 labellings


@dataclass(frozen=True)
class GuessableItem:
    """A graded item whose possible answers can be listed: a choice, a labelling or an order."""

    item: str
    scorer: str
    expected: object
    cell: object                # the source test cell
    region: str                 # its hidden region
    call: ast.Call              # the scorer call in the region
    options: tuple              # the options, labels or steps the format check allows
    count: int = 1              # how many labels a labelling has

    def size(self) -> int:
        if self.scorer == "score_order":
            return math.factorial(len(self.options))
        return len(self.options) ** self.count if self.scorer == "score_labels" else len(self.options)

    def allows(self, answer) -> bool:
        """Would the format check accept ``answer``?"""
        if self.scorer == "score_order":
            return sorted(answer) == sorted(self.options)
        if self.scorer == "score_labels":
            return len(answer) == self.count and set(answer) <= set(self.options)
        return answer in self.options

    def candidates(self):
        if self.scorer == "score_order":
            return (list(p) for p in itertools.permutations(self.options))
        if self.scorer == "score_labels":
            return (list(p) for p in itertools.product(self.options, repeat=self.count))
        return iter(self.options)

    def _literal_bytes(self, answer) -> bytes:
        """``answer`` written as the expected argument is written in the source."""
        if isinstance(answer, str):
            quote = self._split()[1][:1]
            return quote + answer.encode("utf-8") + quote
        return json.dumps(answer, ensure_ascii=False).encode("utf-8")

    def _split(self) -> tuple:
        """The cell source (UTF-8) as (before, expected argument, after)."""
        arg = self.call.args[1]
        source = text_of(self.cell).encode("utf-8")
        start = source.index(self.region.encode("utf-8"))
        start += sum(len(l) for l in self.region.encode("utf-8").splitlines(keepends=True)[:arg.lineno - 1])
        return (source[:start + arg.col_offset], source[start + arg.col_offset:start + arg.end_col_offset],
                source[start + arg.end_col_offset:])

    def source_with(self, answer) -> str:
        """The source of the test cell as it would read if ``answer`` were the expected answer."""
        before, _, after = self._split()
        return (before + self._literal_bytes(answer) + after).decode("utf-8")

    def fingerprinter(self):
        """A function: candidate answer -> {what: hex digest} of everything derived from the hidden cell.

        The nbgrader checksum is nbgrader.utils.compute_checksum spelled out as one md5 over the
        source and the cell's metadata, so that a hundred thousand candidates take a second;
        ``nbgrader_checksum_matches`` proves the two agree. Hashes continue from the common start.
        """
        before, expected, after = self._split()
        region = self.region.encode("utf-8")
        region_start = (before + expected + after).index(region)
        region_after = after[:region_start + len(region) - len(before) - len(expected)]
        meta = self.cell.metadata.nbgrader
        tail = (self.cell.cell_type + str(is_grade(self.cell)) + str(is_solution(self.cell))
                + str(is_locked(self.cell)) + meta["grade_id"]
                + (str(float(meta["points"])) if is_grade(self.cell) else "")).encode("utf-8")
        names = ("md5", "sha1", "sha256")
        cell_start = {name: hashlib.new(name, before) for name in names}
        hidden_start = {name: hashlib.new(name, before[region_start:]) for name in names}
        quoted = {option: json.dumps(option, ensure_ascii=False) for option in self.options}

        def prints(answer) -> dict:
            if isinstance(answer, str):
                literal = self._literal_bytes(answer)
            else:  # json.dumps of the list, from its quoted elements
                literal = ("[" + ", ".join(quoted[a] for a in answer) + "]").encode("utf-8")
            out = {}
            for name in names:
                digest = hidden_start[name].copy()
                digest.update(literal + region_after)
                out[f"{name} of the hidden region"] = digest.hexdigest()
                digest = cell_start[name].copy()
                digest.update(literal + after)
                out[f"{name} of the hidden test cell"] = digest.hexdigest()
                if name == "md5":
                    digest.update(tail)
                    out["nbgrader checksum of the hidden test cell"] = digest.hexdigest()
            if isinstance(answer, str):
                out["answer digest"] = _digest(self.item, answer)
                for form in {answer, json.dumps(answer)}:
                    for name, digest in hashes(form).items():
                        out[f"{name} {form}"] = digest
            return out

        return prints

    def nbgrader_checksum_matches(self) -> bool:
        """Does the spelled-out checksum of the expected answer equal nbgrader's checksum of the source cell?"""
        return (self.fingerprinter()(self.expected)["nbgrader checksum of the hidden test cell"]
                == compute_checksum(self.cell))


def _named_values(cells) -> dict:
    """{NAME: value} of the top-level ``NAME = <literal>`` assignments in the visible code of ``cells``."""
    names = {}
    for cell in cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(visible_text(cell))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                try:
                    names[node.targets[0].id] = _literal(node.value)
                except ValueError:
                    pass
    return names


def guessable_items(source_nb) -> list:
    """The choice, labels and order items of a source notebook with the answers their format check allows."""
    names = _named_values(source_nb.cells)
    items = []
    for cell in source_nb.cells:
        for region in HIDDEN.findall(text_of(cell)):
            for scorer, call in scorer_calls(region):
                count = 1
                if scorer == "score_stored_choice":
                    options = _literal(call.args[3])
                elif scorer in CHECKS:
                    checks = calls_named(visible_text(cell), (CHECKS[scorer],))
                    if not checks:
                        continue
                    check = checks[0][1]
                    options = _literal(check.args[1])
                    if isinstance(options, str):  # a name such as STAGES
                        options = names[options.strip("<>")]
                    count = next((k.value.value for k in check.keywords if k.arg == "count"), 1)
                else:
                    continue
                items.append(GuessableItem(item_of(cell), scorer, _literal(call.args[1]), cell, region, call,
                                           tuple(options), count))
    return items


def brute_force(items: list, hexes: set) -> list:
    """``(item, candidate, fingerprint)`` for each fingerprint of a candidate answer found in ``hexes``.

    A public hex run counts when it is a fingerprint or the start of one (a truncated digest).
    """
    lengths = sorted({len(h) for h in hexes})
    found = []
    for guessable in items:
        prints = guessable.fingerprinter()
        for answer in itertools.islice(guessable.candidates(), MAX_CANDIDATES):
            for name, digest in prints(answer).items():
                for n in lengths:
                    if digest[:n] in hexes:
                        found.append((guessable.item, answer, name))
                        break
    return found


def checksum_mismatches(notebook) -> list:
    """Cells whose nbgrader checksum is not the checksum of the cell as it stands (it encodes other text)."""
    return [cell.get("id", "?") for cell in notebook.cells
            if "checksum" in cell.metadata.get("nbgrader", {})
            and cell.metadata.nbgrader["checksum"] != compute_checksum(cell)]


ANSWER_FILES = ("kefu-answers*.json", "*.key.json", ".kefu-answers-*")


def answer_files(root: Path, folders=PUBLIC_FOLDERS) -> list:
    """Answers or key files of graded widgets under the public folders."""
    return sorted(str(p.relative_to(root)) for folder in folders for pattern in ANSWER_FILES
                  for p in (root / folder).rglob(pattern))


OPTION = re.compile(r"^- \*\*([A-Z])\.\*\*\s*(.*)$")


def choice_options(source_nb) -> dict:
    """{item: {letter: option text}} from the ``- **A.** …`` lines of task cells and graded_choice calls."""
    options = {}
    for cell in source_nb.cells:
        item = item_of(cell)
        if cell.cell_type == "markdown":
            current = None
            for line in text_of(cell).splitlines():
                match = OPTION.match(line.strip())
                if match:
                    current = match.group(1)
                    options.setdefault(item, {})[current] = match.group(2)
                elif current and line.startswith((" ", "\t")) and line.strip():
                    options[item][current] += line.strip()
                else:
                    current = None
        elif "graded_choice(" in text_of(cell):
            for _, call in calls_named(visible_text(cell), ("graded_choice",)):
                letters = [chr(ord("A") + i) for i in range(len(call.args[2].elts))]
                options[_literal(call.args[0])] = dict(zip(letters, _literal(call.args[2])))
    return options

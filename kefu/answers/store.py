"""Answers chosen in graded widgets, kept in a file beside the notebook.

nbgrader re-executes a notebook when it autogrades, so a click in a widget
would be lost. The kernel therefore writes each graded choice, the moment it
is made, to ``kefu-answers.json`` in the notebook's folder (the kernel's
working directory in JupyterLab and in nbgrader). nbgrader submits, collects
and copies that file with the notebook, and the hidden tests read it back.

In ``source/`` the instructor's key lives in ``kefu-answers.key.json``; the
course's nbgrader_config.py ignores ``*.key.json``, so nbgrader never copies
it into ``release/``, a submission or ``autograded/``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

FORMAT = "kefu-answers/1"
ANSWERS_FILE = "kefu-answers.json"
KEY_FILE = "kefu-answers.key.json"

NOT_ANSWERED = "还没有作答:请在上面的选项中点选一个答案(选中即自动保存)。"


@dataclass(frozen=True)
class StoredChoice:
    """What the answers file says about one item: a value, or why there is none."""

    value: str | None
    problem: str | None = None
    saved_at: str | None = None


def _digest(item_id: str, value: str) -> str:
    """Detects hand edits and damage; it is computed from the learner's own choice, not from a key."""
    return hashlib.sha256(f"{FORMAT}|{item_id}|{value}".encode("utf-8")).hexdigest()[:16]


def _folder(folder) -> Path:
    return Path(folder) if folder is not None else Path.cwd()


def answers_file(folder=None) -> Path:
    """The file this folder's answers are read from and written to.

    The learner's ``kefu-answers.json`` when it exists; otherwise the
    instructor's key when there is one (so clicks in ``source/`` edit the key
    and never leave an answers file there); otherwise a new answers file.
    """
    base = _folder(folder)
    own, key = base / ANSWERS_FILE, base / KEY_FILE
    if not own.exists() and key.exists():
        return key
    return own


def _read_document(path: Path):
    """The parsed file, or a problem sentence when it cannot be used."""
    name = path.name
    damaged = (f"答案文件 {name} 已损坏({{}}),其中的选择题一律按未作答处理。"
               "请重新运行选择题所在的单元格,再选一次答案。")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, damaged.format("不是 UTF-8 文本")
    except OSError as exc:
        return None, damaged.format(f"无法读取:{exc.strerror}")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, damaged.format(f"第 {exc.lineno} 行不是有效的 JSON")
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("answers"), dict):
        return None, damaged.format("内容格式不对")
    return doc, None


def read_answer(item_id: str, *, folder=None, options=None) -> StoredChoice:
    """The stored choice for ``item_id``; a tampered or malformed one counts as no answer."""
    path = answers_file(folder)
    if not path.exists():
        return StoredChoice(None, NOT_ANSWERED)
    doc, problem = _read_document(path)
    if problem:
        return StoredChoice(None, problem)
    entry = doc["answers"].get(item_id)
    if entry is None:
        return StoredChoice(None, NOT_ANSWERED)
    tampered = f"{item_id} 保存的答案被手动改动过或已损坏,按未作答处理。请在选项中重新选一次。"
    if not isinstance(entry, dict) or type(entry.get("value")) is not str or type(entry.get("check")) is not str:
        return StoredChoice(None, tampered)
    value = entry["value"]
    if entry["check"] != _digest(item_id, value):
        return StoredChoice(None, tampered)
    if options is not None and value not in options:
        return StoredChoice(None, f"{item_id} 保存的答案 “{value[:20]}” 不是本题的选项,按未作答处理。请重新选择。")
    saved_at = entry.get("saved_at") if type(entry.get("saved_at")) is str else None
    return StoredChoice(value, None, saved_at)


def save_answer(item_id: str, value: str, *, folder=None) -> Path:
    """Store ``value`` for ``item_id`` atomically, keeping the other answers."""
    if type(value) is not str or type(item_id) is not str:
        raise TypeError("item_id and value must be str")
    path = answers_file(folder)
    doc, problem = _read_document(path) if path.exists() else (None, None)
    answers = dict(doc["answers"]) if doc else {}  # a damaged file is replaced, not merged
    answers[item_id] = {"value": value, "saved_at": datetime.now().isoformat(timespec="seconds"),
                        "check": _digest(item_id, value)}
    return _write_answers(path, answers)


def _write_answers(path: Path, answers: dict) -> Path:
    """Write the answers file atomically (a crash leaves the old file or the new one, never half)."""
    text = json.dumps({"format": FORMAT, "answers": dict(sorted(answers.items()))},
                      ensure_ascii=False, indent=2) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".kefu-answers-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def submit_key(source_folder, dest_folder) -> Path | None:
    """Put the instructor's key into ``dest_folder`` as a learner's answers file.

    Used to submit the solutions as a student (grade-demo, tests): nbgrader
    ignores ``*.key.json``, so the key itself would never reach autograded/.
    """
    key = Path(source_folder) / KEY_FILE
    if not key.exists():
        return None
    target = Path(dest_folder) / ANSWERS_FILE
    target.write_bytes(key.read_bytes())
    return target

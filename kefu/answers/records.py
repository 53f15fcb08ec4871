"""Records of graded drills (e.g. a ``kefu.multichat`` shift) kept in ``kefu-answers.json``.

A record is a JSON object (the drill's settings and the learner's actions, see
:meth:`kefu.scenarios.desk.Desk.record`). It is stored under its item id next to
the choices of graded widgets, as ``{"record": …, "saved_at": …, "check": …}``;
the check detects hand edits and damage. Item analysis of choices skips these
entries (they have no ``value``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from .store import _read_document, _write_answers, answers_file

RECORD_KIND = "kefu-record/1"

NOT_PLAYED = "还没有保存的记录:请在上面的组件里完成练习(每次操作都会自动保存)。"


@dataclass(frozen=True)
class StoredRecord:
    """What the answers file says about one record: the record, or why there is none."""

    record: dict | None
    problem: str | None = None
    saved_at: str | None = None


def canonical(record) -> str:
    """The record as compact JSON with sorted keys: what the check is computed from."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _digest(item_id: str, record) -> str:
    return hashlib.sha256(f"{RECORD_KIND}|{item_id}|{canonical(record)}".encode("utf-8")).hexdigest()[:16]


def save_record(item_id: str, record: dict, *, folder=None):
    """Store ``record`` for ``item_id`` atomically, keeping the other answers."""
    if type(item_id) is not str or not isinstance(record, dict):
        raise TypeError("item_id must be str and record a dict")
    path = answers_file(folder)
    doc, _problem = _read_document(path) if path.exists() else (None, None)
    answers = dict(doc["answers"]) if doc else {}
    answers[item_id] = {"record": record, "saved_at": datetime.now().isoformat(timespec="seconds"),
                        "check": _digest(item_id, record)}
    return _write_answers(path, answers)


def read_record(item_id: str, *, folder=None) -> StoredRecord:
    """The stored record of ``item_id``; an edited or damaged one counts as not played."""
    path = answers_file(folder)
    if not path.exists():
        return StoredRecord(None, NOT_PLAYED)
    doc, problem = _read_document(path)
    if problem:
        return StoredRecord(None, problem.replace("其中的选择题一律按未作答处理", "其中的记录一律按未完成处理"))
    entry = doc["answers"].get(item_id)
    if entry is None:
        return StoredRecord(None, NOT_PLAYED)
    tampered = f"{item_id} 保存的记录被手动改动过或已损坏,按未完成处理。请重新运行组件所在的单元格,再做一遍。"
    if not isinstance(entry, dict) or not isinstance(entry.get("record"), dict) or type(entry.get("check")) is not str:
        return StoredRecord(None, tampered)
    try:
        ok = entry["check"] == _digest(item_id, entry["record"])
    except (TypeError, ValueError):
        ok = False
    if not ok:
        return StoredRecord(None, tampered)
    saved_at = entry.get("saved_at") if type(entry.get("saved_at")) is str else None
    return StoredRecord(entry["record"], None, saved_at)

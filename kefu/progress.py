"""Self-study progress: which practice items a learner has done, kept between sessions.

Each practice widget records an attempt in ``kefu-progress.json`` beside the
notebook (the kernel's working directory); ``show_progress(module)`` turns it
into a table. Progress never affects grading.
"""

from __future__ import annotations

from ._style import STYLE_TAG

import html
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

FORMAT = "kefu-progress/1"
PROGRESS_FILE = "kefu-progress.json"


def _path(folder=None) -> Path:
    return (Path(folder) if folder is not None else Path.cwd()) / PROGRESS_FILE


def _attempts(entry: dict) -> int:
    try:
        return max(int(entry.get("attempts", 0)), 0)
    except (TypeError, ValueError, OverflowError):
        return 0


def load_progress(folder=None) -> dict:
    """{item id: {"attempts", "correct", "last"}}; a damaged file or entry counts as empty."""
    try:
        doc = json.loads(_path(folder).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    items = doc.get("items") if isinstance(doc, dict) and doc.get("format") == FORMAT else None
    if not isinstance(items, dict):
        return {}
    return {str(k): {"attempts": _attempts(v), "correct": v.get("correct") is True, "last": v.get("last")}
            for k, v in items.items() if isinstance(v, dict)}


def record(item_id: str, correct: bool, *, folder=None) -> None:
    """Count one attempt at a practice item; once correct, it stays done. Never raises."""
    try:
        items = load_progress(folder)
        entry = items.get(item_id, {})
        items[item_id] = {"attempts": _attempts(entry) + 1,
                          "correct": bool(entry.get("correct")) or bool(correct),
                          "last": datetime.now().isoformat(timespec="seconds")}
        path = _path(folder)
        fd, tmp = tempfile.mkstemp(prefix=".kefu-progress-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"format": FORMAT, "items": items}, handle, ensure_ascii=False, indent=2)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # progress is a convenience: a read-only folder must not break an exercise


def module_items(module: str) -> list[tuple[str, str, str]]:
    """(id, kind, title) of every practice item and scenario of a module, e.g. ``"m01"``."""
    from .widgets.practice_bank import load_practice

    rows = [(i.id, i.kind, i.title) for i in load_practice(module)]
    try:
        from .scenarios import load_all
    except ImportError:  # pragma: no cover - scenarios are optional in a trimmed install
        return rows
    number = module.upper()
    rows += [(f"scenario:{s.id}", "情景对话", s.title) for s in load_all() if s.module == number]
    return rows


class ProgressView:
    """A table of a module's practice items and how far the learner has got."""

    def __init__(self, module: str, folder=None):
        self.module = module
        done = load_progress(folder)
        self.rows = []
        for item_id, kind, title in module_items(module):
            entry = done.get(item_id)
            status = "未做" if not entry else ("已掌握" if entry.get("correct") else "做过,还没做对")
            self.rows.append((title, kind, status, entry["attempts"] if entry else 0))

    @property
    def mastered(self) -> int:
        return sum(1 for r in self.rows if r[2] == "已掌握")

    def __str__(self) -> str:
        lines = [f"{self.module.upper()} 自学进度:已掌握 {self.mastered}/{len(self.rows)}"]
        lines += [f"  [{status}] {title}({kind},尝试 {n} 次)" for title, kind, status, n in self.rows]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colours = {"已掌握": "#1a7f37", "做过,还没做对": "#b54708", "未做": "#667085"}
        body = "".join(
            f"<tr><td>{html.escape(t)}</td><td>{html.escape(k)}</td>"
            f"<td style='color:{colours[s]}'>{s}</td><td style='text-align:right'>{n}</td></tr>"
            for t, k, s, n in self.rows)
        return (f"{STYLE_TAG}<div class='kefu-progress'><b>{self.module.upper()} 自学进度:已掌握 {self.mastered}/"
                f"{len(self.rows)}</b><table><tr><th>练习</th><th>类型</th><th>状态</th><th>尝试次数</th></tr>"
                f"{body}</table></div>")


def show_progress(module: str) -> ProgressView:
    return ProgressView(module)

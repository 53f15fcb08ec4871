"""Validation of source notebooks (the rules of docs/AUTHORING.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
import json
import re
from pathlib import Path

import nbformat

from .rules import RULES, is_answer, is_manual, is_test

__all__ = ["NotebookReport", "check_notebook", "check_course", "is_answer", "is_test", "is_manual"]


@dataclass
class NotebookReport:
    """What one source notebook breaks, and what it is worth."""

    path: Path
    problems: list = field(default_factory=list)
    auto_points: float = 0.0
    manual_points: float = 0.0
    grade_ids: list = field(default_factory=list)
    widget_items: list = field(default_factory=list)  # graded choice widgets whose key must exist
    fixed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def _read(path: Path):
    """Parse without nbformat's silent repairs (it would rewrite duplicate ids)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return None, "不是 UTF-8 编码的文件"
    except (json.JSONDecodeError, OSError) as exc:
        return None, f"无法读取为笔记本({type(exc).__name__}: {str(exc).splitlines()[0][:200]})"
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        return None, "无法读取为笔记本(JSON 中没有 cells 列表)"
    from nbformat.v4.rwbase import rejoin_lines

    return rejoin_lines(nbformat.from_dict(raw)), None


_STORED = re.compile(r"check_stored_choice\(\s*[\"'](\w+)[\"']")


def check_notebook(path: Path, *, fix: bool = False) -> NotebookReport:
    """Run every rule on one notebook; with ``fix``, apply mechanical fixes and save."""
    report = NotebookReport(Path(path))
    nb, error = _read(report.path)
    if error:
        report.problems.append(error)
        return report
    if fix:
        changed = any([rule.fix(nb) for rule in RULES if hasattr(rule, "fix")])
        if changed:
            nbformat.write(nb, str(report.path))
            report.fixed = True
    for rule in RULES:
        report.problems += rule.check(nb)
    for cell in nb.cells:
        report.widget_items += _STORED.findall(cell.get("source", ""))
        meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
        if meta.get("grade_id"):
            report.grade_ids.append(meta["grade_id"])
        if meta.get("grade") and isinstance(meta.get("points"), (int, float)):
            if is_manual(cell):
                report.manual_points += meta["points"]
            else:
                report.auto_points += meta["points"]
    return report


def answer_file_problems(report: NotebookReport) -> list[str]:
    """Source folders hold the widget key (kefu-answers.key.json), never a learner's answers file."""
    from ..answers import ANSWERS_FILE, KEY_FILE, read_answer

    folder, problems = report.path.parent, []
    if (folder / ANSWERS_FILE).exists():
        problems.append(f"{folder.name}/{ANSWERS_FILE} 不应放在 source/ 中(nbgrader 会把它复制进学生版):"
                        f"请把它改名为 {KEY_FILE} 作为答案键,或删除")
    for item in sorted(set(report.widget_items)):
        stored = read_answer(item, folder=folder)
        if stored.value is None and not (folder / ANSWERS_FILE).exists():
            problems.append(f"选择题组件 {item} 在 {KEY_FILE} 中没有有效的答案键:请在源笔记本里运行该组件并点选正确选项")
    return problems


def check_course(source_dir: Path, *, fix: bool = False) -> list[NotebookReport]:
    """Check every notebook under ``source/``, including grade ids unique across the course."""
    reports = [check_notebook(p, fix=fix) for p in sorted(Path(source_dir).glob("*/*.ipynb"))
               if ".ipynb_checkpoints" not in p.parts]
    for report in reports:
        report.problems += answer_file_problems(report)
    owner: dict[str, Path] = {}
    for report in reports:
        for gid in report.grade_ids:
            if gid in owner and owner[gid] != report.path:
                report.problems.append(f"grade_id {gid!r} 与 {owner[gid]} 重复")
            owner.setdefault(gid, report.path)
    return reports

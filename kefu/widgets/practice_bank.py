"""Practice items (not graded) read from ``data/practice/<module>.yaml``."""

from __future__ import annotations

from dataclasses import dataclass

from ..data import load_yaml
from ..errors import DataFileMalformed


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool
    explanation: str


@dataclass(frozen=True)
class PracticeItem:
    id: str
    title: str
    buyer: str
    options: tuple
    context: str = ""


def _fail(module: str, problem: str):
    raise DataFileMalformed(f"data/practice/{module}.yaml", problem,
                            fix="请对照 docs/AUTHORING.md 中“练习题”一节修正。")


def load_practice(module: str) -> list[PracticeItem]:
    """All practice items of a module, validated."""
    doc = load_yaml(f"practice/{module}.yaml")
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list) or not doc["items"]:
        _fail(module, "顶层必须有非空的 items: 列表")
    items, seen = [], set()
    for n, raw in enumerate(doc["items"], start=1):
        if not isinstance(raw, dict):
            _fail(module, f"items 的第 {n} 项不是映射")
        for key in ("id", "title", "buyer", "options"):
            if key not in raw:
                _fail(module, f"第 {n} 题缺少字段 {key}")
        if raw["id"] in seen:
            _fail(module, f"题目 id {raw['id']} 重复")
        seen.add(raw["id"])
        options = []
        for m, opt in enumerate(raw["options"] or [], start=1):
            if not isinstance(opt, dict) or not {"text", "explanation"} <= set(opt):
                _fail(module, f"题目 {raw['id']} 的第 {m} 个选项要有 text 和 explanation")
            options.append(Option(str(opt["text"]), bool(opt.get("correct", False)), str(opt["explanation"])))
        if len(options) < 2:
            _fail(module, f"题目 {raw['id']} 至少要有 2 个选项")
        if not any(o.correct for o in options):
            _fail(module, f"题目 {raw['id']} 没有标记 correct: true 的选项")
        items.append(PracticeItem(str(raw["id"]), str(raw["title"]), str(raw["buyer"]),
                                  tuple(options), str(raw.get("context", ""))))
    return items

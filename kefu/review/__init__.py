"""Automatic, non-scoring feedback on a written customer-service reply."""

from __future__ import annotations

from .._style import STYLE_TAG

import html
from dataclasses import dataclass

from ..data import load_yaml
from ..errors import DataFileMalformed
from .rules import Finding, ForbiddenTerms, LengthLimit, RequiredElement

__all__ = ["review_reply", "Review", "Finding"]

RULES_FILE = "reply_rules.yaml"


@dataclass
class Review:
    """The findings on one reply; shows itself as a list in a notebook."""

    task_name: str
    findings: list

    @property
    def problems(self) -> list:
        return [f for f in self.findings if not f.ok]

    def lines(self) -> list[str]:
        out = [f"自动反馈 · {self.task_name}(不计分,最终由老师按评分标准评分)"]
        for f in self.findings:
            out.append(f"{'✓' if f.ok else '×'} {f.message}" + (f" —— 建议:{f.advice}" if f.advice and not f.ok else ""))
        if not self.problems:
            out.append("没有发现问题。再读一遍:语气是否亲切、信息是否准确?")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head, *items = self.lines()
        rows = "".join(
            f"<li style='color:{'#1a7f37' if l.startswith('✓') else '#b42318' if l.startswith('×') else '#444'}'>"
            f"{html.escape(l)}</li>" for l in items)
        return f"{STYLE_TAG}<div class='kefu-review'><b>{html.escape(head)}</b><ul>{rows}</ul></div>"


def _forbidden_rules(doc) -> list[ForbiddenTerms]:
    rules = []
    for entry in doc.get("forbidden") or []:
        try:
            rules.append(ForbiddenTerms(**entry))
        except TypeError as exc:
            raise DataFileMalformed(f"data/{RULES_FILE}", f"forbidden 中的规则 {entry.get('id', '?')} 字段不对({exc})") from exc
    return rules


def _element(task: str, element) -> RequiredElement:
    """A required element, with every phrase a non-empty string (a bare ~ in YAML is null)."""
    name = element.get("id", "?") if isinstance(element, dict) else repr(element)
    where = f"tasks.{task}.required 中的 {name}"
    if not isinstance(element, dict) or not {"id", "name", "any_of"} <= set(element):
        raise DataFileMalformed(f"data/{RULES_FILE}", f"{where} 要有 id、name 和 any_of")
    for key in ("any_of", "none_of"):
        phrases = element.get(key, [])
        if not isinstance(phrases, list) or not all(isinstance(p, str) and p for p in phrases):
            raise DataFileMalformed(f"data/{RULES_FILE}", f"{where} 的 {key} 必须是非空文字的列表",
                                    fix="YAML 里单独的 ~ 表示“空”,要写成带引号的 \"~\"。")
    return RequiredElement(**{k: element[k] for k in ("id", "name", "any_of", "none_of") if k in element})


def review_reply(text, task: str) -> Review:
    """Check ``text`` against the forbidden terms and the task's required elements."""
    doc = load_yaml(RULES_FILE)
    tasks = doc.get("tasks") or {}
    if task not in tasks:
        raise KeyError(f"data/{RULES_FILE} 中没有练习 {task!r};已有:{'、'.join(tasks)}")
    spec = tasks[task]
    if not isinstance(text, str) or not text.strip():
        return Review(spec["name"], [Finding("empty", False, "还没有写回复:请把回复写在上面的字符串里。")])
    findings: list[Finding] = []
    remaining = text
    for rule in _forbidden_rules(doc):  # order matters: specific rules first, "最" last
        findings += rule.check(remaining)
        remaining = rule.mask(remaining)
    for element in spec.get("required") or []:
        findings += _element(task, element).check(text)
    if spec.get("max_chars"):
        findings += LengthLimit(int(spec["max_chars"])).check(text)
    return Review(spec["name"], findings)

"""Practice items (not graded) read from ``data/practice/<module>.yaml``.

Each item has a ``type``: ``choice`` (the default: a buyer writes, pick a
reply), ``labels`` (classify several messages), ``order`` (put steps in
order), ``number`` (compute a figure), ``function`` (write a pandas
function, checked on the item's cases) or ``shift`` (play a simulated shift
of ``kefu.shift`` with the item's ``seed``). Practice items carry their answers
and explanations: they teach, and are never reused as graded items.
"""

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
    """type: choice."""

    id: str
    title: str
    buyer: str
    options: tuple
    context: str = ""
    kind = "情景选择"


@dataclass(frozen=True)
class LabelQuestion:
    text: str
    answer: str
    explanation: str


@dataclass(frozen=True)
class LabelsItem:
    id: str
    title: str
    prompt: str
    labels: tuple
    questions: tuple
    kind = "分类"


@dataclass(frozen=True)
class OrderItem:
    id: str
    title: str
    prompt: str
    steps: tuple  # in the right order
    explanation: str
    kind = "排序"


@dataclass(frozen=True)
class NumberItem:
    id: str
    title: str
    prompt: str
    answer: float
    tolerance: float
    explanation: str
    unit: str = ""
    kind = "计算"


@dataclass(frozen=True)
class FunctionCase:
    name: str
    args: tuple  # raw argument specs from the file
    expected: dict
    explanation: str


@dataclass(frozen=True)
class FunctionItem:
    id: str
    title: str
    function: str
    cases: tuple
    kind = "pandas 函数"


@dataclass(frozen=True)
class ShiftItem:
    """type: shift — a practice shift (``kefu.shift.start(seed)``), done when every buyer ends well."""

    id: str
    title: str
    prompt: str
    seed: int
    kind = "模拟值班"


class _Reader:
    """Validates one item's fields, naming the file and item in every message."""

    def __init__(self, module: str, raw: dict, number: int):
        self.module, self.raw, self.number = module, raw, number

    def fail(self, problem: str):
        where = f"第 {self.number} 项" + (f"({self.raw.get('id')})" if isinstance(self.raw, dict) else "")
        raise DataFileMalformed(f"data/practice/{self.module}.yaml", f"{where}{problem}",
                                fix="请对照 docs/AUTHORING.md 中“练习题”一节修正。")

    def text(self, key: str, default=None) -> str:
        value = self.raw.get(key, default)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"缺少字段 {key}(非空文字)")
        return value

    def seq(self, key: str, minimum: int) -> list:
        value = self.raw.get(key)
        if not isinstance(value, list) or len(value) < minimum:
            self.fail(f"的 {key} 必须是至少 {minimum} 项的列表")
        return value

    def number_(self, key: str, default=None) -> float:
        value = self.raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(f"的 {key} 必须是数字")
        return value


def _choice(r: _Reader) -> PracticeItem:
    options = []
    for m, opt in enumerate(r.seq("options", 2), start=1):
        if not isinstance(opt, dict) or not {"text", "explanation"} <= set(opt):
            r.fail(f"的第 {m} 个选项要有 text 和 explanation")
        options.append(Option(str(opt["text"]), bool(opt.get("correct", False)), str(opt["explanation"])))
    if not any(o.correct for o in options):
        r.fail("没有标记 correct: true 的选项")
    return PracticeItem(r.text("id"), r.text("title"), r.text("buyer"), tuple(options), str(r.raw.get("context", "")))


def _labels(r: _Reader) -> LabelsItem:
    labels = tuple(str(x) for x in r.seq("labels", 2))
    questions = []
    for m, q in enumerate(r.seq("questions", 1), start=1):
        if not isinstance(q, dict) or not {"text", "answer", "explanation"} <= set(q):
            r.fail(f"的第 {m} 个问题要有 text、answer 和 explanation")
        if q["answer"] not in labels:
            r.fail(f"的第 {m} 个问题的 answer “{q['answer']}” 不在 labels 中")
        questions.append(LabelQuestion(str(q["text"]), str(q["answer"]), str(q["explanation"])))
    return LabelsItem(r.text("id"), r.text("title"), r.text("prompt"), labels, tuple(questions))


def _order(r: _Reader) -> OrderItem:
    steps = tuple(str(x) for x in r.seq("steps", 3))
    if len(set(steps)) != len(steps):
        r.fail("的 steps 中有重复的步骤")
    return OrderItem(r.text("id"), r.text("title"), r.text("prompt"), steps, r.text("explanation"))


def _number(r: _Reader) -> NumberItem:
    return NumberItem(r.text("id"), r.text("title"), r.text("prompt"), r.number_("answer"),
                      r.number_("tolerance", 0), r.text("explanation"), str(r.raw.get("unit", "")))


def _function(r: _Reader) -> FunctionItem:
    cases = []
    for m, case in enumerate(r.seq("cases", 1), start=1):
        if not isinstance(case, dict) or not {"name", "args", "expected", "explanation"} <= set(case):
            r.fail(f"的第 {m} 个用例要有 name、args、expected 和 explanation")
        if not isinstance(case["args"], list) or not isinstance(case["expected"], dict):
            r.fail(f"的第 {m} 个用例:args 必须是列表,expected 必须是“列名: 值列表”的映射")
        cases.append(FunctionCase(str(case["name"]), tuple(case["args"]), case["expected"], str(case["explanation"])))
    return FunctionItem(r.text("id"), r.text("title"), r.text("function"), tuple(cases))


def _shift(r: _Reader) -> ShiftItem:
    seed = r.raw.get("seed")
    if isinstance(seed, bool) or not isinstance(seed, int):
        r.fail("的 seed 必须是整数")
    return ShiftItem(r.text("id"), r.text("title"), r.text("prompt"), seed)


_TYPES = {"choice": _choice, "labels": _labels, "order": _order, "number": _number, "function": _function,
          "shift": _shift}


def load_practice(module: str) -> list:
    """All practice items of a module, validated."""
    doc = load_yaml(f"practice/{module}.yaml")
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list) or not doc["items"]:
        raise DataFileMalformed(f"data/practice/{module}.yaml", "顶层必须有非空的 items: 列表",
                                fix="请对照 docs/AUTHORING.md 中“练习题”一节修正。")
    items, seen = [], set()
    for n, raw in enumerate(doc["items"], start=1):
        reader = _Reader(module, raw, n)
        if not isinstance(raw, dict):
            reader.fail("不是映射")
        kind = raw.get("type", "choice")
        if kind not in _TYPES:
            reader.fail(f"的 type “{kind}” 不认识,只能是 {'、'.join(_TYPES)}")
        item = _TYPES[kind](reader)
        if item.id in seen:
            reader.fail(f":题目 id {item.id} 重复")
        seen.add(item.id)
        items.append(item)
    return items

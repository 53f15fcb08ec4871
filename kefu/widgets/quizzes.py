"""Self-study quiz widgets with immediate feedback (labels, order, number).

Each complete check records the attempt in the learner's progress file; an
incomplete one (a message without a label, an empty or non-numeric box) only
asks the learner to finish and is not counted.
"""

from __future__ import annotations

import html
import math
import random

import ipywidgets as w

from .. import progress
from ._style import style_tag
from .practice_bank import LabelsItem, NumberItem, OrderItem

GOOD, BAD = "#1a7f37", "#b42318"


def _card(title: str, prompt: str) -> w.HTML:
    return w.HTML(f"<h4 style='margin:4px 0'>{html.escape(title)}</h4>"
                  f"<div style='margin-bottom:6px'>{html.escape(prompt)}</div>")


def _verdict(ok: bool, text: str) -> str:
    colour, word = (GOOD, "正确") if ok else (BAD, "还不对")
    return (f"<div style='border-left:4px solid {colour};padding:4px 10px;margin-top:4px'>"
            f"<b style='color:{colour}'>{word}</b>:{html.escape(text)}</div>")


class _Quiz(w.VBox):
    def __init__(self, item, body: list):
        self.item = item
        self.check_button = w.Button(description="检查答案", button_style="primary", icon="check")
        self.check_button.on_click(lambda _b: self.check())
        self.feedback = w.HTML()
        super().__init__([style_tag(), _card(item.title, item.prompt), *body, self.check_button, self.feedback],
                         layout=w.Layout(border="1px solid #ddd", padding="8px", margin="8px 0", max_width="760px"))
        self.add_class("kefu-quiz")

    def check(self) -> bool:
        ok, text = self.evaluate()
        self.feedback.value = text
        if ok is None:  # incomplete: ask to finish, not an attempt
            return False
        progress.record(self.item.id, ok)
        return ok


class LabelsQuiz(_Quiz):
    """Pick a label for each message; every message gets its own explanation."""

    def __init__(self, item: LabelsItem):
        self.menus = [w.Dropdown(options=[("请选择", None)] + [(l, l) for l in item.labels], value=None,
                                 layout=w.Layout(width="140px")) for _ in item.questions]
        rows = [w.HBox([menu, w.HTML(f"<div style='padding:4px'>{n}. {html.escape(q.text)}</div>")])
                for n, (menu, q) in enumerate(zip(self.menus, item.questions), start=1)]
        super().__init__(item, rows)

    def answer(self, labels) -> None:
        for menu, label in zip(self.menus, labels):
            menu.value = label

    def evaluate(self):
        if any(m.value is None for m in self.menus):
            return None, "<div style='color:#b42318'>每一条都要选一个标签。</div>"
        parts, right = [], 0
        for n, (menu, q) in enumerate(zip(self.menus, self.item.questions), start=1):
            ok = menu.value == q.answer
            right += ok
            parts.append(_verdict(ok, f"第 {n} 条:{q.explanation}"))
        ok = right == len(self.menus)
        return ok, f"<div>答对 {right}/{len(self.menus)} 条</div>" + "".join(parts)


class OrderQuiz(_Quiz):
    """Move steps up and down until they are in order."""

    def __init__(self, item: OrderItem):
        shuffled = list(item.steps)
        random.Random(item.id).shuffle(shuffled)  # the same order for every learner
        if shuffled == list(item.steps):
            shuffled.reverse()
        self.list = w.Select(options=shuffled, rows=len(shuffled), layout=w.Layout(width="420px"))
        up = w.Button(description="上移", icon="arrow-up")
        down = w.Button(description="下移", icon="arrow-down")
        up.on_click(lambda _b: self.move(-1))
        down.on_click(lambda _b: self.move(1))
        super().__init__(item, [w.HBox([self.list, w.VBox([up, down])])])

    @property
    def steps(self) -> list[str]:
        return list(self.list.options)

    def move(self, delta: int) -> None:
        steps, chosen = self.steps, self.list.value
        if chosen is None:
            return
        i = steps.index(chosen)
        j = min(max(i + delta, 0), len(steps) - 1)
        steps[i], steps[j] = steps[j], steps[i]
        self.list.options = steps
        self.list.value = chosen

    def arrange(self, steps) -> None:
        self.list.options = list(steps)

    def evaluate(self):
        steps = self.steps
        if steps == list(self.item.steps):
            return True, _verdict(True, self.item.explanation)
        first = next(i for i, (a, b) in enumerate(zip(steps, self.item.steps)) if a != b)
        return False, _verdict(False, f"从第 {first + 1} 步开始顺序不对,再想一想。")


class NumberQuiz(_Quiz):
    """Type a number; within the tolerance it is right.

    A text box, not ``FloatText``: a FloatText always holds a number (0.0 when
    untouched), so an empty box could not be told from an answer of 0.
    """

    def __init__(self, item: NumberItem):
        self.box = w.Text(value="", placeholder="填一个数字", description=item.unit or "答案",
                          style={"description_width": "initial"}, layout=w.Layout(width="260px"))
        super().__init__(item, [self.box])

    def answer(self, value) -> None:
        self.box.value = "" if value is None else str(value)

    def number(self):
        """The number typed in the box, or None when it is empty or not a number."""
        raw = self.box.value.strip().replace(",", "").replace(",", "")
        try:
            number = float(raw)
        except ValueError:
            return None
        return number if math.isfinite(number) else None

    def evaluate(self):
        if not self.box.value.strip():
            return None, "<div style='color:#b42318'>请先填一个数字。</div>"
        value = self.number()
        if value is None:
            return None, (f"<div style='color:#b42318'>“{html.escape(self.box.value.strip())}”不是一个数字,"
                          "请只填数字(例如 12 或 3.5)。</div>")
        ok = abs(value - float(self.item.answer)) <= float(self.item.tolerance) + 1e-12
        if ok:
            return True, _verdict(True, self.item.explanation)
        return False, _verdict(False, "和正确结果不一致,检查一下筛选条件和计算步骤。")

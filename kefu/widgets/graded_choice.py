"""A graded multiple-choice widget whose answer is saved the moment it is chosen.

It shows no verdict and holds no key: what it knows is the question, the
options and the learner's own saved choice.
"""

from __future__ import annotations

import html
import string

import ipywidgets as w

from ._style import style_tag
from ..answers import NOT_ANSWERED, read_answer, save_answer


def option_letters(count: int) -> list[str]:
    return list(string.ascii_uppercase[:count])


class GradedChoice(w.VBox):
    """Question, lettered options and a status line; choosing saves to kefu-answers.json."""

    def __init__(self, item_id: str, question: str, options, *, folder=None):
        self.item_id = item_id
        self.folder = folder
        self.letters = option_letters(len(options))
        self.choices = w.RadioButtons(options=[(f"{l}. {t}", l) for l, t in zip(self.letters, options)],
                                      value=None, layout=w.Layout(width="auto"),
                                      style={"description_width": "0px"})
        self.choices.add_class("kefu-graded-options")
        self.status = w.HTML()
        self.status.add_class("kefu-graded-status")
        stored = read_answer(item_id, folder=folder, options=self.letters)
        if stored.value is not None:
            self.choices.value = stored.value
            self._show(f"已保存的答案:{stored.value}", ok=True)
        elif stored.problem == NOT_ANSWERED:
            self._show("尚未作答:选中一个选项即自动保存,可以随时改选。", ok=None)
        else:
            self._show(stored.problem, ok=False)
        self.choices.observe(self._on_change, names="value")
        header = w.HTML(f"<div style='margin:4px 0'><b>{html.escape(item_id)}</b> "
                        f"{html.escape(question)}</div>")
        super().__init__([style_tag(), header, self.choices, self.status],
                         layout=w.Layout(border="1px solid #c9d3e0", padding="8px", margin="8px 0",
                                         max_width="760px"))
        self.add_class("kefu-graded-choice")

    def select(self, letter: str) -> None:
        """Choose an option by its letter (what a click does)."""
        self.choices.value = letter

    def _show(self, text: str, ok) -> None:
        colour = {True: "#1a7f37", False: "#b42318", None: "#555"}[ok]
        self.status.value = f"<span style='color:{colour}'>{html.escape(text)}</span>"

    def _on_change(self, change) -> None:
        value = change["new"]
        if value is None:
            return
        try:
            save_answer(self.item_id, value, folder=self.folder)
        except OSError as exc:
            self._show(f"保存失败({exc.strerror}):请检查笔记本所在文件夹是否可写。", ok=False)
            return
        self._show(f"已保存:{value}(提交作业时会一并提交)", ok=True)

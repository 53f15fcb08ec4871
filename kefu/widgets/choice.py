"""A one-step scenario: a buyer writes, the learner picks a reply, an explanation follows."""

from __future__ import annotations

import html

import ipywidgets as w

from .. import progress
from ._style import style_tag
from .practice_bank import PracticeItem

_BUBBLE = ("<div style='display:flex;gap:8px;align-items:flex-start;margin:6px 0'>"
           "<div style='flex:none;width:32px;height:32px;border-radius:50%;background:#ffb37a;"
           "color:#fff;text-align:center;line-height:32px;font-weight:bold'>买</div>"
           "<div style='background:#f2f3f5;border-radius:10px;padding:8px 12px;max-width:560px'>{text}</div></div>")


class ScenarioChoice(w.VBox):
    """Shows one practice item and explains whichever reply the learner picks."""

    def __init__(self, item: PracticeItem):
        self.item = item
        header = w.HTML(f"<h4 style='margin:4px 0'>{html.escape(item.title)}</h4>"
                        + (f"<div style='color:#666'>{html.escape(item.context)}</div>" if item.context else "")
                        + _BUBBLE.format(text=html.escape(item.buyer)))
        self.choices = w.RadioButtons(options=[(o.text, i) for i, o in enumerate(item.options)],
                                      value=None, layout=w.Layout(width="auto"),
                                      style={"description_width": "0px"})
        self.submit = w.Button(description="发送这条回复", button_style="primary", icon="paper-plane")
        self.feedback = w.HTML()
        self.submit.on_click(self._on_submit)
        super().__init__([style_tag(), header, self.choices, self.submit, self.feedback],
                         layout=w.Layout(border="1px solid #ddd", padding="8px", margin="8px 0"))
        self.add_class("kefu-practice-card")

    def choose(self, index: int) -> None:
        """Select option ``index`` and submit it (what a click does)."""
        self.choices.value = index
        self._on_submit(self.submit)

    def _on_submit(self, _button) -> None:
        if self.choices.value is None:
            self.feedback.value = "<div style='color:#b42318'>请先选择一条回复。</div>"
            return
        option = self.item.options[self.choices.value]
        progress.record(self.item.id, option.correct)
        colour, verdict = ("#1a7f37", "合适") if option.correct else ("#b42318", "不合适")
        self.feedback.value = (f"<div style='border-left:4px solid {colour};padding:4px 10px;margin-top:6px'>"
                               f"<b style='color:{colour}'>{verdict}</b>:{html.escape(option.explanation)}"
                               + ("" if option.correct else "<br><i>可以换一条再试试。</i>") + "</div>")

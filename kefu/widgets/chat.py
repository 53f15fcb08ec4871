"""The chat simulator: play a branching scenario in a chat window, one reply button at a time."""

from __future__ import annotations

import ipywidgets as w

from ._style import style_tag
from ..scenarios import Scenario, Session, load_scenario
from ..scenarios.rulebook import load_rulebook
from . import _chat_html as render


class ChatSimulator(w.VBox):
    """A chat window: buyer messages on the left, the learner's replies on the right, feedback,
    reply buttons for the current turn and, at the end, a scorecard and a restart button."""

    def __init__(self, scenario: Scenario | str):
        self.scenario = load_scenario(scenario) if isinstance(scenario, str) else scenario
        self._book = load_rulebook()
        self.header = w.HTML(render.header(self.scenario))
        self.chat_log = w.HTML()
        self.controls = w.VBox(layout=w.Layout(width="100%"))
        self.result = w.HTML()
        self.restart_button = w.Button(description="重新开始", icon="undo", button_style="primary",
                                       tooltip="从第一条买家消息重新练习", layout=w.Layout(margin="4px 0"))
        self.restart_button.add_class("kefu-restart")
        self.restart_button.on_click(lambda _b: self._then_focus(self.restart))
        super().__init__([style_tag(), self.header, self.chat_log, self.controls],
                         layout=w.Layout(max_width="720px", border="1px solid #d0d4da", padding="8px 12px",
                                         margin="8px 0"))
        self.add_class("kefu-chat")
        self.restart()

    @property
    def buttons(self) -> list[w.Button]:
        """The reply buttons of the current turn (empty at the end)."""
        return [b for b in self.controls.children if isinstance(b, w.Button) and b is not self.restart_button]

    def restart(self) -> None:
        """Start the chat again from the first buyer message."""
        self.session = Session(self.scenario)
        self._entries = [render.entry(self.scenario, e) for e in self.session.transcript]
        self._show()

    def choose(self, index: int) -> None:
        """Send reply ``index`` (0-based) of the current turn: what clicking its button does."""
        step = self.session.choose(index)
        reply, *rest = step.entries
        self._entries.append(render.entry(self.scenario, reply))
        self._entries.append(render.feedback(step, self._book))
        self._entries.extend(render.entry(self.scenario, e) for e in rest)
        self._show()

    def _show(self) -> None:
        self.chat_log.value = render.log(self._entries)
        if self.session.finished:
            self.result.value = render.scorecard(self.session.scorecard())
            self.controls.children = [self.result, self.restart_button]
        else:
            self.result.value = ""
            self.controls.children = [w.HTML("<div style='font-size:13px;color:#444;margin-top:6px'>"
                                             "选择你的回复(Tab 键切换,回车或空格发送):</div>")]
            self.controls.children += tuple(self._button(i, c.reply) for i, c in enumerate(self.session.node.choices))

    def _button(self, index: int, reply: str) -> w.Button:
        # The description is shown as plain text by ipywidgets, so it needs no escaping.
        button = w.Button(description=f"{index + 1}. {reply}", tooltip=reply,
                          layout=w.Layout(width="100%", height="auto", margin="3px 0"))
        button.add_class("kefu-choice")
        button.on_click(lambda _b: self._then_focus(lambda: self.choose(index)))
        return button

    def _then_focus(self, action) -> None:
        """Run a click, then move the keyboard focus to the next thing to press."""
        action()
        target = self.buttons[0] if self.buttons else self.restart_button
        target.focus()

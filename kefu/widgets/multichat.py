"""Several chats at once (多客户接待): a queue of buyers, 3–4 open chats, one clock.

API::

    drill = kefu.multichat(["size_advice", "invoice_request", "color_mismatch"],
                           arrivals=[0, 20, 45], concurrent=3, time_limit=600, seed=1, record="m12_shift")
    drill                  # the widget: header (clock, queue, each seat's waiting time), seat buttons,
                           # the chat of the selected seat with its reply buttons, 结束值班 / 重新开始
    drill.reply(2, 0)      # what clicking a reply does: chat 2 sends option 0 (index in the scenario data)
    drill.switch(3)        # show chat 3 (what clicking its seat button does)
    drill.refresh()        # let the clock move on (arrivals, time limit); the page does this every second
    drill.stop()           # 结束值班: unfinished chats are marked so
    drill.events()         # DataFrame: t, chat, scenario, event, node, option, seat, text, wait_s, mood,
                           #            breach, principle, outcome, result, converted
    drill.results()        # DataFrame, one row per chat: arrived_at, seated_at, first_reply_after_s, replies,
                           #   avg_response_s, max_response_s, outcome, result, converted, breaches,
                           #   penalty_points, mood, finished, ended_at

- ``scenario_ids``: ids of ``data/scenarios/`` (chat ``i`` is buyer ``i``, 1-based); ``arrivals``: seconds after
  the start at which each buyer writes (default: all at 0); a buyer waits in the queue while all
  ``concurrent`` seats are busy, and takes the first seat that frees (when a chat reaches its end).
- ``time_limit``: seconds; when reached the drill ends and chats not finished are marked 未完成.
- ``seed``: shuffles the order of each turn's reply buttons (None: the order of the data); recorded.
- ``clock``: a function returning seconds (default ``time.monotonic``); the drill's time is ``clock()`` minus
  its value at the start. Tests inject a fake clock. Times are rounded to 0.1 s.
- ``record="<item id>"``: after every action the record (settings + the learner's replies and their times,
  :meth:`kefu.scenarios.desk.Desk.record`) is saved in ``kefu-answers.json`` next to the notebook (in ``source/``
  in ``kefu-answers.key.json``); re-running the cell restores it. :func:`load_recorded` rebuilds the drill from
  the saved record, replaying every reply, for a test cell; an edited or damaged record counts as not played.

Engine: :class:`kefu.scenarios.desk.Desk` (one :class:`kefu.scenarios.Session` per chat); the chat window is
drawn with :mod:`kefu.widgets._chat_html`, like :class:`~kefu.widgets.ChatSimulator`.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from html import escape

import ipywidgets as w

from ..answers import NOT_PLAYED, read_record, save_record
from ..scenarios import Scenario, Step, TranscriptEntry, load_scenario
from ..scenarios.desk import Desk, DeskError
from ..scenarios.rulebook import load_rulebook, standards
from ..scenarios.scorecard import duration, mood_label
from . import _chat_html as render
from ._style import style_tag

TICK_MS = 1000
SETTINGS = ("scenarios", "arrivals", "concurrent", "time_limit", "seed")

_CSS = """<style>
.kefu-multichat .kefu-seat { white-space: normal !important; height: auto !important; min-height: 44px;
  line-height: 1.4; text-align: left; }
.kefu-multichat .kefu-seat:focus-visible, .kefu-multichat .kefu-stop:focus-visible { outline: 3px solid #1f6feb; }
</style>"""


@dataclass(frozen=True)
class Recorded:
    """A saved drill rebuilt by replay (``desk``), or why there is none (``problem``)."""

    desk: Desk | None
    problem: str | None = None
    saved_at: str | None = None

    def events(self):
        return self.desk.events_frame() if self.desk else None

    def results(self):
        return self.desk.results_frame() if self.desk else None


def _scenario(item) -> Scenario:
    return item if isinstance(item, Scenario) else load_scenario(item)


def load_recorded(item_id: str, *, folder=None, expect: dict | None = None) -> Recorded:
    """The drill saved under ``item_id``, every reply replayed; closed at its time limit when left open.

    ``expect`` (optional) maps settings (``scenarios``, ``arrivals``, ``concurrent``, ``time_limit``, ``seed``)
    to the values the record must have (e.g. the shift the task asked for); a record with other settings
    counts as not played.
    """
    stored = read_record(item_id, folder=folder)
    if stored.record is None:
        return Recorded(None, stored.problem)
    record = stored.record
    for key, value in (expect or {}).items():
        if record.get(key) != value:
            return Recorded(None, f"{item_id} 保存的记录不是本题要求的那一场(设置 {key} 不同),按未完成处理。"
                                  "请重新运行组件所在的单元格,按题目的设置再做一遍。")
    try:
        desk = Desk.replay(record)
    except DeskError as exc:
        return Recorded(None, f"{item_id} 保存的记录无法重演({exc}),按未完成处理。请重新做一遍。")
    desk.close()
    return Recorded(desk, None, stored.saved_at)


class MultiChat(w.VBox):
    """The multi-chat drill widget; see the module docstring."""

    def __init__(self, scenario_ids, *, arrivals=None, concurrent=3, time_limit=None, seed=None, record=None,
                 clock=None, folder=None):
        self._clock = clock or time.monotonic
        self._scenarios = [_scenario(s) for s in scenario_ids]
        self._settings = dict(arrivals=arrivals, concurrent=concurrent, time_limit=time_limit, seed=seed)
        self.record_id, self.folder = record, folder
        self._book = load_rulebook()
        self._reply_limit = standards().value("single_reply_s") if "single_reply_s" in standards() else 20
        self.status = w.HTML()
        self.status.add_class("kefu-multichat-status")
        self.head = w.HTML()
        self.head.add_class("kefu-multichat-header")
        self.seat_bar = w.HBox(layout=w.Layout(flex_flow="row wrap", gap="6px", margin="6px 0"))
        self.done_bar = w.HBox(layout=w.Layout(flex_flow="row wrap", gap="4px"))
        self.chat_head, self.chat_log = w.HTML(), w.HTML()
        self.controls = w.VBox(layout=w.Layout(width="100%"))
        self.panel = w.VBox([self.chat_head, self.chat_log, self.controls],
                            layout=w.Layout(border="1px solid #d0d4da", padding="6px 10px", margin="4px 0"))
        self.panel.add_class("kefu-chat")
        self.summary = w.HTML()
        self.summary.add_class("kefu-multichat-results")
        self.stop_button = w.Button(description="结束值班", icon="stop", button_style="warning",
                                    tooltip="提前结束:没有完成的对话记为未完成")
        self.stop_button.add_class("kefu-stop")
        self.stop_button.on_click(lambda _b: self.stop())
        self.restart_button = w.Button(description="重新开始", icon="undo", button_style="primary",
                                       tooltip="重新开始这一场值班(会覆盖已保存的记录)")
        self.restart_button.add_class("kefu-restart")
        self.restart_button.on_click(lambda _b: self.restart())
        # The page's own timer (ipywidgets Play) moves the clock on every second; without a page
        # (tests, nbgrader) nothing ticks and refresh() is called explicitly.
        self.ticker = w.Play(interval=TICK_MS, min=0, max=10**9, step=1, value=0, show_repeat=False,
                             layout=w.Layout(display="none"))
        self.ticker.observe(lambda _c: self.refresh(), names="value")
        # The page starts the timer when `playing` changes to true while a view exists, so it is switched
        # on once the page has drawn the widget (the page counts its views in _view_count).
        self._ticking = False
        self.ticker._view_count = 0
        self.ticker.observe(self._on_views, names="_view_count")
        super().__init__([style_tag(), w.HTML(render.STYLE + _CSS, layout=w.Layout(display="none")), self.status,
                          self.head, self.seat_bar, self.panel, self.done_bar, self.summary,
                          w.HBox([self.stop_button, self.restart_button]), self.ticker],
                         layout=w.Layout(max_width="900px", border="1px solid #c9d3e0", padding="8px 12px",
                                         margin="8px 0"))
        self.add_class("kefu-multichat")
        self._active: int | None = None
        self._entries: dict[int, list[str]] = {}
        self._seen = 0
        self._over_callbacks = []
        self._over_told = False
        if not self._restore():
            self._new_desk()
        self._show()

    # ------------------------------------------------------------------ public API
    @property
    def desk(self) -> Desk:
        return self._desk

    @property
    def active(self) -> int | None:
        """The number of the chat shown in the panel."""
        return self._active

    @property
    def buttons(self) -> list[w.Button]:
        """The reply buttons of the chat shown (empty when it is over or waiting)."""
        return [b for b in self.controls.children if isinstance(b, w.Button)]

    @property
    def seat_buttons(self) -> list[w.Button]:
        return list(self.seat_bar.children)

    def now(self) -> float:
        """Seconds since the start of the drill, by its clock."""
        return round(self._clock() - self._t0, 1)

    def refresh(self) -> None:
        """Let the clock move on: buyers arrive, the time limit may end the drill."""
        was_over = self._desk.over
        self._desk.advance(max(self.now(), self._desk.now))
        self._show()
        if self._desk.over and not was_over:
            self._save()

    def reply(self, chat: int, option: int) -> Step:
        """Chat ``chat`` sends reply ``option`` (index in the scenario data): what clicking its button does."""
        try:
            step = self._desk.reply(chat, option, max(self.now(), self._desk.now))
        except DeskError as exc:
            self._show(problem=str(exc))
            raise
        self._active = chat
        self._save()
        self._show()
        return step

    def switch(self, chat: int) -> None:
        """Show chat ``chat`` in the panel: what clicking its seat button does."""
        self._desk.chat(chat)
        self._active = chat
        self.refresh()

    def stop(self) -> None:
        """结束值班: end the drill now; chats not finished are marked unfinished."""
        self._desk.stop(max(self.now(), self._desk.now))
        self._save()
        self._show()

    def restart(self) -> None:
        """Start the drill again (the saved record is replaced)."""
        self.status.value = ""
        self._new_desk()
        self._save()
        self._show()

    def on_over(self, callback) -> None:
        """Call ``callback(self)`` once when a drill played in this widget ends (not for a restored one)."""
        self._over_callbacks.append(callback)

    def events(self):
        """Everything that happened, one row per event (see :mod:`kefu.scenarios.desk`)."""
        return self._desk.events_frame()

    def results(self):
        """One row per chat (see :mod:`kefu.scenarios.desk`)."""
        return self._desk.results_frame()

    # ------------------------------------------------------------------ state
    def _new_desk(self) -> None:
        self._desk = Desk(self._scenarios, self._settings["arrivals"], concurrent=self._settings["concurrent"],
                          time_limit=self._settings["time_limit"], seed=self._settings["seed"])
        self._t0 = self._clock()
        self._entries, self._seen, self._active = {}, 0, None
        self._over_told = False
        self._desk.advance(0)
        self._set_ticking(True)

    def _restore(self) -> bool:
        """Rebuild the saved drill of ``record`` (same settings); False when there is none to use."""
        if self.record_id is None:
            return False
        fresh = Desk(self._scenarios, self._settings["arrivals"], concurrent=self._settings["concurrent"],
                     time_limit=self._settings["time_limit"], seed=self._settings["seed"]).record()
        loaded = load_recorded(self.record_id, folder=self.folder, expect={k: fresh[k] for k in SETTINGS})
        if loaded.desk is None:
            if loaded.problem != NOT_PLAYED:
                self._message(loaded.problem + "开始新的值班后会覆盖它。", ok=False)
            return False
        stored = read_record(self.record_id, folder=self.folder).record
        desk = Desk.replay(stored)  # the drill as it was saved: left open when the learner left it open
        self._desk = desk
        self._t0 = self._clock() - desk.now
        self._entries, self._seen, self._active = {}, 0, None
        self._set_ticking(not desk.over)
        when = read_record(self.record_id, folder=self.folder).saved_at
        self._message(f"已载入保存的值班记录({when or '时间不详'}):"
                      + ("值班已结束,可以查看结果,或点“重新开始”再做一遍。" if desk.over else "可以接着做。"), ok=True)
        return True

    def _set_ticking(self, on: bool) -> None:
        self._ticking = on
        if not on:
            self.ticker.playing = False
        elif self.ticker._view_count:
            self.ticker.playing = False
            self.ticker.playing = True

    def _on_views(self, change) -> None:
        if self._ticking and (change["new"] or 0) > (change["old"] or 0):
            self._set_ticking(True)

    def _save(self) -> None:
        if self.record_id is None:
            return
        try:
            save_record(self.record_id, self._desk.record(), folder=self.folder)
        except OSError as exc:
            self._message(f"保存失败({exc.strerror}):请检查笔记本所在文件夹是否可写。", ok=False)

    def _message(self, text: str, ok) -> None:
        colour = {True: "#1a7f37", False: "#b42318", None: "#555"}[ok]
        self.status.value = f"<div style='color:{colour};font-size:13px'>{escape(text)}</div>"

    # ------------------------------------------------------------------ drawing
    def _order(self, chat: int, node_id: str, count: int) -> list[int]:
        order = list(range(count))
        if self._desk.seed is not None:
            random.Random(f"{self._desk.seed}|{chat}|{node_id}").shuffle(order)
        return order

    def _absorb(self) -> None:
        """Turn the desk's new events into chat bubbles."""
        desk = self._desk
        for event in desk.events[self._seen:]:
            chat = desk.chat(event.chat)
            scenario = chat.scenario
            entries = self._entries.setdefault(event.chat, [])
            t = int(event.t)
            if event.event == "buyer":
                entries.append(render.entry(scenario, TranscriptEntry("buyer", event.text, t)))
            elif event.event == "reply":
                entries.append(render.entry(scenario, TranscriptEntry("agent", event.text, t)))
                choice = scenario.nodes[event.node].choices[event.option]
                entries.append(render.feedback(Step(event.option, choice, scenario.nodes[choice.next], ()), self._book))
            elif event.event == "end":
                entries.append(render.entry(scenario, TranscriptEntry("system", f"对话结束:{event.outcome}", t)))
            elif event.event == "unfinished":
                entries.append(render.entry(scenario, TranscriptEntry("system", event.text, t)))
            elif event.event == "seat" and self._active is None:
                self._active = event.chat
        self._seen = len(desk.events)

    def _show(self, problem: str | None = None) -> None:
        desk = self._desk
        self._absorb()
        now = desk.now
        queue = len(desk.queue)
        waits = [desk.waiting_s(c) for c in desk.queue]
        if desk.over:
            state = {"time": "值班时间到", "stopped": "已结束值班", "done": "全部买家已接待完"}[desk.end_reason]
        else:
            state = "值班中"
        left = (f" · 剩余 {duration(max(0.0, desk.time_limit - now))}" if desk.time_limit is not None and not desk.over
                else "")
        longest = f"(最久已等 {duration(max(waits))})" if waits else ""
        pending = sum(1 for c in desk.chats if c.status == "pending")
        self.head.value = (
            f"<div style='display:flex;flex-wrap:wrap;gap:14px;align-items:baseline;font-size:14px'>"
            f"<b class='kefu-clock' style='font-size:18px'>{render.clock(now)}</b>"
            f"<span>{state} · 已值班 {duration(now)}{left}</span>"
            f"<span class='kefu-queue'>排队 {queue} 人{longest}</span>"
            f"<span style='color:#666'>还没到店 {pending} 人 · 同时接待 {desk.concurrent} 人</span></div>")
        self.seat_bar.children = tuple(self._seat_button(i) for i in range(desk.concurrent))
        done = [c for c in desk.chats if c.status in ("done", "unfinished")]
        self.done_bar.children = ((w.HTML("<span style='font-size:12px;color:#666;line-height:28px'>已结束:</span>"),)
                                  + tuple(self._done_button(c) for c in done)) if done else ()
        self._show_chat()
        if problem:
            self._message(problem, ok=False)
        if desk.over:
            self._set_ticking(False)
            if not self._over_told and self._desk.actions:
                self._over_told = True
                for callback in self._over_callbacks:
                    callback(self)
            self.stop_button.layout.display = "none"
            self.summary.value = self._results_html()
        else:
            self.stop_button.layout.display = None
            self.summary.value = ""

    def _seat_button(self, index: int) -> w.Button:
        desk = self._desk
        chat = desk.seats[index] if not desk.over else None
        if chat is None:
            button = w.Button(description=f"{index + 1} 号窗口 · 空闲", disabled=True,
                              layout=w.Layout(width="200px", height="auto"))
        else:
            wait = desk.waiting_s(chat)
            button = w.Button(description=f"{index + 1} 号窗口 · {chat.scenario.buyer.nickname} · 等待 {duration(wait)}",
                              tooltip=chat.scenario.title, layout=w.Layout(width="200px", height="auto"))
            if chat.number == self._active:
                button.button_style = "info"
            elif wait > self._reply_limit:
                button.button_style = "danger"
            button.on_click(lambda _b, n=chat.number: self.switch(n))
        button.add_class("kefu-seat")
        return button

    def _done_button(self, chat) -> w.Button:
        button = w.Button(description=f"{chat.number} {chat.scenario.buyer.nickname}",
                          layout=w.Layout(width="auto"), button_style="info" if chat.number == self._active else "")
        button.add_class("kefu-done")
        button.on_click(lambda _b, n=chat.number: self.switch(n))
        return button

    def _show_chat(self) -> None:
        desk = self._desk
        if self._active is None:
            self.chat_head.value = ("<div style='color:#666;padding:12px 0'>还没有买家进线。"
                                    "买家到店后会出现在上面的窗口里。</div>")
            self.chat_log.value, self.controls.children = "", ()
            return
        chat = desk.chat(self._active)
        self.chat_head.value = (f"<div class='kefu-active-chat' style='font-size:12px;color:#666'>"
                                f"第 {chat.number} 位买家</div>" + render.header(chat.scenario))
        self.chat_log.value = render.log(self._entries.get(chat.number, []))
        if chat.status == "open" and not desk.over:
            node = chat.session.node
            self.controls.children = (w.HTML("<div style='font-size:13px;color:#444;margin-top:6px'>"
                                             "选择你的回复(回车或空格发送):</div>"),) + tuple(
                self._reply_button(chat.number, position, option, node.choices[option].reply)
                for position, option in enumerate(self._order(chat.number, node.id, len(node.choices))))
        else:
            self.controls.children = (w.HTML(self._chat_summary(chat)),)

    def _reply_button(self, chat: int, position: int, option: int, text: str) -> w.Button:
        button = w.Button(description=f"{position + 1}. {text}", tooltip=text,
                          layout=w.Layout(width="100%", height="auto", margin="3px 0"))
        button.add_class("kefu-choice")
        button.on_click(lambda _b: self._click(chat, option))
        return button

    def _click(self, chat: int, option: int) -> None:
        try:
            self.reply(chat, option)
        except DeskError:
            pass  # the message is shown in the widget
        if self.buttons:
            self.buttons[0].focus()

    def _chat_summary(self, chat) -> str:
        if chat.status == "done":
            end = chat.session.node.end
            text = (f"结局:{end.outcome} · 成交:{'是' if end.converted else '否'} · 违规 {chat.breaches} 次 · "
                    f"买家情绪 {chat.session.mood:+d}({mood_label(chat.session.mood)})")
        elif chat.status == "unfinished":
            text = "这段对话没有完成。"
        else:
            text = "还在排队。"
        return f"<div class='kefu-chat-summary' style='font-size:13px;margin:6px 0'>{escape(text)}</div>"

    def _results_html(self) -> str:
        frame = self._desk.results_frame()
        rows = []
        for r in frame.itertuples():
            first = "—" if r.first_reply_after_s != r.first_reply_after_s else f"{r.first_reply_after_s:g} 秒"
            rows.append("<tr>" + "".join(f"<td style='padding:2px 8px'>{escape(str(v))}</td>" for v in (
                r.chat, self._desk.chat(r.chat).scenario.buyer.nickname, r.outcome, first, r.replies,
                "是" if r.converted else "否", r.breaches)) + "</tr>")
        heads = "".join(f"<th style='padding:2px 8px;text-align:left'>{h}</th>"
                        for h in ("买家", "昵称", "结局", "首次响应", "回复数", "成交", "违规"))
        return (f"<div style='margin:8px 0'><b>本场结果</b><table style='border-collapse:collapse;font-size:13px'>"
                f"<tr>{heads}</tr>{''.join(rows)}</table></div>")


def multichat(scenario_ids, *, arrivals=None, concurrent=3, time_limit=None, seed=None, record=None,
              clock=None) -> MultiChat:
    """The multi-chat drill widget (see the module docstring)."""
    return MultiChat(scenario_ids, arrivals=arrivals, concurrent=concurrent, time_limit=time_limit, seed=seed,
                     record=record, clock=clock)

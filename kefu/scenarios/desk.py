"""Several chats at once: a queue of buyers, a few seats and one clock (the engine of ``kefu.multichat``).

A :class:`Desk` plays several branching scenarios (:class:`~kefu.scenarios.Session`) on one time line. Times
are seconds since the start of the drill, given by the caller (the widget reads its clock; tests pass numbers).
Buyer ``i`` (1-based, in the order of the scenario list) arrives at ``arrivals[i - 1]``, writes the messages of
the start node and waits in the queue until one of the ``concurrent`` seats is free; a seat frees when its chat
reaches an end node. The learner's only inputs are replies (chat, option index of the data, time) and an early
stop; everything else follows from them, so :meth:`Desk.record` keeps just the settings and those actions, and
:meth:`Desk.replay` rebuilds the whole event log from a record (what grading does: nothing the learner typed
is trusted but the choices and their times).

Events (:data:`EVENT_COLUMNS`): ``arrive`` (buyer joins), ``seat`` (chat opened in a seat), ``buyer`` (one
buyer message), ``reply`` (the learner's reply: option, ``wait_s`` = seconds since the chat entered the node,
mood change, ``breach`` = violation or major code, principle), ``end`` (outcome, result, converted) and
``unfinished`` (the drill ended first: time limit or stop).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import asdict, dataclass, fields
from typing import Callable, Sequence

from ..errors import KefuError
from .engine import Session
from .loader import load_scenario
from .model import Scenario
from .rulebook import load_rulebook

RECORD_FORMAT = "kefu-multichat/1"
MAX_SEATS = 6

EVENT_COLUMNS = ["t", "chat", "scenario", "event", "node", "option", "seat", "text", "wait_s", "mood",
                 "breach", "principle", "outcome", "result", "converted"]
RESULT_COLUMNS = ["chat", "scenario", "arrived_at", "seated_at", "first_reply_after_s", "replies",
                  "avg_response_s", "max_response_s", "outcome", "result", "converted", "breaches",
                  "penalty_points", "mood", "finished", "ended_at"]

NOT_ARRIVED, QUEUED, UNFINISHED, IN_PROGRESS = "未到达", "排队中", "未完成", "进行中"


class DeskError(KefuError, ValueError):
    """An action that cannot happen (chat not open, drill over, time running backwards, bad record)."""


@dataclass(frozen=True)
class Event:
    """One thing that happened, ``t`` seconds after the start."""

    t: float
    chat: int
    scenario: str
    event: str
    node: str | None = None
    option: int | None = None
    seat: int | None = None
    text: str | None = None
    wait_s: float | None = None
    mood: int | None = None
    breach: str | None = None
    principle: str | None = None
    outcome: str | None = None
    result: str | None = None
    converted: bool | None = None


class Chat:
    """One buyer's chat: ``status`` is pending → queued → open → done, or unfinished."""

    def __init__(self, number: int, scenario: Scenario, arrival: float):
        self.number, self.scenario, self.arrival = number, scenario, arrival
        self.session = Session(scenario)
        self.status = "pending"
        self.arrived_at = self.seated_at = self.ended_at = None
        self.seat: int | None = None
        self.since: float | None = None      # when the chat entered its current node
        self.waits: list[float] = []         # wait_s of each reply
        self.breaches = 0
        self.penalty_points = 0

    @property
    def label(self) -> str:
        return f"{self.number} 号买家 {self.scenario.buyer.nickname}"


def _time(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise DeskError(f"{name} 应为不小于 0 的秒数,现在是 {value!r}。")
    return round(float(value), 1)


class Desk:
    """A drill of several chats; see the module docstring."""

    def __init__(self, scenarios: Sequence[Scenario], arrivals: Sequence[float] | None = None, *,
                 concurrent: int = 3, time_limit: float | None = None, seed=None):
        scenarios = list(scenarios)
        if not scenarios:
            raise DeskError("至少要有一位买家(一个情景)。")
        if arrivals is None:
            arrivals = [0] * len(scenarios)
        arrivals = list(arrivals)
        if len(arrivals) != len(scenarios):
            raise DeskError(f"arrivals 有 {len(arrivals)} 个时间,情景有 {len(scenarios)} 个,两者应一样多。")
        if isinstance(concurrent, bool) or not isinstance(concurrent, int) or not 1 <= concurrent <= MAX_SEATS:
            raise DeskError(f"concurrent(同时接待人数)应为 1 到 {MAX_SEATS} 的整数,现在是 {concurrent!r}。")
        self.scenarios = scenarios
        self.arrivals = [_time(a, f"第 {i} 位买家的到达时间") for i, a in enumerate(arrivals, 1)]
        self.concurrent = concurrent
        self.time_limit = None if time_limit is None else _time(time_limit, "time_limit")
        if self.time_limit == 0:
            raise DeskError("time_limit 应大于 0 秒。")
        self.seed = seed
        self.chats = [Chat(i, s, a) for i, (s, a) in enumerate(zip(scenarios, self.arrivals), 1)]
        self._pending = deque(sorted(self.chats, key=lambda c: (c.arrival, c.number)))
        self.queue: deque[Chat] = deque()
        self.seats: list[Chat | None] = [None] * concurrent
        self.events: list[Event] = []
        self.actions: list[list] = []
        self.now = 0.0
        self.over = False
        self.ended_at: float | None = None
        self.end_reason: str | None = None   # "done", "time" or "stopped"
        self._book = load_rulebook()

    # ------------------------------------------------------------------ the time line
    def advance(self, now: float) -> None:
        """Let the clock reach ``now``: buyers arrive, take free seats or queue; the time limit may end it."""
        now = _time(now, "时间")
        if now < self.now:
            raise DeskError(f"时间不能倒退:现在是第 {self.now:g} 秒,收到的时间是第 {now:g} 秒。")
        if self.over:
            return
        limit = self.time_limit
        while self._pending and self._pending[0].arrival <= now and (limit is None or self._pending[0].arrival < limit):
            chat = self._pending.popleft()
            self._arrive(chat, chat.arrival)
        if limit is not None and now >= limit:
            self.now = limit
            self._close(limit, "time")
            return
        self.now = now

    def reply(self, chat: int, option: int, now: float):
        """Send reply ``option`` (0-based index in the scenario data) in chat ``chat`` at time ``now``."""
        self.advance(now)
        if self.over:
            raise DeskError("值班已经结束,不能再回复。" + ("(值班时间已到)" if self.end_reason == "time" else ""))
        target = self.chat(chat)
        if target.status != "open":
            why = {"pending": "还没有到店", "queued": "还在排队,等有空位才能接待",
                   "done": "的对话已经结束", "unfinished": "的对话已经结束"}[target.status]
            raise DeskError(f"{target.label}{why}。")
        node = target.session.node
        step = target.session.choose(option)  # checks the index before changing anything
        choice = step.choice
        breach = choice.violation or choice.major
        wait = round(self.now - target.since, 1)
        target.waits.append(wait)
        if breach is not None:
            target.breaches += 1
            if choice.violation is not None:
                target.penalty_points += self._book.rules[choice.violation][1]
        self._event(target, "reply", node=node.id, option=option, seat=target.seat, text=choice.reply,
                    wait_s=wait, mood=choice.mood, breach=breach, principle=choice.principle)
        self.actions.append(["reply", self.now, target.number, option])
        self._enter(target, self.now)
        if step.finished:
            self._finish(target, self.now)
        return step

    def stop(self, now: float) -> None:
        """End the drill early (结束值班): every chat not finished is marked unfinished."""
        self.advance(now)
        if self.over:
            return
        self.actions.append(["stop", self.now])
        self._close(self.now, "stopped")

    def close(self) -> None:
        """End a drill that was left open: at its time limit when it has one, else now (used by grading)."""
        if not self.over:
            self.advance(self.time_limit if self.time_limit is not None and self.time_limit > self.now else self.now)
        if not self.over:
            self._close(self.now, "stopped")

    # ------------------------------------------------------------------ what the learner sees
    def chat(self, number: int) -> Chat:
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= len(self.chats):
            raise DeskError(f"没有第 {number!r} 位买家:买家编号是 1 到 {len(self.chats)}。")
        return self.chats[number - 1]

    def open_chats(self) -> list[Chat]:
        """The chats in the seats, by seat."""
        return [c for c in self.seats if c is not None]

    def waiting_s(self, chat: Chat, now: float | None = None) -> float | None:
        """How long the buyer has been waiting for the learner: in the queue, or for a reply."""
        now = self.now if now is None else now
        if chat.status == "queued":
            return round(max(0.0, now - chat.arrived_at), 1)
        if chat.status == "open":
            return round(max(0.0, now - chat.since), 1)
        return None

    # ------------------------------------------------------------------ tables
    def events_frame(self):
        import pandas as pd

        rows = [asdict(e) for e in self.events]
        frame = pd.DataFrame(rows, columns=EVENT_COLUMNS)
        for column in ("option", "seat", "mood"):
            frame[column] = frame[column].astype("Int64")
        frame["t"] = frame["t"].astype(float)
        frame["wait_s"] = frame["wait_s"].astype(float)
        frame["chat"] = frame["chat"].astype(int)
        return frame

    def results_frame(self):
        import pandas as pd

        rows = []
        for c in self.chats:
            first = c.waits and next(e.t for e in self.events if e.chat == c.number and e.event == "reply")
            end = c.session.node.end if c.status == "done" else None
            if c.status == "pending":
                outcome = NOT_ARRIVED
            elif c.status == "unfinished":
                outcome = UNFINISHED
            elif c.status == "queued":
                outcome = QUEUED
            else:
                outcome = end.outcome if end else IN_PROGRESS
            rows.append({
                "chat": c.number, "scenario": c.scenario.id,
                "arrived_at": c.arrived_at, "seated_at": c.seated_at,
                "first_reply_after_s": round(first - c.arrived_at, 1) if c.waits else None,
                "replies": len(c.waits),
                "avg_response_s": round(sum(c.waits) / len(c.waits), 1) if c.waits else None,
                "max_response_s": max(c.waits) if c.waits else None,
                "outcome": outcome, "result": end.result if end else None,
                "converted": bool(end.converted) if end else False,
                "breaches": c.breaches, "penalty_points": c.penalty_points, "mood": c.session.mood,
                "finished": end is not None, "ended_at": c.ended_at,
            })
        frame = pd.DataFrame(rows, columns=RESULT_COLUMNS)
        for column in ("arrived_at", "seated_at", "first_reply_after_s", "avg_response_s", "max_response_s",
                       "ended_at"):
            frame[column] = frame[column].astype(float)
        return frame

    # ------------------------------------------------------------------ record and replay
    def record(self) -> dict:
        """The settings and the learner's actions: all :meth:`replay` needs."""
        return {"format": RECORD_FORMAT, "scenarios": [s.id for s in self.scenarios], "arrivals": self.arrivals,
                "concurrent": self.concurrent, "time_limit": self.time_limit, "seed": self.seed,
                "actions": [list(a) for a in self.actions]}

    @classmethod
    def replay(cls, record, *, load: Callable[[str], Scenario] = load_scenario) -> "Desk":
        """The desk a record describes, every action applied again; :class:`DeskError` when it cannot be."""
        if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT:
            raise DeskError("记录的格式不对。")
        ids, actions = record.get("scenarios"), record.get("actions")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise DeskError("记录里的情景列表不对。")
        if not isinstance(actions, list):
            raise DeskError("记录里的操作列表不对。")
        try:
            scenarios = [load(i) for i in ids]
        except KefuError as exc:
            raise DeskError(f"记录里的情景无法载入:{exc}") from None
        seed = record.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, str))):
            raise DeskError("记录里的 seed 不对。")
        desk = cls(scenarios, record.get("arrivals"), concurrent=record.get("concurrent"),
                   time_limit=record.get("time_limit"), seed=seed)
        for number, action in enumerate(actions, 1):
            try:
                if isinstance(action, list) and len(action) == 4 and action[0] == "reply":
                    _, t, chat, option = action
                    if isinstance(option, bool) or not isinstance(option, int):
                        raise DeskError(f"回复编号应为整数,现在是 {option!r}。")
                    desk.reply(chat, option, t)
                elif isinstance(action, list) and len(action) == 2 and action[0] == "stop" and not desk.over:
                    desk.stop(action[1])
                elif isinstance(action, list) and len(action) == 2 and action[0] == "end" and not desk.over:
                    desk.advance(action[1])
                    if desk.end_reason != "time" or len(desk.actions) != number:
                        raise DeskError("值班时间还没有到。")
                else:
                    raise DeskError("不是可用的操作。")
            except (DeskError, ValueError) as exc:
                raise DeskError(f"第 {number} 个操作 {action!r} 无法重演:{exc}") from None
        return desk

    # ------------------------------------------------------------------ internals
    def _event(self, chat: Chat, kind: str, t: float | None = None, **values) -> None:
        self.events.append(Event(self.now if t is None else t, chat.number, chat.scenario.id, kind, **values))

    def _arrive(self, chat: Chat, t: float) -> None:
        chat.arrived_at = t
        chat.status = "queued"
        self._event(chat, "arrive", t, node=chat.session.node.id)
        chat.since = t
        for text in chat.session.node.buyer_messages:
            self._event(chat, "buyer", t, node=chat.session.node.id, text=text)
        self.queue.append(chat)
        self._fill_seats(t)

    def _fill_seats(self, t: float) -> None:
        while self.queue and None in self.seats:
            chat = self.queue.popleft()
            seat = self.seats.index(None)
            self.seats[seat] = chat
            chat.seat, chat.seated_at, chat.status = seat + 1, t, "open"
            self._event(chat, "seat", t, node=chat.session.node.id, seat=seat + 1)

    def _enter(self, chat: Chat, t: float) -> None:
        chat.since = t
        node = chat.session.node
        for text in node.buyer_messages:
            self._event(chat, "buyer", t, node=node.id, text=text)

    def _finish(self, chat: Chat, t: float) -> None:
        end = chat.session.node.end
        chat.status, chat.ended_at = "done", t
        self._event(chat, "end", t, node=chat.session.node.id, seat=chat.seat, outcome=end.outcome,
                    result=end.result, converted=bool(end.converted))
        self.seats[chat.seat - 1] = None
        self._fill_seats(t)
        if not self._pending and not self.queue and not self.open_chats():
            self.over, self.ended_at, self.end_reason = True, t, "done"

    def _close(self, t: float, reason: str) -> None:
        note = "值班时间到,对话没有完成" if reason == "time" else "提前结束值班,对话没有完成"
        for chat in self.chats:
            if chat.status in ("open", "queued"):
                self._event(chat, "unfinished", t, node=chat.session.node.id, seat=chat.seat, text=note)
                chat.status, chat.ended_at = "unfinished", t
        self.seats = [None] * self.concurrent
        self.queue.clear()
        self.over, self.ended_at, self.end_reason = True, t, reason
        if reason == "time":
            self.actions.append(["end", t])  # so that a replay knows the drill was over


def event_fields() -> list[str]:
    """The fields of :class:`Event`, in order (the columns of the events table)."""
    return [f.name for f in fields(Event)]

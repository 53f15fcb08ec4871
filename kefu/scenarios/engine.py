"""Playing a scenario: a Session walks from start to an end, one chosen reply at a time."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import KefuError
from .model import Choice, Node, Scenario
from .scorecard import Scorecard, make_scorecard


class SessionError(KefuError, ValueError):
    """A reply cannot be chosen (bad number, or the chat is over)."""


@dataclass(frozen=True)
class TranscriptEntry:
    """One line of the chat: who (buyer, agent or system), what, and when (seconds since start)."""

    speaker: str
    text: str
    elapsed_s: int


@dataclass(frozen=True)
class Step:
    """What one choice did: the reply, the node it led to and the new transcript entries."""

    index: int
    choice: Choice
    node: Node
    entries: tuple[TranscriptEntry, ...]

    @property
    def finished(self) -> bool:
        return self.node.is_end

    @property
    def ok(self) -> bool:
        """True when the reply broke no rule and did not upset the buyer."""
        return self.choice.ok


class Session:
    """One play-through: the buyer's mood starts at 0, time at 0 seconds."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.node: Node = scenario.start_node
        self.mood = 0
        self.elapsed_s = 0
        self.choices: list[Choice] = []
        self._path: list[int] = []
        self.transcript: list[TranscriptEntry] = []
        self._enter(self.node)

    @property
    def finished(self) -> bool:
        return self.node.is_end

    @property
    def path(self) -> tuple[int, ...]:
        """The indices of the replies chosen so far."""
        return tuple(self._path)

    def choose(self, index: int) -> Step:
        """Send reply ``index`` (0-based) of the current node and move to its next node."""
        self._check(index)
        choice = self.node.choices[index]
        self.elapsed_s += choice.seconds  # the buyer's messages cost the agent no time
        self.mood += choice.mood
        self.choices.append(choice)
        self._path.append(index)
        reply = TranscriptEntry("agent", choice.reply, self.elapsed_s)
        self.transcript.append(reply)
        self.node = self.scenario.nodes[choice.next]
        return Step(index, choice, self.node, (reply,) + self._enter(self.node))

    def scorecard(self) -> Scorecard:
        """The scorecard of the finished chat."""
        if not self.finished:
            raise SessionError(f"对话还没有结束(当前在节点 “{self.node.id}”),走到结局后才有成绩单。")
        return make_scorecard(self.scenario, self.choices, self.node.end, self.mood, self.elapsed_s)

    def _enter(self, node: Node) -> tuple[TranscriptEntry, ...]:
        entries = [TranscriptEntry("buyer", text, self.elapsed_s) for text in node.buyer_messages]
        if node.end is not None:
            entries.append(TranscriptEntry("system", f"对话结束:{node.end.outcome}", self.elapsed_s))
        self.transcript.extend(entries)
        return tuple(entries)

    def _check(self, index) -> None:
        if self.finished:
            raise SessionError(f"对话已经结束(结局:{self.node.end.outcome}),不能再选回复。"
                               "要再练一次,请新建一个 Session,或在聊天窗口里点“重新开始”。")
        count = len(self.node.choices)
        if isinstance(index, bool) or not isinstance(index, int):
            raise SessionError(f"回复的编号应为整数(0 到 {count - 1}),现在是 {index!r}。")
        if not 0 <= index < count:
            raise SessionError(f"没有编号为 {index} 的回复:节点 “{self.node.id}” 有 {count} 个回复,"
                               f"编号是 0 到 {count - 1}。")

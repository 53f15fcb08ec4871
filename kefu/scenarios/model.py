"""The scenario model: frozen dataclasses built from ``data/scenarios/<id>.yaml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

__all__ = ["BuyerProfile", "Choice", "Ending", "Node", "Scenario"]


@dataclass(frozen=True)
class BuyerProfile:
    """Who the buyer is: nickname, M03 personality and buying behaviour, product."""

    nickname: str
    personality: str
    behaviour: str
    product: str
    note: str = ""


@dataclass(frozen=True)
class Choice:
    """One reply the learner may pick, with its feedback and consequences."""

    reply: str
    feedback: str
    next: str
    mood: int = 0
    seconds: int = 30
    violation: str | None = None
    major: str | None = None
    principle: str | None = None

    @property
    def ok(self) -> bool:
        """True when the reply breaks no rule and does not upset the buyer."""
        return self.violation is None and self.major is None and self.mood >= 0


@dataclass(frozen=True)
class Ending:
    """What happened when the chat reached an end node."""

    outcome: str
    result: str
    converted: bool = False
    summary: str = ""


@dataclass(frozen=True)
class Node:
    """One turn: the buyer's messages, then either choices or an ending."""

    id: str
    buyer_messages: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    end: Ending | None = None

    @property
    def is_end(self) -> bool:
        return self.end is not None


@dataclass(frozen=True)
class Scenario:
    """A branching customer-service chat."""

    id: str
    title: str
    module: str
    tags: tuple[str, ...]
    summary: str
    buyer: BuyerProfile
    agent: str
    time_standard: str
    start: str
    nodes: Mapping[str, Node] = field(default_factory=dict, hash=False)

    @property
    def start_node(self) -> Node:
        return self.nodes[self.start]

"""Checks of what the learner can learn: a compliant path and at least two wrong turns."""

from __future__ import annotations

from ._source import Problem
from .graph import reachable
from .model import Choice, Scenario

MIN_WRONG_TURNS = 2


def is_compliant_choice(choice: Choice) -> bool:
    return choice.violation is None and choice.major is None


def check_outcomes(scenario: Scenario, problems: list[Problem]) -> None:
    """Record a problem when no compliant path exists or there are fewer than two wrong turns."""
    compliant = reachable(scenario, scenario.start, follow=is_compliant_choice)
    if not any(_result(scenario, n) == "success" for n in compliant):
        problems.append(Problem(("nodes",), "没有合规路径:从 start 出发,没有一条不带 violation/major 的对话路线"
                                            "能走到 result: success 的结局"))
    wrong = sum(is_wrong_turn(scenario, c) for node in scenario.nodes.values() for c in node.choices)
    if wrong < MIN_WRONG_TURNS:
        problems.append(Problem(("nodes",), f"只有 {wrong} 个错误选项,至少要 {MIN_WRONG_TURNS} 个"
                                            "(错误选项:带 violation 或 major、让买家情绪下降(mood < 0),"
                                            "或之后只能走向 result: failure 的结局)"))


def is_wrong_turn(scenario: Scenario, choice: Choice) -> bool:
    """A choice that breaks a rule, upsets the buyer, or leads only to failure."""
    if not is_compliant_choice(choice) or choice.mood < 0:
        return True
    if choice.next not in scenario.nodes:
        return False
    results = {_result(scenario, n) for n in reachable(scenario, choice.next)} - {None}
    return results == {"failure"}


def _result(scenario: Scenario, node_id: str) -> str | None:
    end = scenario.nodes[node_id].end
    return end.result if end is not None else None

"""Checks of the conversation graph: start, next, unreachable nodes, cycles."""

from __future__ import annotations

from ._source import Problem
from .model import Scenario


def edges(scenario: Scenario, node_id: str) -> list[tuple[int, str]]:
    """(choice index, next node) of a node's choices whose ``next`` exists."""
    node = scenario.nodes[node_id]
    return [(i, c.next) for i, c in enumerate(node.choices) if c.next in scenario.nodes]


def reachable(scenario: Scenario, start: str, follow=lambda choice: True) -> list[str]:
    """Node ids reachable from ``start`` (itself included) along the choices ``follow`` accepts."""
    seen, todo = [start], [start]
    while todo:
        node = scenario.nodes[todo.pop()]
        for choice in node.choices:
            if choice.next in scenario.nodes and choice.next not in seen and follow(choice):
                seen.append(choice.next)
                todo.append(choice.next)
    return seen


def check_graph(scenario: Scenario, problems: list[Problem]) -> bool:
    """Record start, next, reachability and cycle problems; True when ``start`` exists."""
    for node in scenario.nodes.values():
        for index, choice in enumerate(node.choices):
            if choice.next is not None and choice.next not in scenario.nodes:
                problems.append(Problem(("nodes", node.id, "choices", index, "next"),
                                        f"指向不存在的节点 “{choice.next}”"))
    if not scenario.start:
        return False
    if scenario.start not in scenario.nodes:
        problems.append(Problem(("start",), f"指向不存在的节点 “{scenario.start}”"))
        return False
    seen = set(reachable(scenario, scenario.start))
    for node_id in scenario.nodes:
        if node_id not in seen:
            problems.append(Problem(("nodes", node_id), f"从 start(“{scenario.start}”)出发无法到达:"
                                                        "没有哪条对话路线会走到这个节点"))
    _check_cycles(scenario, problems)
    return True


def _check_cycles(scenario: Scenario, problems: list[Problem]) -> None:
    """Depth-first search from start; an edge back into the current route closes a cycle."""
    route: list[str] = []
    done: set[str] = set()

    def visit(node_id: str) -> None:
        route.append(node_id)
        for index, target in edges(scenario, node_id):
            if target in route:
                loop = " → ".join(route[route.index(target):] + [target])
                problems.append(Problem(("nodes", node_id, "choices", index, "next"),
                                        f"指回 “{target}”,形成循环({loop});情景必须在有限步内走到结局"))
            elif target not in done:
                visit(target)
        route.pop()
        done.add(node_id)

    visit(scenario.start)

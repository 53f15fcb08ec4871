"""Every route through a scenario, for tests and for instructors checking their branches."""

from __future__ import annotations

from .model import Scenario


def all_paths(scenario: Scenario) -> list[tuple[int, ...]]:
    """Every path from start to an end node, as the choice indices taken, in index order.

    Finite because validated scenarios have no cycles.
    """
    found: list[tuple[int, ...]] = []

    def walk(node_id: str, taken: tuple[int, ...]) -> None:
        node = scenario.nodes[node_id]
        if node.is_end:
            found.append(taken)
            return
        for index, choice in enumerate(node.choices):
            walk(choice.next, taken + (index,))

    walk(scenario.start, ())
    return found

"""Checks of what a scenario names elsewhere: the time standard and platform-rule codes."""

from __future__ import annotations

from ..errors import DataFileError
from ._source import Problem
from .model import Scenario
from .rulebook import load_rulebook, standards, time_standards


def check_references(scenario: Scenario, problems: list[Problem]) -> None:
    """Record a problem for each unknown time standard, violation or major code."""
    try:
        _check_time_standard(scenario, problems)
        book = load_rulebook()
    except DataFileError as exc:
        problems.append(Problem((), f"无法核对引用的标准和规则:{exc}"))
        return
    rules, majors = "、".join(book.rules), "、".join(book.major)
    for node in scenario.nodes.values():
        for index, choice in enumerate(node.choices):
            path = ("nodes", node.id, "choices", index)
            if choice.violation is not None and choice.violation not in book.rules:
                problems.append(Problem(path + ("violation",), f"“{choice.violation}” 不是 "
                                        f"data/platform_rules.yaml 的 rules 中的规则(可选:{rules})"))
            if choice.major is not None and choice.major not in book.major:
                problems.append(Problem(path + ("major",), f"“{choice.major}” 不是 "
                                        f"data/platform_rules.yaml 的 major_violations 中的类型(可选:{majors})"))


def _check_time_standard(scenario: Scenario, problems: list[Problem]) -> None:
    key = scenario.time_standard
    if not key:
        return
    usable = time_standards()
    if key in usable:
        return
    known = "、".join(usable)
    known_all = standards()
    if key in known_all:
        message = f"“{key}” 的单位是“{known_all[key].unit}”,不是时间(可用的时间标准:{known})"
    else:
        message = f"“{key}” 不是 data/standards.yaml 中的标准(可用的时间标准:{known})"
    problems.append(Problem(("time_standard",), message))

"""``validate_file``: every problem of one scenario file, in Chinese, with file, field and line.

The checks run in this order (docs/SCENARIOS.md §2): YAML syntax and duplicate keys; schema
(fields, types, allowed values); id = file name; references to standards and platform rules;
the graph (next, start, reachability, cycles); the outcomes (compliant path, wrong turns).
The graph and outcome checks need a start node, so they are skipped without one.
"""

from __future__ import annotations

from pathlib import Path

from ._source import Problem, SourceFile
from .graph import check_graph
from .model import Scenario
from .outcomes import check_outcomes
from .parse import parse_scenario
from .refs import check_references


def check_source(path: str | Path) -> tuple[SourceFile, Scenario | None, list[Problem]]:
    """The parsed file, its (leniently built) scenario and all its problems."""
    source = SourceFile(Path(path))
    if source.error is not None:
        return source, None, [source.error]
    problems = source.duplicate_keys()
    scenario = parse_scenario(source.data, problems)
    if scenario is None:
        return source, None, problems
    stem = source.path.stem
    if scenario.id and scenario.id != stem:
        problems.append(Problem(("id",), f"“{scenario.id}” 与文件名 {source.path.name} 不一致"
                                         f"(id 必须等于文件名去掉 .yaml,即 {stem})"))
    check_references(scenario, problems)
    if check_graph(scenario, problems):
        check_outcomes(scenario, problems)
    return source, scenario, problems


def validate_file(path: str | Path) -> list[str]:
    """Every problem of a scenario file as ``data/scenarios/<file>:<field> <问题>(第 N 行)``."""
    source, _, problems = check_source(path)
    return [source.describe(p) for p in problems]

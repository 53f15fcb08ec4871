"""Loading scenarios from ``data/scenarios/``; a file with any problem is refused."""

from __future__ import annotations

import re
from pathlib import Path

from .._paths import data_dir
from ..errors import DataFileMalformed, DataFileMissing
from ._source import field_path
from .model import Scenario
from .validate import check_source

FOLDER = "scenarios"
_ID = re.compile(r"[\w-]+")


class ScenarioNotFound(DataFileMissing):
    """No ``data/scenarios/<id>.yaml``; the message lists the scenarios there are."""

    def __init__(self, scenario_id: str, folder: Path):
        super().__init__(f"data/scenarios/{scenario_id}.yaml", str(folder))
        known = "、".join(p.stem for p in scenario_files()) or "(没有)"
        self.args = (f"没有情景 “{scenario_id}”(已有的情景:{known})。{self.args[0]}",)


def scenario_files() -> list[Path]:
    """The scenario files of the course, sorted by name."""
    return sorted((data_dir() / FOLDER).glob("*.yaml"))


def load_scenario_file(path: str | Path) -> Scenario:
    """The scenario of one file; raises DataFileMalformed naming its first problem."""
    source, scenario, problems = check_source(path)
    if problems:
        first = problems[0]
        line = source.error_line if first is source.error else source.line(first.path)
        where = field_path(first.path)
        more = f"(另有 {len(problems) - 1} 处问题)" if len(problems) > 1 else ""
        raise DataFileMalformed(source.shown, f"{where} {first.message}".strip() + more, line=line,
                                fix="请运行 kefu check 查看全部问题,并对照 docs/SCENARIOS.md 修正。")
    return scenario


def load_scenario(scenario_id: str) -> Scenario:
    """The scenario ``data/scenarios/<scenario_id>.yaml``."""
    folder = data_dir() / FOLDER
    path = folder / f"{scenario_id}.yaml"
    if not isinstance(scenario_id, str) or not _ID.fullmatch(scenario_id) or not path.is_file():
        raise ScenarioNotFound(str(scenario_id), folder)
    return load_scenario_file(path)


def load_all() -> list[Scenario]:
    """Every scenario of the course, sorted by id."""
    return [load_scenario_file(p) for p in scenario_files()]

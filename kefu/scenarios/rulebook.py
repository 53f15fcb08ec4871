"""What a scenario refers to outside itself: platform-rule codes and the time standard."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .._paths import data_path
from ..data import Standard, Standards, load_standards, load_yaml
from ..errors import DataFileMalformed

# How many seconds one unit of a time standard is.
TIME_UNITS = {"秒": 1, "分钟": 60, "小时": 3600}


@dataclass(frozen=True)
class RuleBook:
    """The codes of ``data/platform_rules.yaml``: rules with points, major violations."""

    rules: dict[str, tuple[str, int]]
    major: dict[str, str]


def load_rulebook() -> RuleBook:
    """The codes of ``data/platform_rules.yaml`` (re-read only when the file changes)."""
    path = data_path("platform_rules.yaml")
    return _rulebook(str(path), path.stat().st_mtime_ns)


def standards() -> Standards:
    """``data/standards.yaml`` (re-read only when the file changes)."""
    path = data_path("standards.yaml")
    return _standards(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _standards(path: str, mtime_ns: int) -> Standards:
    return load_standards(path)


@lru_cache(maxsize=4)
def _rulebook(path: str, mtime_ns: int) -> RuleBook:
    doc = load_yaml(path)
    if not isinstance(doc, dict):
        raise DataFileMalformed("data/platform_rules.yaml", "顶层必须是映射(含 rules 和 major_violations)")
    rules = {code: (str(entry.get("name", code)), int(entry.get("points", 0)))
             for code, entry in (doc.get("rules") or {}).items() if isinstance(entry, dict)}
    major = {code: str(entry.get("name", code))
             for code, entry in (doc.get("major_violations") or {}).items() if isinstance(entry, dict)}
    return RuleBook(rules, major)


def time_standards() -> dict[str, Standard]:
    """The standards of ``data/standards.yaml`` measured in 秒, 分钟 or 小时."""
    return {s.key: s for s in standards() if s.unit in TIME_UNITS}


def limit_seconds(standard: Standard) -> float:
    """The standard's value in seconds (4 分钟 → 240)."""
    try:
        return standard.value * TIME_UNITS[standard.unit]
    except KeyError:
        raise DataFileMalformed("data/standards.yaml", f"标准 {standard.key} 的单位是“{standard.unit}”,"
                                                       "不是时间(应为秒、分钟或小时)") from None

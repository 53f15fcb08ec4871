"""Typed reading of one YAML mapping, recording every problem instead of stopping at the first."""

from __future__ import annotations

from typing import Any, Iterable

from ._source import Part, Problem

_MISSING = object()


def type_name(value: Any) -> str:
    """The Chinese name of a YAML value's type, with the value when it is short."""
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"布尔值 {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"{'整数' if isinstance(value, int) else '小数'} {value}"
    if isinstance(value, str):
        return f"文本 “{value}”"
    return {list: "列表", dict: "映射"}.get(type(value), type(value).__name__)


def wrong_type(path: tuple[Part, ...], expected: str, value: Any) -> Problem:
    hint = "(可以加引号写成文本)" if expected == "文本" and isinstance(value, (bool, int, float)) else ""
    return Problem(path, f"应为{expected},现在是{type_name(value)}{hint}")


def as_mapping(raw: Any, path: tuple[Part, ...], problems: list[Problem]) -> dict | None:
    """``raw`` when it is a mapping; otherwise record a problem and return None."""
    if isinstance(raw, dict):
        return raw
    problems.append(wrong_type(path, "映射(键: 值)", raw))
    return None


class Fields:
    """Reads the fields of one mapping at ``path``; unknown field names are problems too."""

    def __init__(self, raw: dict, path: tuple[Part, ...], problems: list[Problem], allowed: Iterable[str]):
        self.raw, self.path, self.problems = raw, path, problems
        allowed = tuple(allowed)
        for key in raw:
            if key not in allowed:
                problems.append(Problem(path + (str(key),), f"不是可用的字段(这里可用:{'、'.join(allowed)})"))

    def has(self, key: str) -> bool:
        return key in self.raw

    def problem(self, key: str | None, message: str) -> None:
        self.problems.append(Problem(self.path + ((key,) if key else ()), message))

    def text(self, key: str, *, required: bool = True, default: str | None = "",
             empty: str = "不能为空", missing: str = "未填写(必填字段)") -> str | None:
        """A non-empty string; a missing optional field gives ``default``."""
        value = self.raw.get(key, _MISSING)
        if value is _MISSING or (not required and value is None):
            if required:
                self.problem(key, missing)
            return default
        if value is None or (isinstance(value, str) and not value.strip()):
            self.problem(key, empty)
            return default
        if not isinstance(value, str):
            self.problems.append(wrong_type(self.path + (key,), "文本", value))
            return default
        return value.strip()

    def one_of(self, key: str, options, message: str) -> str | None:
        """A required string from ``options``; ``message`` is formatted with the value."""
        value = self.text(key, default=None)
        if value is not None and value not in options:
            self.problem(key, message.format(value=value))
            return None
        return value

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        """An optional whole number within ``low``…``high``."""
        value = self.raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problems.append(wrong_type(self.path + (key,), "整数", value))
            return default
        if not low <= value <= high:
            self.problem(key, f"应在 {low} 到 {high} 之间,现在是 {value}")
            return default
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        """An optional true/false."""
        value = self.raw.get(key, default)
        if not isinstance(value, bool):
            self.problems.append(wrong_type(self.path + (key,), " true 或 false", value))
            return default
        return value

    def texts(self, key: str, *, single_allowed: bool, empty_allowed: bool) -> tuple[str, ...]:
        """An optional list of non-empty strings (or one string when ``single_allowed``)."""
        value = self.raw.get(key, _MISSING)
        if value is _MISSING or (empty_allowed and value in (None, [])):
            return ()
        if single_allowed and isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            expected = "文本或文本列表" if single_allowed else "列表"
            if value is None or value == [] or value == "":
                self.problem(key, "不能为空(不需要就删掉这一项)")
            else:
                self.problems.append(wrong_type(self.path + (key,), expected, value))
            return ()
        items = []
        for index, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                items.append(item.strip())
            elif item is None or isinstance(item, str):
                self.problems.append(Problem(self.path + (key, index), "不能为空"))
            else:
                self.problems.append(wrong_type(self.path + (key, index), "文本", item))
        return tuple(items)

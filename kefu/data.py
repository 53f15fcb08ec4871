"""Loaders for the course's data files (standards, rules, practice tables).

Every loader resolves files through :mod:`kefu._paths`, never through the
current directory, and turns every failure into a :class:`DataFileError`
whose Chinese message names the file, the line and the fix.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from ._paths import data_path
from .errors import DataFileMalformed

# libyaml's safe loader when it is installed (PyYAML wheels ship it): same result, much faster
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = ["load_yaml", "load_table", "load_standards", "Standards", "Standard"]


def _display_name(path: Path) -> str:
    return f"data/{path.name}" if path.parent.name in {"data", "_data"} else str(path)


def load_yaml(name: str | Path) -> Any:
    """Read a YAML file from ``data/`` (or an explicit path) with safe_load."""
    path = Path(name) if Path(name).is_absolute() else data_path(str(name))
    shown = _display_name(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileMalformed(shown, "不是 UTF-8 编码的文本", fix="请用 UTF-8 编码另存该文件。") from exc
    try:
        try:
            return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
        except yaml.YAMLError:
            return yaml.safe_load(text)  # the pure-Python loader words the error the same everywhere
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise DataFileMalformed(shown, f"YAML 语法错误({exc.problem})", line=line,
                                fix="请检查该行的缩进、冒号和引号。") from exc
    except yaml.YAMLError as exc:
        raise DataFileMalformed(shown, f"YAML 无法解析({exc})") from exc


def _key_line(path: Path, keys: Iterable[str]) -> int | None:
    """1-based line of a nested mapping key, for error messages."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return None
    line = None
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            return line
        for key_node, value_node in node.value:
            if key_node.value == key:
                line = key_node.start_mark.line + 1
                node = value_node
                break
        else:
            return line
    return line


def load_table(name: str, *, columns: Iterable[str] | None = None,
               parse_dates: Iterable[str] = (), dtype: dict | None = None):
    """Read a CSV file from ``data/`` as a pandas DataFrame.

    ``columns`` lists the columns that must be present; ``parse_dates`` names
    the columns converted with :func:`pandas.to_datetime` (a bad value names
    its line).
    """
    import pandas as pd

    path = data_path(name)
    shown = _display_name(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataFileMalformed(shown, "不是 UTF-8 编码", line=line,
                                fix="请用 UTF-8 编码另存该文件(Excel 里选“CSV UTF-8”)。") from exc
    if not text.strip():
        raise DataFileMalformed(shown, "文件是空的", fix="请用 git checkout 恢复,或运行 python -m kefu.datagen 重新生成。")
    _check_field_counts(shown, text)
    frame = pd.read_csv(io.StringIO(text), dtype=dtype or {}, keep_default_na=True)
    missing = [c for c in (columns or ()) if c not in frame.columns]
    if missing:
        raise DataFileMalformed(shown, f"缺少列 {', '.join(missing)}", line=1,
                                fix="请检查表头(第 1 行)的列名是否被改动。")
    for column in parse_dates:
        if column not in frame.columns:
            raise DataFileMalformed(shown, f"缺少日期列 {column}", line=1)
        parsed = pd.to_datetime(frame[column], errors="coerce", format="mixed")
        bad = frame[column].notna() & parsed.isna()
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise DataFileMalformed(shown, f"列 {column} 的值 {frame[column].iloc[row]!r} 不是有效的日期时间",
                                    line=row + 2, fix="请使用 YYYY-MM-DD HH:MM:SS 格式。")
        frame[column] = parsed
    return frame


def _check_field_counts(shown: str, text: str) -> None:
    """Name the first line whose number of fields differs from the header."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
        for row in reader:
            if row and len(row) != len(header):
                raise DataFileMalformed(
                    shown, f"这一行有 {len(row)} 个字段,表头有 {len(header)} 个",
                    line=reader.line_num,
                    fix="请检查该行是否多了或少了逗号(含逗号的内容要用英文双引号括起来)。")
    except csv.Error as exc:
        raise DataFileMalformed(shown, f"CSV 格式错误({exc})", line=reader.line_num) from exc


@dataclass(frozen=True)
class Standard:
    """One store standard: a value, its unit and where it comes from."""

    key: str
    name: str
    value: float | int
    unit: str
    source: str
    note: str = ""
    alternatives: tuple = field(default_factory=tuple)

    def describe(self) -> str:
        """One Chinese sentence for the notebook's prose."""
        text = f"{self.name}:{_fmt(self.value)} {self.unit}(出处:{self.source})"
        others = [f"{_fmt(a['value'])} {self.unit}({a['source']})" for a in self.alternatives]
        if others:
            text += ";另有资料给出 " + "、".join(others)
        return text


def _fmt(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


class Standards:
    """The store standards of ``data/standards.yaml``.

    Each store sets its own targets; this file records the values the course
    material gives and where each comes from.
    """

    REQUIRED = ("name", "value", "unit", "source")

    def __init__(self, items: dict[str, Standard], kpi_scheme: dict, path: str):
        self._items = items
        self.kpi_scheme = kpi_scheme
        self.path = path

    def __getitem__(self, key: str) -> Standard:
        try:
            return self._items[key]
        except KeyError:
            known = "、".join(self._items)
            raise KeyError(f"{self.path} 中没有标准 {key!r};已有:{known}") from None

    def __contains__(self, key: str) -> bool:
        return key in self._items

    def __iter__(self):
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def value(self, key: str):
        """The value of one standard, e.g. ``value("first_response_s")``."""
        return self[key].value

    def table(self):
        """All standards as a DataFrame (标准, 数值, 单位, 出处) for display."""
        import pandas as pd

        return pd.DataFrame(
            [(s.name, _fmt(s.value), s.unit, s.source, s.note) for s in self],
            columns=["标准", "数值", "单位", "出处", "说明"],
        )


def load_standards(name: str = "standards.yaml") -> Standards:
    """Load and validate the store standards file."""
    path = data_path(name)
    shown = _display_name(path)
    doc = load_yaml(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("standards"), dict):
        raise DataFileMalformed(shown, "顶层必须有 standards: 映射", line=1)
    items: dict[str, Standard] = {}
    for key, entry in doc["standards"].items():
        line = _key_line(path, ["standards", key])
        if not isinstance(entry, dict):
            raise DataFileMalformed(shown, f"标准 {key} 必须是一个映射(含 name/value/unit/source)", line=line)
        missing = [f for f in Standards.REQUIRED if f not in entry]
        if missing:
            raise DataFileMalformed(shown, f"标准 {key} 缺少字段 {', '.join(missing)}", line=line)
        if isinstance(entry["value"], bool) or not isinstance(entry["value"], (int, float)):
            raise DataFileMalformed(shown, f"标准 {key} 的 value 必须是数字,现在是 {entry['value']!r}", line=line)
        alternatives = tuple(entry.get("alternatives") or ())
        for alt in alternatives:
            if not isinstance(alt, dict) or "value" not in alt or "source" not in alt:
                raise DataFileMalformed(shown, f"标准 {key} 的 alternatives 每项都要有 value 和 source", line=line)
        items[key] = Standard(key=key, name=str(entry["name"]), value=entry["value"],
                              unit=str(entry["unit"]), source=str(entry["source"]),
                              note=str(entry.get("note", "")), alternatives=alternatives)
    scheme = doc.get("kpi_scheme") or {}
    if not isinstance(scheme, dict):
        raise DataFileMalformed(shown, "kpi_scheme 必须是映射", line=_key_line(path, ["kpi_scheme"]))
    return Standards(items, scheme, shown)

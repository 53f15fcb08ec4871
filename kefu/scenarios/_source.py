"""One scenario file as text, data and YAML node tree, so problems can name their line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .._paths import data_dir
from ..errors import DataFileMissing

Part = str | int


@dataclass(frozen=True)
class Problem:
    """One problem of a scenario file: the field it concerns and a Chinese sentence."""

    path: tuple[Part, ...]
    message: str


def field_path(parts: tuple[Part, ...]) -> str:
    """``("nodes", "greet", "choices", 1, "next")`` → ``nodes.greet.choices[1].next``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (("." if text else "") + str(part))
    return text


def display_name(path: Path) -> str:
    """``data/scenarios/<file>`` for a course scenario, the path itself otherwise."""
    try:
        inside = path.resolve().parent == (data_dir() / "scenarios").resolve()
    except DataFileMissing:
        inside = False
    if inside or (path.parent.name == "scenarios" and path.parent.parent.name in {"data", "_data"}):
        return f"data/scenarios/{path.name}"
    return str(path)


# Chinese hints for PyYAML's most common complaints; the original English stays in the message.
_YAML_HINTS = {
    "mapping values are not allowed": "这一行多了“冒号+空格”或缩进不对;文本里有英文冒号时请给整段文本加引号",
    "cannot start any token": "不能用 Tab 缩进,请改用空格",
    "expected <block end>": "缩进不一致:同一层的字段要对齐,列表项的 - 要对齐",
    "could not find expected ':'": "缺少冒号,或上一行的引号没有配对",
    "expected ',' or ']'": "方括号 [ ] 里的英文逗号和问号会拆开文本,请把列表改成每项一行(- 开头)或给文本加引号",
    "expected ',' or '}'": "花括号 { } 里的英文逗号会拆开文本,请改成每个字段一行或给文本加引号",
}


def _yaml_hint(problem: str | None) -> str:
    for key, hint in _YAML_HINTS.items():
        if key in (problem or ""):
            return hint
    return "请检查缩进、冒号和引号"


class SourceFile:
    """A parsed scenario file; ``error`` is set when it cannot be read as YAML."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.shown = display_name(self.path)
        self.data: Any = None
        self.root: yaml.Node | None = None
        self.error: Problem | None = None
        self.error_line: int | None = None
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.error = Problem((), "文件不存在")
            return
        except OSError as exc:
            self.error = Problem((), f"无法读取({exc.strerror or exc})")
            return
        except UnicodeDecodeError:
            self.error = Problem((), "不是 UTF-8 编码的文本,请用 UTF-8 编码另存")
            return
        try:  # libyaml when present (~10x faster); its error texts differ, so errors are re-read below
            fast = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
            try:
                self.root = fast.get_single_node()
                self.data = fast.construct_document(self.root) if self.root is not None else None
                return
            finally:
                fast.dispose()
        except yaml.YAMLError:
            pass
        loader = yaml.SafeLoader(text)
        try:
            self.root = loader.get_single_node()
            self.data = loader.construct_document(self.root) if self.root is not None else None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            self.error_line = mark.line + 1 if mark is not None else None
            self.error = Problem((), f"YAML 语法错误({exc.problem or exc.context}),{_yaml_hint(exc.problem)}")
        except yaml.YAMLError as exc:
            self.error = Problem((), f"YAML 无法解析({exc})")
        finally:
            loader.dispose()

    def line(self, parts: tuple[Part, ...]) -> int | None:
        """1-based line of a field, or of its closest existing parent."""
        node, line = self.root, None
        for part in parts:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                found = [(k, v) for k, v in node.value if k.value == part]
                if not found:
                    break
                key, node = found[-1]  # YAML keeps the last of duplicate keys
                line = key.start_mark.line + 1
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
        return line

    def duplicate_keys(self) -> list[Problem]:
        """Every key written twice in the same mapping (YAML silently keeps the last one)."""
        problems: list[Problem] = []
        self._duplicates(self.root, (), problems)
        return problems

    def _duplicates(self, node, parts, problems) -> None:
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key, value in node.value:
                if key.value in first:
                    problems.append(Problem(parts + (key.value,), f"与第 {first[key.value]} 行重名"
                                            "(同一层里的名字不能重复,YAML 只会保留后写的那个)"))
                first.setdefault(key.value, key.start_mark.line + 1)
                self._duplicates(value, parts + (key.value,), problems)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self._duplicates(item, parts + (index,), problems)

    def describe(self, problem: Problem) -> str:
        """``data/scenarios/<file>:<field> <message>(第 N 行)``."""
        line = self.error_line if problem is self.error else self.line(problem.path)
        where = field_path(problem.path)
        text = f"{self.shown}:{where} {problem.message}" if where else f"{self.shown}:{problem.message}"
        return text + (f"(第 {line} 行)" if line else "")

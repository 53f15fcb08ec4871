"""The store's quick replies, FAQ answers and message routing rules (``data/quick_replies.yaml``, M11).

Texts may hold placeholders such as ``{ship_within_h}``: they are filled with the value of the standard of
that name in ``data/standards.yaml``, so a store that changes a standard changes its replies too. Every
problem of the file is a :class:`~kefu.errors.DataFileMalformed` naming the entry and the fix.
"""

from __future__ import annotations

import re
from typing import Any

from .data import Standards, load_standards, load_yaml
from .errors import DataFileMalformed

__all__ = ["load_quick_replies", "fill_placeholders", "commands_table", "faq_table", "FILE"]

FILE = "quick_replies.yaml"
_SHOWN = f"data/{FILE}"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_FIX = "请对照文件开头的说明修正。"


def _fail(problem: str) -> DataFileMalformed:
    return DataFileMalformed(_SHOWN, problem, fix=_FIX)


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def fill_placeholders(text: str, standards: Standards, *, where: str = "") -> str:
    """``text`` with every ``{key}`` replaced by the value of standard ``key``."""
    def value(match: re.Match) -> str:
        key = match.group(1)
        if key not in standards:
            raise _fail(f"{where}的占位符 {{{key}}} 不是 data/standards.yaml 中的标准")
        return _number(standards.value(key))

    return _PLACEHOLDER.sub(value, text)


def _text(entry: Any, key: str, where: str) -> str:
    value = entry.get(key) if isinstance(entry, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise _fail(f"{where}缺少 {key}(非空文字)")
    return value


def _list(entry: Any, key: str, where: str) -> list:
    value = entry.get(key) if isinstance(entry, dict) else None
    if not isinstance(value, list) or not value:
        raise _fail(f"{where}的 {key} 必须是非空的列表")
    return value


def _commands(doc: dict, standards: Standards) -> list[dict]:
    commands, seen = [], set()
    for n, entry in enumerate(_list(doc, "commands", ""), start=1):
        where = f"commands 第 {n} 项"
        command = _text(entry, "command", where)
        if not command.startswith("/"):
            raise _fail(f"{where}的指令 {command!r} 要以 / 开头")
        if command in seen:
            raise _fail(f"{where}的指令 {command} 重复")
        seen.add(command)
        where = f"指令 {command} "
        commands.append({"command": command, "name": _text(entry, "name", where), "use": _text(entry, "use", where),
                         "text": fill_placeholders(_text(entry, "text", where), standards, where=where)})
    return commands


def _faq(doc: dict, standards: Standards) -> list[dict]:
    categories = []
    for n, entry in enumerate(_list(doc, "faq", ""), start=1):
        category = _text(entry, "category", f"faq 第 {n} 项")
        where = f"常见问题类别 {category} "
        examples = [str(x) for x in _list(entry, "examples", where)]
        answers = []
        for m, answer in enumerate(_list(entry, "answers", where), start=1):
            topic = _text(answer, "topic", f"{where}answers 第 {m} 项")
            text = _text(answer, "text", f"{where}“{topic}” ")
            answers.append({"topic": topic, "text": fill_placeholders(text, standards, where=f"{where}“{topic}” ")})
        categories.append({"category": category, "examples": examples, "answers": answers})
    return categories


def _routing(doc: dict, commands: list[dict]) -> dict:
    routing = doc.get("routing")
    if not isinstance(routing, dict):
        raise _fail("缺少 routing:(default 和 rules)")
    default = _text(routing, "default", "routing ")
    known = {c["command"] for c in commands} | {default}
    rules = []
    for n, rule in enumerate(_list(routing, "rules", "routing "), start=1):
        where = f"routing 第 {n} 条规则"
        reply = _text(rule, "reply", where)
        if reply not in known:
            raise _fail(f"{where}的 reply {reply!r} 既不是 commands 里的指令,也不是 default")
        keywords = _list(rule, "keywords", where)
        if not all(isinstance(k, str) and k.strip() for k in keywords):
            raise _fail(f"{where}的 keywords 里每一项都要是非空文字")
        rules.append({"reply": reply, "keywords": list(keywords), "why": str(rule.get("why", ""))})
    return {"default": default, "rules": rules}


def load_quick_replies(name: str = FILE, *, standards: Standards | None = None) -> dict:
    """The validated file with every placeholder filled: commands, faq, routing, bot."""
    doc = load_yaml(name)
    if not isinstance(doc, dict):
        raise _fail("文件的顶层必须是一个映射")
    standards = standards if standards is not None else load_standards()
    commands = _commands(doc, standards)
    return {"store": str(doc.get("store", "")), "commands": commands, "faq": _faq(doc, standards),
            "routing": _routing(doc, commands), "bot": doc.get("bot") or {}}


def commands_table(quick_replies: dict):
    """The quick commands as a DataFrame (指令, 名称, 什么时候用, 话术) for display."""
    import pandas as pd

    return pd.DataFrame([(c["command"], c["name"], c["use"], c["text"]) for c in quick_replies["commands"]],
                        columns=["指令", "名称", "什么时候用", "话术"])


def faq_table(quick_replies: dict):
    """The standard FAQ answers as a DataFrame (类别, 问题, 标准答案), numbered from 1."""
    import pandas as pd

    rows = [(c["category"], a["topic"], a["text"]) for c in quick_replies["faq"] for a in c["answers"]]
    table = pd.DataFrame(rows, columns=["类别", "问题", "标准答案"])
    table.index = range(1, len(table) + 1)
    return table

"""Scenario YAML → model, recording every schema problem (types, required fields, allowed values).

The model is built leniently (a broken field gets a default) so that the graph checks can
still run; :mod:`.validate` decides whether the file is usable.
"""

from __future__ import annotations

from typing import Any

from . import vocab
from ._fields import Fields, as_mapping, type_name, wrong_type
from ._source import Part, Problem
from .model import BuyerProfile, Choice, Ending, Node, Scenario

_DEAD_END_HINT = "非结束节点至少要有 2 个选项,学员才有选择"
_NO_FEEDBACK = "没有反馈(每个选项都要写 feedback,说明这样回复好在哪里或错在哪里)"


def parse_scenario(doc: Any, problems: list[Problem]) -> Scenario | None:
    """The scenario of a YAML document, or None when its top level is not a mapping."""
    if not isinstance(doc, dict):
        problems.append(Problem((), "文件的顶层必须是一个映射(id: …、title: … 这样的“键: 值”),"
                                    "请对照 docs/SCENARIOS.md 的示例"))
        return None
    f = Fields(doc, (), problems, vocab.TOP_FIELDS)
    scenario_id = f.text("id")
    title = f.text("title")
    module = f.text("module")
    if module and not vocab.MODULE_PATTERN.fullmatch(module):
        f.problem("module", f"“{module}” 不是课程模块(应为 M01…M12 之一)")
    tags = f.texts("tags", single_allowed=False, empty_allowed=True)
    summary = f.text("summary")
    buyer = _buyer(doc.get("buyer"), problems) if f.has("buyer") else None
    if buyer is None:
        if not f.has("buyer"):
            f.problem("buyer", "未填写(必填字段)")
        buyer = BuyerProfile("", "", "", "")
    agent = f.text("agent", required=False, default=vocab.DEFAULT_AGENT)
    time_standard = f.text("time_standard")
    start = f.text("start")
    nodes = _nodes(doc.get("nodes"), problems) if f.has("nodes") else {}
    if not f.has("nodes"):
        f.problem("nodes", "未填写(必填字段)")
    return Scenario(id=scenario_id, title=title, module=module, tags=tags, summary=summary, buyer=buyer,
                    agent=agent, time_standard=time_standard, start=start, nodes=nodes)


def _buyer(raw: Any, problems: list[Problem]) -> BuyerProfile | None:
    raw = as_mapping(raw, ("buyer",), problems)
    if raw is None:
        return None
    f = Fields(raw, ("buyer",), problems, vocab.BUYER_FIELDS)
    personalities, behaviours = "、".join(vocab.PERSONALITIES), "、".join(vocab.BEHAVIOURS)
    return BuyerProfile(
        nickname=f.text("nickname"),
        personality=f.one_of("personality", vocab.PERSONALITIES,
                             "“{value}” 不是 M03 的性格类型(可选:" + personalities + ")"),
        behaviour=f.one_of("behaviour", vocab.BEHAVIOURS,
                           "“{value}” 不是 M03 的购买行为类型(可选:" + behaviours + ")"),
        product=f.text("product"),
        note=f.text("note", required=False))


def _nodes(raw: Any, problems: list[Problem]) -> dict[str, Node]:
    raw = as_mapping(raw, ("nodes",), problems)
    if raw is None:
        return {}
    if not raw:
        problems.append(Problem(("nodes",), "不能为空(至少要有开始节点和结束节点)"))
    nodes = {}
    for key, value in raw.items():
        if not isinstance(key, str):
            problems.append(Problem(("nodes", str(key)), f"节点名应为文本(如 greet、ask_title),"
                                                         f"现在是{type_name(key)}"))
        nodes[str(key)] = _node(str(key), value, problems)
    return nodes


def _node(node_id: str, raw: Any, problems: list[Problem]) -> Node:
    path: tuple[Part, ...] = ("nodes", node_id)
    raw = as_mapping(raw, path, problems)
    if raw is None:
        return Node(node_id)
    f = Fields(raw, path, problems, vocab.NODE_FIELDS)
    messages = f.texts("buyer", single_allowed=True, empty_allowed=False)
    end = _ending(raw["end"], path + ("end",), problems) if f.has("end") else None
    choices = _choices(raw["choices"], path + ("choices",), problems) if f.has("choices") else ()
    if f.has("end") and f.has("choices"):
        f.problem(None, "同时有 end 和 choices(结束节点不能再有选项;要继续对话就删掉 end)")
    elif not f.has("end") and not f.has("choices"):
        f.problem(None, f"既没有 end 也没有 choices,是死胡同({_DEAD_END_HINT};对话到此结束就写 end)")
    elif not f.has("end") and isinstance(raw["choices"], list) and len(raw["choices"]) < 2:
        f.problem("choices", f"只有 {len(raw['choices'])} 个选项,是死胡同({_DEAD_END_HINT})")
    return Node(node_id, messages, choices, end)


def _ending(raw: Any, path: tuple[Part, ...], problems: list[Problem]) -> Ending:
    mapping = as_mapping(raw, path, problems)
    if mapping is None:
        return Ending("", "")
    f = Fields(mapping, path, problems, vocab.END_FIELDS)
    return Ending(outcome=f.text("outcome"),
                  result=f.one_of("result", vocab.RESULTS,
                                  "“{value}” 不是可用的结果(可选:" + "、".join(vocab.RESULTS) + ")"),
                  converted=f.flag("converted"),
                  summary=f.text("summary"))


def _choices(raw: Any, path: tuple[Part, ...], problems: list[Problem]) -> tuple[Choice, ...]:
    if not isinstance(raw, list):
        problems.append(wrong_type(path, "列表(每个选项以 - 开头)", raw))
        return ()
    return tuple(_choice(item, path + (index,), problems) for index, item in enumerate(raw))


def _choice(raw: Any, path: tuple[Part, ...], problems: list[Problem]) -> Choice:
    raw = as_mapping(raw, path, problems)
    if raw is None:
        return Choice("", "", None)
    f = Fields(raw, path, problems, vocab.CHOICE_FIELDS)
    effects = as_mapping(raw["effects"], path + ("effects",), problems) if f.has("effects") else {}
    e = Fields(effects or {}, path + ("effects",), problems, vocab.EFFECT_FIELDS)
    return Choice(
        reply=f.text("reply"),
        feedback=f.text("feedback", empty=_NO_FEEDBACK, missing=_NO_FEEDBACK),
        next=f.text("next", default=None),
        mood=e.integer("mood", 0, *vocab.MOOD_RANGE),
        seconds=e.integer("seconds", vocab.DEFAULT_SECONDS, *vocab.SECONDS_RANGE),
        violation=f.text("violation", required=False, default=None),
        major=f.text("major", required=False, default=None),
        principle=f.text("principle", required=False, default=None))

"""Format checks for the visible test cells of graded items.

A format check says whether an answer has the right *shape* (type, allowed
labels, length, columns). It never says whether the answer is right: every
passing check prints the same sentence, so trying options one by one teaches
nothing about the key. Correctness is decided by hidden tests at grading time.
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable, Iterable, Sequence

from ._numbers import is_real_number
from .errors import AnswerFormatError

__all__ = [
    "PASSED",
    "check_choice",
    "check_labels",
    "check_order",
    "check_number",
    "check_text",
    "check_function",
    "check_stored_choice",
    "check_shift_record",
]

PASSED = "✓ 格式检查通过(只检查格式;是否答对,评分后才会知道)"


def _passed() -> None:
    print(PASSED)


def _type_name(value: Any) -> str:
    names = {str: "字符串", int: "整数", float: "小数", list: "列表", dict: "字典", tuple: "元组",
             bool: "布尔值", type(None): "None(还没有作答?)"}
    return names.get(type(value), type(value).__name__)


def _options_text(options: Iterable[str]) -> str:
    return "、".join(f"“{o}”" for o in options)


def check_choice(value: Any, options: Sequence[str], *, name: str) -> None:
    """``value`` must be one of ``options`` (a string)."""
    if not isinstance(value, str):
        raise AnswerFormatError(f"{name} 应该是一个字符串,例如 “{options[0]}”,现在是{_type_name(value)}。")
    if value.strip() != value:
        raise AnswerFormatError(f"{name} 的前后多了空格,请去掉:{value!r}。")
    if value not in options:
        raise AnswerFormatError(f"{name} 只能是 {_options_text(options)} 之一,现在是 “{value}”。")
    _passed()


def check_labels(values: Any, labels: Sequence[str], *, count: int, name: str) -> None:
    """``values`` must be a list of ``count`` strings, each one of ``labels``."""
    if not isinstance(values, list):
        raise AnswerFormatError(f"{name} 应该是一个列表(用方括号 [ ] 写),现在是{_type_name(values)}。")
    if len(values) != count:
        raise AnswerFormatError(f"{name} 应该有 {count} 个元素,现在有 {len(values)} 个。")
    for position, value in enumerate(values, start=1):
        if not isinstance(value, str) or value not in labels:
            raise AnswerFormatError(
                f"{name} 的第 {position} 个元素是 {value!r},只能是 {_options_text(labels)} 之一。")
    _passed()


def check_order(values: Any, items: Sequence[str], *, name: str) -> None:
    """``values`` must list every one of ``items`` exactly once, in some order."""
    if not isinstance(values, list):
        raise AnswerFormatError(f"{name} 应该是一个列表(用方括号 [ ] 写),现在是{_type_name(values)}。")
    bad = [v for v in values if not isinstance(v, str) or v not in items]
    if bad:
        raise AnswerFormatError(f"{name} 里有不在选项中的内容:{bad!r}。请只使用:{_options_text(items)}。")
    repeated = sorted({v for v in values if values.count(v) > 1}, key=list(items).index)
    if repeated:
        raise AnswerFormatError(f"{name} 里这些步骤出现了不止一次:{_options_text(repeated)}。")
    missing = [i for i in items if i not in values]
    if missing:
        raise AnswerFormatError(f"{name} 还缺少:{_options_text(missing)}。每个步骤都要出现一次。")
    _passed()


def check_number(value: Any, *, name: str) -> None:
    """``value`` must be a finite int or float, numpy numbers included (not a string, not a bool)."""
    if not is_real_number(value):
        hint = ",请去掉引号" if isinstance(value, str) else ""
        raise AnswerFormatError(f"{name} 应该是一个数字{hint},现在是{_type_name(value)}。")
    if not math.isfinite(float(value)):
        raise AnswerFormatError(f"{name} 不能是 NaN 或无穷大,现在是 {value!r}。")
    _passed()


def check_text(value: Any, *, name: str, min_chars: int = 10, placeholder: str | None = None) -> None:
    """``value`` must be a string of at least ``min_chars`` non-blank characters."""
    if not isinstance(value, str):
        raise AnswerFormatError(f"{name} 应该是一段文字(字符串),现在是{_type_name(value)}。")
    stripped = "".join(value.split())
    if placeholder and placeholder in value:
        raise AnswerFormatError(f"{name} 还是示例占位文字,请换成你自己写的回复。")
    if len(stripped) < min_chars:
        raise AnswerFormatError(f"{name} 太短了:至少要写 {min_chars} 个字,现在只有 {len(stripped)} 个。")
    _passed()


def check_function(func: Any, *, name: str, sample: Callable[[], tuple], returns: type,
                   columns: Sequence[str] | None = None) -> None:
    """``func`` must be callable and return ``returns`` (with ``columns``) on a sample input.

    ``sample`` builds the arguments afresh so the learner's function cannot
    change the data the next check uses.
    """
    if not callable(func):
        raise AnswerFormatError(f"{name} 应该是一个函数(用 def 定义),现在是{_type_name(func)}。")
    try:
        with warnings.catch_warnings():
            # a pandas FutureWarning would reach stderr, which nbgrader scores as a failure
            warnings.simplefilter("ignore")
            result = func(*sample())
    except NotImplementedError:
        raise AnswerFormatError(f"{name} 还没有实现:请删掉 raise NotImplementedError() 并写出函数体。") from None
    except Exception as exc:  # the learner's code may raise anything
        raise AnswerFormatError(
            f"用示例数据调用 {name} 时出错:{type(exc).__name__}: {exc}。请先在上面的单元格里自己试一试。") from exc
    if not isinstance(result, returns):
        raise AnswerFormatError(f"{name} 应该返回 {returns.__name__},现在返回的是{_type_name(result)}。")
    if columns is not None:
        got = list(getattr(result, "columns", []))
        if got != list(columns):
            raise AnswerFormatError(f"{name} 返回的表格列应该依次是 {list(columns)},现在是 {got}。")
    _passed()


def check_stored_choice(item_id: str, options: Sequence[str]) -> None:
    """The graded widget ``item_id`` has a saved, untampered choice among ``options``."""
    from .answers import read_answer

    stored = read_answer(item_id, options=list(options))
    if stored.value is None:
        raise AnswerFormatError(stored.problem)
    _passed()


def check_shift_record(item_id: str, seed: int) -> None:
    """The shift drill ``item_id`` (``kefu.shift.start(seed, record=item_id)``) has a saved, untampered
    record of that shift; how well it went is decided by the hidden test."""
    from .shift.grading import recorded_shift

    recorded = recorded_shift(item_id, seed)
    if recorded.desk is None:
        raise AnswerFormatError(recorded.problem)
    _passed()

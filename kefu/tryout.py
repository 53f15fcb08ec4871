"""Self-study: try a pandas function on a practice item's cases, with an explanation per case."""

from __future__ import annotations

from ._style import STYLE_TAG

import html
import warnings

from . import progress

NOT_IMPLEMENTED = "函数还没有实现"


def _build_arg(spec):
    """An argument from its file form: {frame: {col: [...]}, parse_dates: [col]} or {data: file, key: name}."""
    import pandas as pd

    from .data import load_yaml

    if isinstance(spec, dict) and "frame" in spec:
        frame = pd.DataFrame(spec["frame"])
        for column in spec.get("parse_dates", []):  # YAML has no date type: name the date columns
            frame[column] = pd.to_datetime(frame[column])
        return frame
    if isinstance(spec, dict) and "data" in spec:
        doc = load_yaml(spec["data"])
        return doc[spec["key"]] if "key" in spec else doc
    return spec


def _detail(exc: Exception) -> str:
    """A short reason for a failed case: the first lines of the message, with pandas' left/right named."""
    lines = [" ".join(line.split()) for line in str(exc).strip().splitlines()
             if line.strip() and not line.startswith("[index]")]
    text = "; ".join(lines[:4]).replace("[left]:", "[你的结果]:").replace("[right]:", "[期望]:")
    return f"{type(exc).__name__}: {text[:300]}" if text else type(exc).__name__


class TryReport:
    """Which practice cases passed; shows itself as a list in a notebook."""

    def __init__(self, title: str, results: list):
        self.title, self.results = title, results

    @property
    def implemented(self) -> bool:
        """False when every case stopped at the stub's NotImplementedError."""
        return not self.results or any(detail != NOT_IMPLEMENTED for _ok, _name, detail, _e in self.results)

    @property
    def passed(self) -> int:
        return sum(1 for ok, *_ in self.results if ok)

    def __str__(self) -> str:
        lines = [f"{self.title}:通过 {self.passed}/{len(self.results)} 个练习用例"]
        if not self.implemented:
            lines.append(f"× {NOT_IMPLEMENTED}:把 raise NotImplementedError() 换成你的代码,再运行这个单元格。"
                         "会检查这些用例:")
            lines += [f"  · {name}" for _ok, name, _d, _e in self.results]
            return "\n".join(lines)
        for ok, name, detail, explanation in self.results:
            lines.append(f"{'✓' if ok else '×'} {name}" + ("" if ok else f" —— {detail}"))
            if not ok:
                lines.append(f"    提示:{explanation}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head, *rest = str(self).splitlines()
        return STYLE_TAG + "<pre class='kefu-tryout'><b>" + html.escape(head) + "</b>\n" + html.escape("\n".join(rest)) + "</pre>"


def try_function(func, module: str, item_id: str) -> TryReport:
    """Run ``func`` on the cases of practice item ``item_id`` and explain each failure."""
    import pandas as pd

    from .widgets.practice_bank import FunctionItem, load_practice

    matches = [i for i in load_practice(module) if i.id == item_id and isinstance(i, FunctionItem)]
    if not matches:
        raise KeyError(f"data/practice/{module}.yaml 中没有函数练习 {item_id!r}")
    item = matches[0]
    results = []
    for case in item.cases:
        expected = pd.DataFrame(case.expected)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                got = func(*[_build_arg(a) for a in case.args])
            if not isinstance(got, pd.DataFrame):
                raise AssertionError(f"应返回 DataFrame,实际返回 {type(got).__name__}")
            pd.testing.assert_frame_equal(got.reset_index(drop=True), expected, check_dtype=False,
                                          check_exact=False, rtol=1e-6)
            results.append((True, case.name, "", case.explanation))
        except NotImplementedError:
            results.append((False, case.name, NOT_IMPLEMENTED, case.explanation))
        except Exception as exc:  # the learner's code may raise anything
            results.append((False, case.name, _detail(exc), case.explanation))
    report = TryReport(item.title, results)
    if report.implemented:  # running the untouched stub (e.g. "run all") is not an attempt
        progress.record(item.id, report.passed == len(results))
    return report

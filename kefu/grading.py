"""Scoring helpers for hidden tests.

The expected values are written in the hidden test cells of ``source/`` and
passed in here; this module holds no answer. Each helper returns the points
earned as a plain float, which nbgrader reads as partial credit when it is
the last expression of a test cell. Comparisons are strict about types, so
an object that only pretends to equal the answer earns nothing.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ._numbers import is_real_number

__all__ = [
    "score_choice", "score_labels", "score_order", "score_number",
    "score_stored_choice", "score_shift_record", "Case", "score_cases", "expect_frame", "expect_series", "expect_value",
]


def _points(earned: float) -> float:
    return float(round(earned, 2))


def _same_str(value: Any, expected: str) -> bool:
    return type(value) is str and str.__eq__(value, expected) is True


def score_choice(value: Any, expected: str, points: float) -> float:
    """All points when ``value`` is exactly the expected option, else 0."""
    return _points(points if _same_str(value, expected) else 0.0)


def score_stored_choice(item_id: str, expected: str, points: float, options: Sequence[str]) -> float:
    """Points for the choice saved by a graded widget; no, damaged or tampered answer earns 0."""
    from .answers import read_answer

    stored = read_answer(item_id, options=list(options))
    return score_choice(stored.value, expected, points)


def score_shift_record(item_id: str, seed: int, points: float) -> float:
    """Points for the recorded shift, recomputed by replaying it (see :mod:`kefu.shift.grading`)."""
    from .shift.grading import score_shift

    return score_shift(item_id, seed, points)


def score_labels(values: Any, expected: Sequence[str], points: float) -> float:
    """Points in proportion to the labels that match, position by position."""
    if type(values) is not list or len(values) != len(expected):
        return 0.0
    right = sum(1 for v, e in zip(values, expected) if _same_str(v, e))
    return _points(points * right / len(expected))


def score_order(values: Any, expected: Sequence[str], points: float, *, partial: bool = False) -> float:
    """All points for the exact order; with ``partial``, a share per item in place."""
    if type(values) is not list or len(values) != len(expected):
        return 0.0
    right = sum(1 for v, e in zip(values, expected) if _same_str(v, e))
    if right == len(expected):
        return _points(points)
    return _points(points * right / len(expected)) if partial else 0.0


def score_number(value: Any, expected: float, points: float, *, tol: float = 1e-6) -> float:
    """All points when ``value`` is a real number within ``tol`` of ``expected``."""
    if not is_real_number(value):
        return 0.0
    number = float(value)
    if not math.isfinite(number):
        return 0.0
    return _points(points if abs(number - float(expected)) <= tol else 0.0)


@dataclass(frozen=True)
class Case:
    """One hidden test case of a learner's function.

    ``make_args`` builds fresh arguments for each call; ``check`` receives the
    result and raises AssertionError (or returns False) when it is wrong.
    """

    name: str
    make_args: Callable[[], tuple]
    check: Callable[[Any], Any]


def score_cases(func: Any, cases: Sequence[Case], points: float, *, report: bool = True) -> float:
    """Run every case; points in proportion to the cases passed.

    A case that raises, returns the wrong type or fails its check earns
    nothing, and the others still run. With ``report``, one line per case
    goes to standard output (never standard error, which nbgrader counts as
    a failure of the whole cell).
    """
    if not callable(func) or not cases:
        return 0.0
    passed = 0
    for case in cases:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                outcome = case.check(func(*case.make_args()))
            ok = outcome is None or outcome is True
        except Exception as exc:  # any failure of the learner's code fails this case only
            ok = False
            detail = f"{type(exc).__name__}: {exc}".splitlines()[0][:160]
        else:
            detail = "" if ok else "结果不符合要求"
        passed += ok
        if report:
            print(f"{'✓' if ok else '×'} {case.name}" + ("" if ok else f" —— {detail}"))
    return _points(points * passed / len(cases))


def expect_frame(expected, *, rtol: float = 1e-6, check_index_type: bool = False):
    """A ``Case.check`` that wants exactly this DataFrame (values, columns, index, order)."""
    import pandas as pd

    def check(result):
        if type(result) is not pd.DataFrame:
            raise AssertionError(f"应返回 DataFrame,实际返回 {type(result).__name__}")
        pd.testing.assert_frame_equal(result, expected, check_dtype=False, check_exact=False,
                                      rtol=rtol, check_index_type=check_index_type,
                                      check_column_type=False)
    return check


def expect_series(expected, *, rtol: float = 1e-6, check_names: bool = True):
    """A ``Case.check`` that wants exactly this Series (values, index, order)."""
    import pandas as pd

    def check(result):
        if type(result) is not pd.Series:
            raise AssertionError(f"应返回 Series,实际返回 {type(result).__name__}")
        pd.testing.assert_series_equal(result, expected, check_dtype=False, check_exact=False,
                                       rtol=rtol, check_index_type=False, check_names=check_names)
    return check


def expect_value(expected, *, tol: float = 1e-6):
    """A ``Case.check`` that wants this number (within ``tol``) or this exact string."""
    def check(result):
        if isinstance(expected, str):
            ok = _same_str(result, expected)
        else:
            ok = score_number(result, expected, 1.0, tol=tol) == 1.0
        if not ok:
            raise AssertionError(f"结果 {result!r} 不正确")
    return check

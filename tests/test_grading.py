"""Tests of kefu.grading: strict scoring that fake answers cannot fool."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kefu.grading import (Case, expect_frame, expect_value, score_cases, score_choice, score_labels,
                          score_number, score_order)


class LyingStr(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


class Anything:
    def __eq__(self, other):
        return True


def test_choice_is_exact():
    """Does only the exact option string earn the points?"""
    assert score_choice("B", "B", 2) == 2.0
    assert score_choice("A", "B", 2) == 0.0
    assert score_choice(LyingStr("A"), "B", 2) == 0.0
    assert score_choice(Anything(), "B", 2) == 0.0


def test_labels_give_partial_credit():
    """Are labels scored position by position, with lists only?"""
    assert score_labels(["a", "b", "x"], ["a", "b", "c"], 6) == 4.0
    assert score_labels(("a", "b", "c"), ["a", "b", "c"], 6) == 0.0
    assert score_labels(["a", "b"], ["a", "b", "c"], 6) == 0.0
    assert score_labels([Anything()] * 3, ["a", "b", "c"], 6) == 0.0


def test_order_all_or_nothing_or_partial():
    """Is an order all-or-nothing unless partial credit is asked for?"""
    assert score_order(["a", "b", "c"], ["a", "b", "c"], 3) == 3.0
    assert score_order(["a", "c", "b"], ["a", "b", "c"], 3) == 0.0
    assert score_order(["a", "c", "b"], ["a", "b", "c"], 3, partial=True) == 1.0


def test_number_tolerance_and_types():
    """Are numbers within tolerance accepted and strings, bools and NaN refused?"""
    assert score_number(37.5, 37.5, 3) == 3.0
    assert score_number(np.float64(37.504), 37.5, 3, tol=0.01) == 3.0
    assert score_number(37.6, 37.5, 3, tol=0.01) == 0.0
    assert score_number("37.5", 37.5, 3) == 0.0
    assert score_number(True, 1, 3) == 0.0
    assert score_number(float("nan"), 1, 3) == 0.0
    assert score_number(Anything(), 1, 3) == 0.0


def test_cases_are_isolated(capsys):
    """Does one crashing case cost only its own share, with a line per case on stdout?"""
    def halve(x):
        if x == 0:
            raise ZeroDivisionError("boom")
        return x / 2

    cases = [Case("正常", lambda: (4,), expect_value(2)), Case("零", lambda: (0,), expect_value(0)),
             Case("负数", lambda: (-2,), expect_value(-1)), Case("错的", lambda: (6,), expect_value(4))]
    assert score_cases(halve, cases, 6) == 3.0
    out = capsys.readouterr()
    assert out.err == ""
    assert out.out.splitlines()[:2] == ["✓ 正常", "× 零 —— ZeroDivisionError: boom"]


def test_expect_frame_wants_a_real_dataframe():
    """Is a DataFrame subclass that lies about equality refused?"""
    expected = pd.DataFrame({"a": [1, 2]})

    class Fake(pd.DataFrame):
        def equals(self, other):
            return True

    cases = [Case("表", lambda: (), expect_frame(expected))]
    assert score_cases(lambda: expected.copy(), cases, 2, report=False) == 2.0
    assert score_cases(lambda: Fake({"a": [9, 9]}), cases, 2, report=False) == 0.0
    assert score_cases("not callable", cases, 2) == 0.0

"""Tests of kefu.checks: format checks that never reveal correctness."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kefu import checks
from kefu.errors import AnswerFormatError

LABELS = ["售前", "售中", "售后"]


def test_right_and_wrong_answers_print_the_same_line(capsys):
    """Does a format check print the same sentence for any well-formed answer?"""
    for value in LABELS:
        checks.check_choice(value, LABELS, name="q")
    lines = capsys.readouterr().out.splitlines()
    assert lines == [checks.PASSED] * 3


@pytest.mark.parametrize("value, message", [
    (None, "q 应该是一个字符串,例如 “售前”,现在是None(还没有作答?)。"),
    (1, "q 应该是一个字符串,例如 “售前”,现在是整数。"),
    ("售前 ", "q 的前后多了空格,请去掉:'售前 '。"),
    ("售后服务", "q 只能是 “售前”、“售中”、“售后” 之一,现在是 “售后服务”。"),
])
def test_check_choice_messages(value, message):
    """Does each malformed choice get its exact Chinese message?"""
    with pytest.raises(AnswerFormatError) as info:
        checks.check_choice(value, LABELS, name="q")
    assert str(info.value) == message


def test_format_error_is_an_assertion_error():
    """Do nbgrader and learners see a failed format check as a failed test?"""
    assert issubclass(AnswerFormatError, AssertionError)


@pytest.mark.parametrize("values, fragment", [
    ("售前", "应该是一个列表"),
    (["售前"], "应该有 2 个元素,现在有 1 个"),
    (["售前", "退货"], "第 2 个元素是 '退货'"),
])
def test_check_labels(values, fragment):
    """Are a non-list, a wrong length and an unknown label reported?"""
    with pytest.raises(AnswerFormatError, match=fragment):
        checks.check_labels(values, LABELS, count=2, name="q")


@pytest.mark.parametrize("values, fragment", [
    (["b", "a", "x"], "不在选项中的内容:['x']"),
    (["a", "a", "b"], "出现了不止一次:“a”"),
    (["a", "b"], "还缺少:“c”"),
])
def test_check_order(values, fragment):
    """Are unknown, repeated and missing steps reported?"""
    with pytest.raises(AnswerFormatError, match=re.escape(fragment)):
        checks.check_order(values, ["a", "b", "c"], name="q")
    checks.check_order(["c", "a", "b"], ["a", "b", "c"], name="q")


@pytest.mark.parametrize("value, fragment", [
    ("12", "请去掉引号"), (True, "应该是一个数字"), (float("nan"), "不能是 NaN"),
])
def test_check_number(value, fragment):
    """Are strings, booleans and NaN refused as numbers?"""
    with pytest.raises(AnswerFormatError, match=fragment):
        checks.check_number(value, name="q")


def test_check_text_placeholder_and_length():
    """Are the placeholder and a too-short reply refused?"""
    with pytest.raises(AnswerFormatError, match="太短了"):
        checks.check_text("您好", name="r", min_chars=10)
    with pytest.raises(AnswerFormatError, match="占位文字"):
        checks.check_text("在这里写下你的回答……" * 3, name="r", placeholder="在这里写下你的回答")


def test_check_function():
    """Are a stub, a crash, a wrong type and wrong columns each explained?"""
    sample = lambda: (pd.DataFrame({"a": [1]}),)  # noqa: E731

    def stub(df):
        raise NotImplementedError()

    with pytest.raises(AnswerFormatError, match="还没有实现"):
        checks.check_function(stub, name="f", sample=sample, returns=pd.DataFrame)
    with pytest.raises(AnswerFormatError, match="KeyError"):
        checks.check_function(lambda df: df["b"], name="f", sample=sample, returns=pd.DataFrame)
    with pytest.raises(AnswerFormatError, match="应该返回 DataFrame"):
        checks.check_function(lambda df: 1, name="f", sample=sample, returns=pd.DataFrame)
    with pytest.raises(AnswerFormatError, match=r"列应该依次是 \['x'\]"):
        checks.check_function(lambda df: df, name="f", sample=sample, returns=pd.DataFrame, columns=["x"])
    with pytest.raises(AnswerFormatError, match="应该是一个函数"):
        checks.check_function(None, name="f", sample=sample, returns=pd.DataFrame)


def test_check_number_accepts_numpy_results(capsys):
    """Is a pandas sum (numpy int64) accepted as a number, while numpy's bool is not?"""
    import numpy as np

    checks.check_number(pd.Series([1, 2]).sum(), name="q")
    checks.check_number(np.float64(4.5), name="q")
    assert capsys.readouterr().out.count(checks.PASSED) == 2
    with pytest.raises(AnswerFormatError):
        checks.check_number(np.bool_(True), name="q")

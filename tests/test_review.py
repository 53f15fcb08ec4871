"""Tests of the non-scoring reply review, driven by example files.

tests/cases/review/<task>-pass-*.txt must give no problem; <task>-fail-<rule>-*.txt
must report the rule named in the file name.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import kefu

CASES = sorted((Path(__file__).parent / "cases" / "review").glob("*.txt"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_review_case(path):
    """Does each example reply get exactly the verdict its file name states?"""
    task, verdict, *rest = path.stem.split("-")
    review = kefu.review_reply(path.read_text(encoding="utf-8"), task=task)
    if verdict == "pass":
        assert review.problems == [], str(review)
    else:
        assert rest[0] in {f.rule for f in review.problems}, str(review)


def test_allowed_phrases_are_not_flagged():
    """Are everyday phrases such as 最近 and 第一时间 left alone?"""
    review = kefu.review_reply("您好,最近发货量大,我们会第一时间为您处理,最晚明天发出哦", task="m01_presale")
    assert not [f for f in review.problems if f.rule in {"absolute_claims", "superlative_zui"}]


def test_review_shows_in_a_notebook():
    """Does the review render as HTML that says it does not score?"""
    html = kefu.review_reply("亲,这款是全网最低价", task="m01_presale")._repr_html_()
    assert "不计分" in html and "全网最低" in html


def test_empty_reply_and_unknown_task():
    """Is an empty reply told to write something, and an unknown task named?"""
    assert "还没有写回复" in str(kefu.review_reply("  ", task="m01_presale"))
    with pytest.raises(KeyError, match="没有练习 'nope'"):
        kefu.review_reply("您好", task="nope")


def test_cancelling_phrase_is_named():
    """When a phrase such as 不能开 cancels an element, does the feedback name the phrase?"""
    review = kefu.review_reply("亲,您好,特价商品不能开发票哦", task="m02_invoice")
    (finding,) = [f for f in review.findings if f.rule == "can_issue"]
    assert not finding.ok and finding.message == "没做到:明确表示可以开发票(出现了“不能开”)"


def test_null_phrase_in_the_rules_file_is_named(tmp_path, monkeypatch, root):
    """Is a bare ~ (null) among a task's phrases reported with the task and element, not as a TypeError?"""
    import shutil

    from kefu.errors import DataFileMalformed

    target = tmp_path / "data"
    shutil.copytree(root / "data", target)
    path = target / "reply_rules.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("any_of: [您好, 你好, 亲, 欢迎]", "any_of: [您好, ~]", 1),
                    encoding="utf-8")
    monkeypatch.setenv("KEFU_DATA_DIR", str(target))
    with pytest.raises(DataFileMalformed, match="tasks.m01_presale.required 中的 greeting 的 any_of 必须是非空文字的列表"):
        kefu.review_reply("您好", task="m01_presale")

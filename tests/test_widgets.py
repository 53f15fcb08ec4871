"""Tests of the practice scenario widget, without a browser (ipywidgets' dummy comm)."""

from __future__ import annotations

import shutil
import textwrap

import pytest

import kefu
from kefu.errors import DataFileMalformed
from kefu.widgets import ScenarioChoice, load_practice

ITEM = textwrap.dedent("""\
    items:
      - id: t_p1
        title: 场景:买家问尺码
        context: 买家 165cm / 52kg
        buyer: 这条裙子我穿什么码?
        options:
          - text: 亲,按您的身材建议选 M 码,喜欢宽松可以选 L 码哦
            correct: true
            explanation: 给出具体建议并说明依据
          - text: 自己看尺码表
            explanation: 语气生硬,把问题推回给买家
    """)


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Widgets record progress in the working folder: keep it out of the repository."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def practice_dir(tmp_path, monkeypatch, root):
    target = tmp_path / "data"
    shutil.copytree(root / "data", target)
    (target / "practice").mkdir(exist_ok=True)
    (target / "practice" / "tt.yaml").write_text(ITEM, encoding="utf-8")
    monkeypatch.setenv("KEFU_DATA_DIR", str(target))
    return target / "practice"


def test_choosing_shows_the_explanation(practice_dir):
    """Does picking a reply show its verdict and explanation?"""
    widget = kefu.practice("tt", "t_p1")
    assert isinstance(widget, ScenarioChoice)
    widget.choose(1)
    assert "不合适" in widget.feedback.value and "推回给买家" in widget.feedback.value
    assert "再试试" in widget.feedback.value
    widget.choose(0)
    assert "合适" in widget.feedback.value and "说明依据" in widget.feedback.value


def test_submit_without_choice_asks_to_choose(practice_dir):
    """Does clicking send without a choice ask the learner to choose first?"""
    widget = kefu.practice("tt", "t_p1")
    widget.submit.click()
    assert "请先选择" in widget.feedback.value


def test_buyer_text_is_escaped(practice_dir):
    """Is the buyer's message shown as text, never as HTML?"""
    (practice_dir / "tt.yaml").write_text(ITEM.replace("这条裙子我穿什么码?", "<b>加粗</b>"), encoding="utf-8")
    widget = kefu.practice("tt", "t_p1")
    assert "&lt;b&gt;加粗&lt;/b&gt;" in widget.children[1].value


@pytest.mark.parametrize("broken, message", [
    ("items: []\n", "非空的 items"),
    (ITEM.replace("        correct: true\n", ""), "没有标记 correct: true"),
    (ITEM.replace("    buyer: 这条裙子我穿什么码?\n", ""), "缺少字段 buyer"),
    (ITEM + ITEM[len("items:\n"):], "题目 id t_p1 重复"),
])
def test_malformed_practice_file(practice_dir, broken, message):
    """Is each kind of broken practice file named with its problem?"""
    (practice_dir / "tt.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(DataFileMalformed, match=message):
        load_practice("tt")


def test_every_course_practice_file_loads(root):
    """Does every practice file of the course load and have a correct option per item?"""
    files = sorted((root / "data" / "practice").glob("*.yaml"))
    for path in files:
        items = load_practice(path.stem)
        choices = [i for i in items if i.kind == "情景选择"]
        assert items and all(any(o.correct for o in i.options) for i in choices)

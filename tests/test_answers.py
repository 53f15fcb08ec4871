"""Tests of graded widget answers: saved on choice, restored on re-run, tampering means no answer."""

from __future__ import annotations

import json

import pytest

from kefu import checks, grading
from kefu.answers import ANSWERS_FILE, KEY_FILE, NOT_ANSWERED, answers_file, read_answer, save_answer
from kefu.errors import AnswerFormatError
from kefu.widgets import GradedChoice

OPTIONS = ["A", "B", "C"]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_choosing_saves_and_reopening_restores(folder):
    """Is a click saved at once, and shown again when the cell re-runs?"""
    widget = GradedChoice("t_q1", "哪一项合规?", ["甲", "乙", "丙"])
    assert "尚未作答" in widget.status.value
    widget.select("B")
    assert "已保存:B" in widget.status.value
    assert read_answer("t_q1").value == "B"
    again = GradedChoice("t_q1", "哪一项合规?", ["甲", "乙", "丙"])
    assert again.choices.value == "B" and "已保存的答案:B" in again.status.value
    again.select("C")
    assert read_answer("t_q1").value == "C"


def test_answers_of_other_items_are_kept(folder):
    """Does saving one item keep the others?"""
    save_answer("t_q1", "A")
    save_answer("t_q2", "C")
    doc = json.loads((folder / ANSWERS_FILE).read_text(encoding="utf-8"))
    assert sorted(doc["answers"]) == ["t_q1", "t_q2"]


def test_widget_ships_no_key(folder):
    """Does the widget hold only the question, options and the learner's own choice?"""
    (folder / KEY_FILE).unlink(missing_ok=True)
    widget = GradedChoice("t_q1", "问题", ["甲", "乙"])
    state = json.dumps([c.get_state() for c in (widget.choices, widget.status, widget.children[1])],
                       ensure_ascii=False, default=str)
    assert "correct" not in state and "答案是" not in state


@pytest.mark.parametrize("content, message", [
    ("{ not json", "已损坏(第 1 行不是有效的 JSON)"),
    ('{"format": "other", "answers": {}}', "已损坏(内容格式不对)"),
    (b"\xff\xfe\x00", "已损坏(不是 UTF-8 文本)"),
])
def test_damaged_file_counts_as_no_answer(folder, content, message):
    """Is a damaged answers file treated as no answer, with a message naming the file?"""
    path = folder / ANSWERS_FILE
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    stored = read_answer("t_q1")
    assert stored.value is None and f"答案文件 {ANSWERS_FILE} {message}" in stored.problem
    with pytest.raises(AnswerFormatError, match="已损坏"):
        checks.check_stored_choice("t_q1", OPTIONS)
    assert grading.score_stored_choice("t_q1", "B", 2, OPTIONS) == 0.0
    widget = GradedChoice("t_q1", "问题", ["甲", "乙", "丙"])
    assert "已损坏" in widget.status.value
    widget.select("B")  # choosing again repairs the file
    assert read_answer("t_q1").value == "B"


def test_hand_edited_answer_counts_as_no_answer(folder):
    """Is an answer edited by hand (its check no longer matches) treated as no answer?"""
    save_answer("t_q1", "A")
    path = folder / ANSWERS_FILE
    path.write_text(path.read_text(encoding="utf-8").replace('"value": "A"', '"value": "B"'), encoding="utf-8")
    stored = read_answer("t_q1")
    assert stored.value is None and "被手动改动过" in stored.problem
    assert grading.score_stored_choice("t_q1", "B", 2, OPTIONS) == 0.0


@pytest.mark.parametrize("entry", [["B"], {"value": 2, "check": "x"}, {"value": "B"}, "B"])
def test_malformed_entry_counts_as_no_answer(folder, entry):
    """Is an entry of the wrong shape refused without an exception?"""
    (folder / ANSWERS_FILE).write_text(json.dumps({"format": "kefu-answers/1", "answers": {"t_q1": entry}}),
                                       encoding="utf-8")
    assert read_answer("t_q1").value is None
    assert grading.score_stored_choice("t_q1", "B", 2, OPTIONS) == 0.0


def test_value_outside_the_options(folder):
    """Is a stored value that is not an option of the item refused?"""
    save_answer("t_q1", "Z")
    assert "不是本题的选项" in read_answer("t_q1", options=OPTIONS).problem


def test_check_and_score_of_a_good_answer(folder, capsys):
    """Does a saved answer pass the format check with the neutral line, and score only when right?"""
    save_answer("t_q1", "C")
    checks.check_stored_choice("t_q1", OPTIONS)
    assert capsys.readouterr().out.strip() == checks.PASSED
    assert grading.score_stored_choice("t_q1", "C", 2, OPTIONS) == 2.0
    assert grading.score_stored_choice("t_q1", "B", 2, OPTIONS) == 0.0


def test_missing_answer(folder):
    """With no answers file, is the item unanswered with a how-to message?"""
    assert read_answer("t_q1").problem == NOT_ANSWERED
    with pytest.raises(AnswerFormatError, match="还没有作答"):
        checks.check_stored_choice("t_q1", OPTIONS)


def test_key_file_is_read_and_edited_in_source(folder):
    """In source/, are the key's answers used, and do clicks edit the key instead of leaving an answers file?"""
    save_answer("t_q1", "B", folder=folder)
    (folder / ANSWERS_FILE).rename(folder / KEY_FILE)
    assert answers_file() == folder / KEY_FILE
    assert read_answer("t_q1").value == "B"
    GradedChoice("t_q1", "问题", ["甲", "乙", "丙"]).select("C")
    assert not (folder / ANSWERS_FILE).exists()
    assert read_answer("t_q1").value == "C"

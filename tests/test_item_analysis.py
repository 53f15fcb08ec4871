"""Item analysis: difficulty, discrimination, flags, common wrong choices and the HTML report."""

from __future__ import annotations

import base64
import math

import pandas as pd
import pytest

from kefu.analysis import common_wrong_choices, item_stats, widget_answers
from kefu.answers import ANSWERS_FILE, KEY_FILE, save_answer

from conftest import copy_course
from notebook_tools import partial_case, submit_cohort


def long_frame(table: dict, max_scores: dict) -> pd.DataFrame:
    """{student: {item: score}} and {item: max} as the long (student, item, score, max_score) frame."""
    return pd.DataFrame([{"student": s, "item": i, "score": v, "max_score": max_scores[i]}
                         for s, row in table.items() for i, v in row.items()])


# 4 students x 3 items. Totals: a=3, b=3, c=2, d=1.
FOUR = long_frame({"a": {"q1": 1, "q2": 2, "q3": 0},
                   "b": {"q1": 1, "q2": 1, "q3": 1},
                   "c": {"q1": 0, "q2": 1, "q3": 1},
                   "d": {"q1": 0, "q2": 0, "q3": 1}}, {"q1": 1, "q2": 2, "q3": 1})


def by_item(frame):
    return {row["item"]: row for row in item_stats(frame).to_dict("records")}


def test_difficulty_is_mean_share_of_points():
    """Is difficulty the mean of score/max: q1 (1+1+0+0)/4, q2 (1+.5+.5+0)/4, q3 (0+1+1+1)/4?"""
    stats = by_item(FOUR)
    assert [stats[i]["difficulty"] for i in ("q1", "q2", "q3")] == [0.5, 0.5, 0.75]
    assert [stats[i]["n"] for i in ("q1", "q2", "q3")] == [4, 4, 4]


def test_discrimination_is_corrected_point_biserial():
    """Does discrimination match the hand-computed item-rest correlations 1/sqrt(3), 0 and -sqrt(0.6)?"""
    # q1: x=[1,1,0,0], rest=[2,2,2,1]: sum dxdy=.5, Sxx=1, Syy=.75  -> .5/sqrt(.75) = 1/sqrt(3)
    # q2: x=[1,.5,.5,0], rest=[1,2,1,1]: sum dxdy=0                 -> 0
    # q3: x=[0,1,1,1], rest=[3,2,1,0]: sum dxdy=-1.5, Sxx=.75, Syy=5 -> -1.5/sqrt(3.75) = -sqrt(.6)
    stats = by_item(FOUR)
    assert stats["q1"]["discrimination"] == pytest.approx(1 / math.sqrt(3))
    assert stats["q2"]["discrimination"] == pytest.approx(0.0, abs=1e-12)
    assert stats["q3"]["discrimination"] == pytest.approx(-math.sqrt(0.6))


def test_negative_discrimination_flag():
    """Is only the item with a negative item-rest correlation flagged (zero is not negative)?"""
    stats = by_item(FOUR)
    assert [stats[i]["negative_discrimination"] for i in ("q1", "q2", "q3")] == [False, False, True]
    assert not any(stats[i]["nobody_right"] or stats[i]["everyone_right"] for i in stats)


def test_zero_variance_gives_nan_and_flags():
    """Do constant items, and an item whose rest score is constant, get NaN and the right flags?"""
    # totals: a=2+0+1=3, b=2+0+0=2, c=2+0+1=3; rest of q_var = [2,2,2] (constant)
    frame = long_frame({"a": {"q_all": 2, "q_none": 0, "q_var": 1},
                        "b": {"q_all": 2, "q_none": 0, "q_var": 0},
                        "c": {"q_all": 2, "q_none": 0, "q_var": 1}}, {"q_all": 2, "q_none": 1, "q_var": 1})
    stats = by_item(frame)
    assert all(math.isnan(stats[i]["discrimination"]) for i in stats)
    assert stats["q_all"]["difficulty"] == 1.0 and stats["q_all"]["everyone_right"]
    assert stats["q_none"]["difficulty"] == 0.0 and stats["q_none"]["nobody_right"]
    assert stats["q_var"]["difficulty"] == pytest.approx(2 / 3)
    assert not any(stats[i]["negative_discrimination"] for i in stats)
    assert not stats["q_var"]["nobody_right"] and not stats["q_var"]["everyone_right"]


def test_common_wrong_choice_from_a_frame():
    """Is the most common wrong option found, unanswered left out, and a tie broken alphabetically?"""
    answers = pd.DataFrame({"student": list("abcdefg"), "item": ["x"] * 4 + ["y"] * 3,
                            "answer": ["C", "B", "B", None, "D", "A", "C"]})
    got = common_wrong_choices(answers, {"x": "C", "y": "C", "z": "A"}).set_index("item")
    assert got.loc["x", ["answered", "wrong_choice", "wrong_count"]].tolist() == [3, "B", 2]
    assert got.loc["x", "wrong_share"] == pytest.approx(2 / 3)
    assert got.loc["y", "wrong_choice"] == "A" and got.loc["y", "wrong_share"] == pytest.approx(1 / 3)
    assert got.loc["z", "answered"] == 0 and got.loc["z", "wrong_choice"] is None


def test_common_wrong_choice_from_autograded_folders(tmp_path):
    """Are stored widget answers read per student and checked against the instructor's key?"""
    source = tmp_path / "source" / "a1"
    source.mkdir(parents=True)
    save_answer("q6", "C", folder=source)
    (source / ANSWERS_FILE).rename(source / KEY_FILE)
    for student, value in {"s1": "C", "s2": "B", "s3": "B", "s4": "A", "s5": None, "s6": "B"}.items():
        folder = tmp_path / "autograded" / student / "a1"
        folder.mkdir(parents=True)
        if value is not None:
            save_answer("q6", value, folder=folder)
    (tmp_path / "autograded" / "s6" / "a1" / ANSWERS_FILE).write_text("{broken", encoding="utf-8")
    answers, key = widget_answers(tmp_path, "a1")
    assert key == {"q6": "C"}
    assert dict(zip(answers["student"], answers["answer"])) == {
        "s1": "C", "s2": "B", "s3": "B", "s4": "A", "s5": None, "s6": None}
    (row,) = common_wrong_choices(answers, key).to_dict("records")
    assert (row["answered"], row["wrong_choice"], row["wrong_count"]) == (4, "B", 2)
    assert row["wrong_share"] == 0.5


@pytest.mark.slow
def test_report_end_to_end(tmp_path):
    """Does kefu analyze write a Chinese report with every graded m01 item, a PNG and a CJK font?"""
    from matplotlib import font_manager, rcParams

    from kefu.analysis.chart import cjk_font_file
    from kefu.commands import analyze, release
    from kefu.course.nbgrader_api import open_api

    name = "m01_role"
    course = copy_course(tmp_path / "course", [name])
    assert release.main(course=str(course)) == 0
    submit_cohort(course, name)
    case = partial_case(name)
    api = open_api(course)
    for student in ("alice", "bob", "carol"):
        assert api.autograde(name, student, force=True, create=True)["success"]

    out = tmp_path / "report.html"
    assert analyze.main(course=str(course), assignment=name, out=str(out)) == 0
    html = out.read_text(encoding="utf-8")
    for header in ("题目", "人数", "难度", "区分度", "最常见的错误选项", "提示"):
        assert f"<th>{header}</th>" in html
    for item in case["expected"]:  # every autograded cell of m01
        assert f"<td>{item}</td>" in html
    assert "<td>m01_q5_reply</td>" not in html  # graded by hand, not graded yet
    assert "B(50%,正确答案 C)" in html  # alice C, carol B, bob did not answer
    png = html.split('src="data:image/png;base64,', 1)[1].split('"', 1)[0]
    assert base64.b64decode(png).startswith(b"\x89PNG\r\n\x1a\n")
    family = rcParams["font.sans-serif"][0]
    used = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert "NotoSansCJK" in used and used == cjk_font_file()
    assert rcParams["axes.unicode_minus"] is False


def test_missing_cjk_font_is_a_clear_chinese_error(monkeypatch):
    """Without a CJK font, does the chart refuse with a Chinese message instead of drawing boxes?"""
    from kefu.analysis import chart
    from kefu.errors import KefuError

    monkeypatch.setattr(chart, "CJK_FAMILIES", ["No Such CJK Font"])
    with pytest.raises(KefuError, match="找不到中文字体"):
        chart.difficulty_png(["q1"], [0.5], [False], "标题")

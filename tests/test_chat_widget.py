"""Tests of the chat simulator widget, without a browser (ipywidgets' dummy comm)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import ipywidgets as w
import pytest

import kefu
from kefu.scenarios import ScenarioNotFound
from kefu.widgets import ChatSimulator

BASE = (Path(__file__).parent / "cases" / "scenarios" / "pass-basic.yaml").read_text(encoding="utf-8")


@pytest.fixture
def data_copy(tmp_path, monkeypatch, root):
    """A writable copy of data/ holding the scenario "t", which KEFU_DATA_DIR points at."""
    target = tmp_path / "data"
    shutil.copytree(root / "data", target, ignore=shutil.ignore_patterns("scenarios"))
    (target / "scenarios").mkdir()
    (target / "scenarios" / "t.yaml").write_text(BASE.replace("id: pass-basic", "id: t"), encoding="utf-8")
    monkeypatch.setenv("KEFU_DATA_DIR", str(target))
    return target


@pytest.fixture
def chat(data_copy) -> ChatSimulator:
    return kefu.simulate("t")


def test_opening_shows_header_and_buyer_messages(chat):
    """Does the window open with the title, the buyer profile and the first buyer messages at 10:00:00?"""
    assert isinstance(chat, ChatSimulator) and "kefu-chat" in chat._dom_classes
    head = chat.header.value
    for text in ("特价T恤要开发票", "买家买了特价 T 恤", "买家:小***猫", "性格:分析型", "购买行为:理智型",
                 "商品:纯棉短袖T恤", "你是客服 小雅"):
        assert text in head
    log = chat.chat_log.value
    assert log.count("kefu-msg kefu-buyer") == 2 and ">买</div>" in log
    assert log.index("在吗?我买的T恤要开发票") < log.index("开公司抬头的")
    assert log.count("<span class='kefu-time'>10:00:00</span>") == 2
    assert chat.result.value == ""


def test_choosing_appends_reply_feedback_and_next_messages(chat):
    """Does a choice add the agent bubble, red feedback with the rule, then the buyer's answer, with times?"""
    chat.choose(1)
    log = chat.chat_log.value
    reply, feedback, answer = (log.index("亲,特价商品不开发票哦"), log.index("kefu-feedback kefu-bad"),
                               log.index("凭什么不开?我要投诉!"))
    assert reply < feedback < answer
    assert "kefu-msg kefu-agent" in log and ">客</div>" in log and "小雅 <span class='kefu-time'>10:00:10</span>" in log
    assert "小***猫 <span class='kefu-time'>10:00:10</span>" in log
    assert "【天猫发票规则】" in log and "违反平台规则:发票,扣 6 分" in log and "买家情绪 -2" in log
    assert [b.description for b in chat.buttons] == ["1. 抱歉亲,是我说错了,可以开的,马上为您开具", "2. 规定就是这样"]


def test_good_choice_gets_green_feedback(chat):
    """Is a reply without violation that does not upset the buyer shown in green?"""
    chat.choose(0)
    log = chat.chat_log.value
    assert "kefu-feedback kefu-good" in log and "#1a7f37" in log and "kefu-bad" not in log
    assert "✓ 这样回复合适" in log


def test_scorecard_at_the_end(chat):
    """Does the end show the scorecard with penalty points and the time against the standard, plus restart?"""
    chat.choose(1)
    chat.choose(0)
    card = chat.result.value
    assert "成绩单" in card and "补救后开票(部分解决)" in card and "-1(不满)" in card
    assert "发票(扣 6 分)" in card and "<th" in card and "6 分" in card
    assert "40 秒(标准:单个客户平均接待时长上限 4 分钟,达标)" in card
    assert "—— 对话结束:补救后开票(10:00:40)——" in chat.chat_log.value
    assert chat.buttons == [] and chat.controls.children == (chat.result, chat.restart_button)


def test_time_over_the_standard_is_shown(data_copy):
    """Is a path slower than a seconds-based standard marked 超时?"""
    path = data_copy / "scenarios" / "t.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("minutes_per_customer", "first_response_s"),
                    encoding="utf-8")
    chat = kefu.simulate("t")
    chat.choose(1)
    chat.choose(0)
    assert "40 秒(标准:首次响应时间上限 30 秒,超时)" in chat.result.value


def test_restart_resets_the_chat(chat):
    """Does 重新开始 bring back the opening messages and the first reply buttons?"""
    opening = chat.chat_log.value
    chat.choose(0)
    chat.restart_button.click()
    assert chat.chat_log.value == opening and chat.result.value == ""
    assert len(chat.buttons) == 2 and chat.session.path == ()


def test_buttons_are_keyboard_usable(chat):
    """Are the replies real full-width buttons (Tab/Enter/Space) with the CSS classes browser tests use?"""
    assert len(chat.buttons) == 2
    for button in chat.buttons:
        assert isinstance(button, w.Button) and "kefu-choice" in button._dom_classes
        assert button.layout.width == "100%" and button.layout.height == "auto"
        assert button.tooltip  # the full reply, also when a browser cuts the text
    assert "white-space: normal" in chat.header.value and chat.layout.max_width == "720px"
    chat.buttons[1].click()
    assert chat.session.path == (1,)
    chat.buttons[0].click()
    assert chat.session.finished and "kefu-restart" in chat.restart_button._dom_classes


def test_all_scenario_text_is_escaped(data_copy):
    """Is every text of the scenario shown as text, never as HTML?"""
    path = data_copy / "scenarios" / "t.yaml"
    texts = re.compile(r"^(\s*(?:- )?(?:(?:title|summary|nickname|product|agent|buyer|reply|feedback|principle|"
                       r"outcome): )?)([^:\[{\n]+)$", re.M)
    marked = texts.sub(lambda m: f'{m[1]}"<b>{m[2]}</b>&amp;"' if m[1].strip() else m[0],
                       path.read_text(encoding="utf-8"))
    path.write_text(marked, encoding="utf-8")
    chat = kefu.simulate("t")
    chat.choose(1)
    chat.choose(1)
    shown = chat.header.value + chat.chat_log.value + chat.result.value
    assert "<b>" not in shown and "&lt;b&gt;规定就是这样&lt;/b&gt;&amp;amp;" in shown
    for text in ("特价T恤要开发票", "小***猫", "纯棉短袖T恤", "开公司抬头的", "天猫发票规则", "推卸责任,买家更生气了。",
                 "买家投诉", "拒开发票又推卸责任,买家投诉。", "小雅"):
        assert f"&lt;b&gt;{text}&lt;/b&gt;" in shown, text
    assert chat.buttons == [] and "<b>" in chat.scenario.title  # the model keeps the text as written


def test_unknown_scenario(data_copy):
    """Does an unknown scenario id name the scenarios there are?"""
    with pytest.raises(ScenarioNotFound, match="已有的情景:t"):
        kefu.simulate("nope")

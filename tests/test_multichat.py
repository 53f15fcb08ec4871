"""The multi-chat drill (kefu.multichat, kefu.scenarios.desk) driven with a fake clock: exact events and results."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

import kefu
from kefu.answers import ANSWERS_FILE, NOT_PLAYED, read_record, save_record
from kefu.scenarios import load_scenario
from kefu.scenarios.desk import EVENT_COLUMNS, RESULT_COLUMNS, Desk, DeskError
from kefu.widgets.multichat import MultiChat, load_recorded

BASE = (Path(__file__).parent / "cases" / "scenarios" / "pass-basic.yaml").read_text(encoding="utf-8")


class FakeClock:
    def __init__(self, start=1000.0):
        self.value = start

    def __call__(self):
        return self.value

    def at(self, seconds):
        self.value = 1000.0 + seconds


@pytest.fixture
def data_copy(tmp_path, monkeypatch, root):
    """data/ with the scenarios "t" and "u" (pass-basic) only; KEFU_DATA_DIR points at it."""
    target = tmp_path / "data"
    shutil.copytree(root / "data", target, ignore=shutil.ignore_patterns("scenarios"))
    (target / "scenarios").mkdir()
    for name in ("t", "u"):
        (target / "scenarios" / f"{name}.yaml").write_text(BASE.replace("id: pass-basic", f"id: {name}"),
                                                            encoding="utf-8")
    monkeypatch.setenv("KEFU_DATA_DIR", str(target))
    return target


@pytest.fixture
def clock():
    return FakeClock()


def drill(clock, tmp_path, **kw):
    settings = dict(arrivals=[0, 10, 15], concurrent=2, time_limit=100, clock=clock)
    settings.update(kw)
    return MultiChat(["t", "u", "t"], folder=tmp_path, **settings)


def play(clock, m):
    """Chat 1 succeeds, chat 2 breaks the invoice rule then recovers, chat 3 (queued) breaks it and is cut off."""
    clock.at(15)
    m.refresh()
    clock.at(18)
    m.reply(1, 0)
    clock.at(30)
    m.reply(2, 1)
    clock.at(42)
    m.reply(3, 1)
    clock.at(50)
    m.reply(2, 0)
    clock.at(100)
    m.refresh()


EXPECTED_RESULTS = pd.DataFrame({
    "chat": [1, 2, 3], "scenario": ["t", "u", "t"],
    "arrived_at": [0.0, 10.0, 15.0], "seated_at": [0.0, 10.0, 18.0],
    "first_reply_after_s": [18.0, 20.0, 27.0], "replies": [1, 2, 1],
    "avg_response_s": [18.0, 20.0, 27.0], "max_response_s": [18.0, 20.0, 27.0],
    "outcome": ["开票成功", "补救后开票", "未完成"], "result": ["success", "partial", None],
    "converted": [True, False, False], "breaches": [0, 1, 1], "penalty_points": [0, 6, 6],
    "mood": [1, -1, -2], "finished": [True, True, False], "ended_at": [18.0, 50.0, 100.0],
}, columns=RESULT_COLUMNS)


def test_queue_arrivals_and_results_are_exact(data_copy, clock, tmp_path):
    """Do buyers queue while both seats are busy, take the freed seat, and do the results say exactly what happened?"""
    m = drill(clock, tmp_path)
    assert m.desk.chats[0].status == "open" and m.desk.chats[1].status == "pending"
    clock.at(15)
    m.refresh()
    assert [c.number for c in m.desk.queue] == [3]
    assert "排队 1 人(最久已等 0 秒)" in m.head.value and "10:00:15" in m.head.value
    assert [b.description for b in m.seat_buttons] == ["1 号窗口 · 小***猫 · 等待 15 秒",
                                                        "2 号窗口 · 小***猫 · 等待 5 秒"]
    with pytest.raises(DeskError, match="3 号买家 小\\*\\*\\*猫还在排队"):
        m.reply(3, 0)
    assert "还在排队" in m.status.value
    play(clock, m)
    pd.testing.assert_frame_equal(m.results(), EXPECTED_RESULTS)
    assert m.desk.over and m.desk.end_reason == "time" and m.desk.ended_at == 100.0
    assert "值班时间到" in m.head.value and "本场结果" in m.summary.value and not m.ticker.playing


def test_events_are_time_stamped_by_the_clock(data_copy, clock, tmp_path):
    """Is every buyer message and reply in the event log, in order, with the fake clock's times and effects?"""
    m = drill(clock, tmp_path)
    play(clock, m)
    events = m.events()
    assert list(events.columns) == EVENT_COLUMNS
    rows = [(r.t, r.chat, r.event) for r in events.itertuples()]
    assert rows == [
        (0.0, 1, "arrive"), (0.0, 1, "buyer"), (0.0, 1, "buyer"), (0.0, 1, "seat"),
        (10.0, 2, "arrive"), (10.0, 2, "buyer"), (10.0, 2, "buyer"), (10.0, 2, "seat"),
        (15.0, 3, "arrive"), (15.0, 3, "buyer"), (15.0, 3, "buyer"),
        (18.0, 1, "reply"), (18.0, 1, "buyer"), (18.0, 1, "end"), (18.0, 3, "seat"),
        (30.0, 2, "reply"), (30.0, 2, "buyer"),
        (42.0, 3, "reply"), (42.0, 3, "buyer"),
        (50.0, 2, "reply"), (50.0, 2, "buyer"), (50.0, 2, "end"),
        (100.0, 3, "unfinished"),
    ]
    replies = events[events["event"] == "reply"]
    assert replies["option"].tolist() == [0, 1, 1, 0]
    assert replies["node"].tolist() == ["greet", "greet", "greet", "complain"]
    assert replies["wait_s"].tolist() == [18.0, 20.0, 27.0, 20.0]
    assert replies["mood"].tolist() == [1, -2, -2, 1]
    assert replies["breach"].fillna("-").tolist() == ["-", "invoice", "invoice", "-"]
    assert replies["principle"].fillna("-").tolist() == ["-", "天猫发票规则", "天猫发票规则", "-"]
    ends = events[events["event"] == "end"]
    assert ends[["chat", "outcome", "result", "converted"]].values.tolist() == [
        [1, "开票成功", "success", True], [2, "补救后开票", "partial", False]]
    assert events.loc[events["event"] == "seat", "seat"].tolist() == [1, 2, 1]
    assert events.loc[events["event"] == "unfinished", "text"].tolist() == ["值班时间到,对话没有完成"]


def test_chat_window_and_switching(data_copy, clock, tmp_path):
    """Does the panel show the selected chat with its bubbles, times and feedback, and do seat buttons switch?"""
    m = drill(clock, tmp_path)
    assert m.active == 1 and "在吗?我买的T恤要开发票" in m.chat_log.value
    assert [b.description for b in m.buttons] == ["1. 亲,您好!可以开的,免费为您开具,请把抬头和税号发给我哦",
                                                  "2. 亲,特价商品不开发票哦"]
    clock.at(12)
    m.refresh()  # the page's timer does this every second
    m.seat_buttons[1].click()
    assert m.active == 2 and "10:00:10" in m.chat_log.value and "第 2 位买家" in m.chat_head.value
    m.buttons[1].click()
    log = m.chat_log.value
    assert "kefu-feedback kefu-bad" in log and "违反平台规则:发票,扣 6 分" in log and "凭什么不开?我要投诉!" in log
    assert "小雅 <span class='kefu-time'>10:00:12</span>" in log
    assert m.desk.chat(2).session.node.id == "complain"
    m.seat_buttons[0].click()
    m.buttons[0].click()
    assert "—— 对话结束:开票成功(10:00:12)——" in m.chat_log.value
    assert "结局:开票成功 · 成交:是 · 违规 0 次" in m.controls.children[0].value
    assert [b.description for b in m.done_bar.children[1:]] == ["1 小***猫"]


def test_seed_shuffles_buttons_but_records_data_options(data_copy, clock, tmp_path):
    """With a seed the reply buttons come in another (fixed) order; the event still names the data option."""
    orders = {}
    for seed in range(8):
        m = MultiChat(["t"], seed=seed, clock=clock, folder=tmp_path)
        orders[seed] = [b.description[3:] for b in m.buttons]
    assert len({tuple(o) for o in orders.values()}) == 2  # both orders occur
    m = MultiChat(["t"], seed=3, clock=clock, folder=tmp_path)
    assert [b.description[3:] for b in m.buttons] == orders[3]
    target = [i for i, b in enumerate(m.buttons) if "不开发票" in b.description][0]
    m.buttons[target].click()
    assert m.events()["option"].dropna().tolist() == [1] and m.desk.record()["seed"] == 3


def test_stop_marks_unfinished_and_not_arrived(data_copy, clock, tmp_path):
    """Does 结束值班 end the drill at once: open and queued chats unfinished, later buyers never arrived?"""
    m = MultiChat(["t", "u", "t"], arrivals=[0, 5, 60], concurrent=1, clock=clock, folder=tmp_path)
    clock.at(20)
    m.stop_button.click()
    frame = m.results()
    assert frame["outcome"].tolist() == ["未完成", "未完成", "未到达"]
    assert frame["ended_at"].tolist()[:2] == [20.0, 20.0] and pd.isna(frame["arrived_at"][2])
    assert m.desk.end_reason == "stopped" and m.stop_button.layout.display == "none"
    with pytest.raises(DeskError, match="值班已经结束"):
        m.reply(1, 0)


def test_record_is_saved_restored_and_replayed(data_copy, clock, tmp_path):
    """Is the record saved after each action, restored by re-running the cell, and rebuilt by replay for grading?"""
    m = drill(clock, tmp_path, record="x_shift")
    assert not (tmp_path / ANSWERS_FILE).exists()  # nothing saved before the first action
    play(clock, m)
    stored = read_record("x_shift", folder=tmp_path).record
    assert stored["actions"] == [["reply", 18.0, 1, 0], ["reply", 30.0, 2, 1], ["reply", 42.0, 3, 1],
                                 ["reply", 50.0, 2, 0], ["end", 100.0]]
    assert stored["arrivals"] == [0.0, 10.0, 15.0] and stored["time_limit"] == 100.0
    loaded = load_recorded("x_shift", folder=tmp_path)
    pd.testing.assert_frame_equal(loaded.results(), EXPECTED_RESULTS)
    pd.testing.assert_frame_equal(loaded.events(), m.events())
    again = drill(FakeClock(5000), tmp_path, record="x_shift")
    assert "已载入保存的值班记录" in again.status.value and again.desk.over
    pd.testing.assert_frame_equal(again.results(), EXPECTED_RESULTS)
    again.restart_button.click()
    assert read_record("x_shift", folder=tmp_path).record["actions"] == []


def test_left_open_record_is_closed_at_the_time_limit(data_copy, clock, tmp_path):
    """A record left open (kernel stopped mid-drill) is graded as ended at its time limit, and can be continued."""
    m = drill(clock, tmp_path, record="x_shift")
    clock.at(18)
    m.reply(1, 0)
    loaded = load_recorded("x_shift", folder=tmp_path)
    assert loaded.results()["outcome"].tolist() == ["开票成功", "未完成", "未完成"]
    assert loaded.desk.end_reason == "time" and loaded.desk.ended_at == 100.0
    later = FakeClock(9000)
    again = drill(later, tmp_path, record="x_shift")
    assert not again.desk.over and again.now() == 18.0 and "可以接着做" in again.status.value
    later.value += 12
    again.reply(2, 0)
    assert read_record("x_shift", folder=tmp_path).record["actions"][-1] == ["reply", 30.0, 2, 0]


@pytest.mark.parametrize("edit, problem", [
    (lambda doc: doc["answers"]["x_shift"]["record"]["actions"][0].__setitem__(1, 1.0), "被手动改动过或已损坏"),
    (lambda doc: doc["answers"]["x_shift"].pop("check"), "被手动改动过或已损坏"),
    (lambda doc: doc.__setitem__("format", "x"), "已损坏(内容格式不对)"),
])
def test_edited_record_counts_as_not_played(data_copy, clock, tmp_path, edit, problem):
    """Is a hand-edited or damaged record refused with a Chinese message, in grading and in the widget?"""
    m = drill(clock, tmp_path, record="x_shift")
    play(clock, m)
    path = tmp_path / ANSWERS_FILE
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    loaded = load_recorded("x_shift", folder=tmp_path)
    assert loaded.desk is None and problem in loaded.problem and loaded.results() is None
    again = drill(clock, tmp_path, record="x_shift")
    assert problem in again.status.value and again.desk.actions == []


def test_record_that_cannot_be_replayed(data_copy, clock, tmp_path):
    """A record with a correct check but impossible actions (queued chat, time backwards) is not played."""
    record = drill(clock, tmp_path).desk.record()
    for actions, why in ([["reply", 16, 3, 0]], "还在排队"), ([["reply", 20, 1, 0], ["reply", 19, 2, 0]], "时间不能倒退"), \
            ([["reply", 5, 1, 7]], "没有编号为 7 的回复"), ([["reply", 120, 1, 0]], "值班已经结束"):
        save_record("x_shift", dict(record, actions=actions), folder=tmp_path)
        loaded = load_recorded("x_shift", folder=tmp_path)
        assert loaded.desk is None and why in loaded.problem, (actions, loaded.problem)


def test_expected_settings(data_copy, clock, tmp_path):
    """A record of another shift (other arrivals or seed) is not the one the task asked for."""
    m = drill(clock, tmp_path, record="x_shift")
    play(clock, m)
    assert load_recorded("x_shift", folder=tmp_path, expect={"seed": None, "concurrent": 2}).desk is not None
    other = load_recorded("x_shift", folder=tmp_path, expect={"arrivals": [0.0, 0.0, 0.0]})
    assert other.desk is None and "不是本题要求的那一场" in other.problem
    assert load_recorded("nothing", folder=tmp_path).problem == NOT_PLAYED


def test_desk_rejects_bad_settings(data_copy):
    """Are impossible settings refused with Chinese messages?"""
    t = load_scenario("t")
    with pytest.raises(DeskError, match="两者应一样多"):
        Desk([t, t], [0])
    with pytest.raises(DeskError, match="concurrent"):
        Desk([t], concurrent=0)
    with pytest.raises(DeskError, match="不小于 0 的秒数"):
        Desk([t], [-1])
    with pytest.raises(DeskError, match="至少要有一位买家"):
        Desk([])


def test_public_function(data_copy, clock):
    """kefu.multichat builds the widget with the documented keywords."""
    m = kefu.multichat(["t", "u"], arrivals=[0, 3], concurrent=3, time_limit=60, seed=None, clock=clock)
    assert isinstance(m, MultiChat) and "kefu-multichat" in m._dom_classes and "kefu-chat" in m.panel._dom_classes
    assert m.desk.concurrent == 3 and m.desk.time_limit == 60.0

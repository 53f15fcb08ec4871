"""The M12 shift engine (kefu.shift): seeded plans, the order table, the KPI report and outcome grading."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

import kefu
from kefu.answers import ANSWERS_FILE, save_record
from kefu.checks import PASSED, check_shift_record
from kefu.errors import AnswerFormatError, DataFileMalformed
from kefu.grading import score_shift_record
from kefu.shift import kpi_report, make_orders, make_plan
from kefu.shift.grading import outcome_shares, shift_share
from kefu.shift.pool import check_files, load_pool, load_settings

sys.path.insert(0, str(Path(__file__).parent))
from shift_play import play  # noqa: E402


def test_plan_is_seeded_and_mixed():
    """Is a shift the same for the same seed, different for another, with every need and the mid-shift buyer?"""
    plan = make_plan(12)
    assert plan == make_plan(12) and make_plan(7) != plan
    settings = load_settings()
    assert len(plan.scenarios) == settings.buyers == 8 and len(set(plan.scenarios)) == 8
    assert "midshift_mixed_need" in plan.scenarios[3:5]
    needs = {e.scenario: e.need for e in load_pool()}
    assert {needs[s] for s in plan.scenarios if s in needs} == {e.need for e in load_pool()}
    assert list(plan.arrivals[:3]) == [0.0, 5.0, 15.0]
    gaps = [b - a for a, b in zip(plan.arrivals[2:], plan.arrivals[3:])]
    assert all(settings.gap_s[0] <= g <= settings.gap_s[1] for g in gaps)
    assert plan.concurrent == kefu.load_standards().value("concurrent_chats_min") and plan.time_limit == 1200.0
    assert plan.settings()["seed"] == 12 and plan.settings()["arrivals"] == list(plan.arrivals)
    with pytest.raises(TypeError):
        make_plan("12")


def test_every_pool_scenario_loads():
    """Do the settings and every scenario of the pool files load (what kefu check runs)?"""
    check_files()
    assert len(load_pool()) >= 20


def test_the_graded_shift_is_pinned(data_copy):
    """More pool files change the drawn shifts but not the pinned graded one (fixed_shifts in settings.yaml)."""
    before = make_plan(12)
    assert before.scenarios == load_settings().fixed_shifts[12]
    (data_copy / "shift" / "pool-m99.yaml").write_text(
        "buyers:\n  - {scenario: payment_urging_silent, need: 新需求}\n", encoding="utf-8")
    assert make_plan(12) == before


def test_more_pool_files_are_read(data_copy):
    """Can a module add buyers with its own pool file, and is a scenario listed twice refused?"""
    (data_copy / "shift" / "pool-m99.yaml").write_text(
        "buyers:\n  - {scenario: payment_urging_silent, need: 新需求}\n", encoding="utf-8")
    assert load_pool()[-1].scenario == "payment_urging_silent"
    assert "payment_urging_silent" in make_plan(3).scenarios  # one buyer of each need is drawn
    (data_copy / "shift" / "pool-m99.yaml").write_text(
        "buyers:\n  - {scenario: size_advice, need: 售前咨询}\n", encoding="utf-8")
    with pytest.raises(DataFileMalformed, match="size_advice 在买家池里出现了不止一次"):
        load_pool()


def test_bad_settings_are_named(data_copy):
    path = data_copy / "shift" / "settings.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("weight: 0.6", "weight: 0.7"), encoding="utf-8")
    with pytest.raises(DataFileMalformed, match="weight 加起来应等于 1"):
        load_settings()


def test_order_table_plants_the_four_exceptions():
    """Does the shift's order table hold exactly the planted exceptions, and nothing else unusual?"""
    orders = make_orders(12)
    assert len(orders) == load_settings().orders and orders["order_id"].is_unique
    assert make_orders(12).equals(orders) and not make_orders(7).equals(orders)
    book = kefu.shift.city_province()
    address = orders["address"].fillna("").str.strip()
    bad_address = (address == "") | ~address.str.contains("号") | (orders["city"].map(book) != orders["province"])
    total = (orders["quantity"] * orders["unit_price"]).round(2)
    bad_amount = (orders["amount"] > total) | (orders["amount"] < 0.5 * total)
    shared = orders.groupby("phone")["buyer"].nunique()
    malicious = orders["phone"].isin(shared[shared >= 3].index)
    assert int(bad_address.sum()) == 5 and int((bad_address & ~malicious).sum()) == 4
    assert int(bad_amount.sum()) == 3 and int(malicious.sum()) == 4
    assert set(orders.loc[malicious, "payment_method"]) == {"货到付款"}
    assert set(orders["status"]) == {"待付款", "待发货"}
    key = ["buyer", "product", "sku"]
    ranked = orders.sort_values(key + ["created_at"])
    gap = ranked.groupby(key)["created_at"].diff().dt.total_seconds()
    assert int((gap <= 600).sum()) == 2


def test_expert_record_scores_full_marks_and_report(tmp_path):
    """Does the scripted expert's shift score 10 of 10, with the KPI report computed from it?"""
    plan = make_plan(12)
    desk = play(plan)
    results = desk.results_frame()
    assert outcome_shares(results) == {"resolution": 1.0, "compliance": 1.0, "timeliness": 1.0}
    save_record("m12_q1", desk.record(), folder=tmp_path)
    report = kpi_report(desk).set_index("指标")
    assert report.loc["接待买家(人)", "本班结果"] == "8" and report.loc["违规次数", "是否达标"] == "✓ 达标"
    assert report.loc["同时接待人数", "店铺标准"] == "≥ 3 人"
    assert report.loc["平均响应时间(秒)", "标准出处"] == kefu.load_standards()["avg_response_s"].source


def test_partial_shift_scores_exactly(tmp_path, monkeypatch):
    """The partial case's record: resolution 4.5/8, compliance 4/8, timeliness 3/8 -> 5.19 of 10."""
    import yaml

    case = yaml.safe_load((Path(__file__).parent / "cases" / "m12_capstone_partial.yaml").read_text(encoding="utf-8"))
    save_record("m12_q1", case["widget_records"]["m12_q1"], folder=tmp_path)
    monkeypatch.chdir(tmp_path)
    assert score_shift_record("m12_q1", 12, 10) == case["expected"]["m12_q1_test"] == 5.19
    results = kefu.widgets.multichat.load_recorded("m12_q1").results()
    assert results["outcome"].tolist()[-2:] == ["未完成", "未到达"] and results["breaches"].sum() == 2
    assert shift_share(results) == pytest.approx(0.51875)


def test_record_of_another_shift_or_edited_scores_zero(tmp_path, monkeypatch, capsys):
    """A record of another seed, a hand-edited one or none at all earns 0; the check says why, in Chinese."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(AnswerFormatError, match="还没有保存的记录"):
        check_shift_record("m12_q1", 12)
    assert score_shift_record("m12_q1", 12, 10) == 0.0
    save_record("m12_q1", play(make_plan(7)).record())
    with pytest.raises(AnswerFormatError, match="不是本题要求的那一场"):
        check_shift_record("m12_q1", 12)
    assert score_shift_record("m12_q1", 12, 10) == 0.0
    check_shift_record("m12_q1", 7)
    assert capsys.readouterr().out.strip() == PASSED
    doc = json.loads((tmp_path / ANSWERS_FILE).read_text(encoding="utf-8"))
    doc["answers"]["m12_q1"]["record"]["actions"][0][3] = 1
    (tmp_path / ANSWERS_FILE).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(AnswerFormatError, match="被手动改动过"):
        check_shift_record("m12_q1", 7)
    assert score_shift_record("m12_q1", 7, 10) == 0.0


def test_the_check_prints_the_same_line_for_good_and_bad_shifts(tmp_path, monkeypatch, capsys):
    """The visible check reveals nothing about how well the shift went."""
    monkeypatch.chdir(tmp_path)
    lines = []
    for desk in (play(make_plan(12)), play(make_plan(12), think=(40, 60), stop_at=200)):
        save_record("m12_q1", desk.record())
        check_shift_record("m12_q1", 12)
        lines.append(capsys.readouterr().out)
    assert lines[0] == lines[1] == PASSED + "\n"


def test_practice_shift_records_progress(tmp_path, monkeypatch):
    """Does the practice twin (type shift) play the seed's shift and record progress when it ends?"""
    from kefu.progress import load_progress
    from kefu.widgets import practice

    monkeypatch.chdir(tmp_path)
    widget = practice("m12", "m12_t1")
    assert widget.drill.desk.scenarios[0].id == make_plan(7).scenarios[0]
    widget.drill.stop()
    assert load_progress()["m12_t1"] == {"attempts": 1, "correct": False, "last": load_progress()["m12_t1"]["last"]}
    assert "× 还有买家没有顺利解决" in widget.report.value and "接待买家" in widget.report.value
    assert not (tmp_path / ANSWERS_FILE).exists()  # a practice shift is never recorded for grading


def test_queue_table():
    frame = kefu.shift.buyers(12)
    assert list(frame.columns) == ["买家", "到店(秒)", "情景", "需求", "昵称", "性格", "购买行为", "商品"]
    assert frame["需求"].tolist()[3] == "混合需求" and len(frame) == 8
    assert frame["昵称"].is_unique


def test_every_seed_gives_a_shift_that_can_be_played_to_full_marks():
    """Replayable with any seed: 20 seeds give valid shifts, each of which the scripted expert finishes with full marks."""
    for seed in range(20):
        plan = make_plan(seed)
        assert len(set(plan.scenarios)) == len(plan.scenarios) and max(plan.arrivals) < plan.time_limit
        assert shift_share(play(plan).results_frame()) == 1.0, seed

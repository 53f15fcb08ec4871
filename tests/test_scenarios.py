"""Tests of kefu.scenarios: the course's scenario files, the validation rules, the engine and the scorecard.

Example files under tests/cases/scenarios/ carry their verdict in their name: pass-*.yaml must give no
problem, <rule>-fail-*.yaml must give a problem of that rule (see RULE_KEYWORDS).
"""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

import kefu
from kefu.cli import main
from kefu.errors import DataFileMalformed
from kefu.scenarios import (Choice, Ending, Node, Scenario, ScenarioNotFound, Session, SessionError,
                            all_paths, load_all, load_scenario, load_scenario_file, mood_label, validate_file)

from conftest import ROOT

CASES = Path(__file__).parent / "cases" / "scenarios"
COURSE_FILES = sorted((ROOT / "data" / "scenarios").glob("*.yaml"))
PASS_CASES = sorted(CASES.glob("pass-*.yaml"))
FAIL_CASES = sorted(CASES.glob("*-fail-*.yaml"))
PLAYABLE = COURSE_FILES + PASS_CASES

# Small scenario for the unit tests: one compliant route, two wrong turns. Line numbers matter below.
BASE = textwrap.dedent("""\
    id: t
    title: 特价T恤要开发票
    module: M02
    summary: 买家要开公司抬头的发票。
    buyer:
      nickname: 小***猫
      personality: 分析型
      behaviour: 理智型
      product: 纯棉短袖T恤
    agent: 小雅
    time_standard: minutes_per_customer
    start: greet
    nodes:
      greet:
        buyer:
          - 在吗?要开发票
          - 开公司抬头的
        choices:
          - reply: 亲,可以开的,免费为您开具
            feedback: 先明确可以开、不收费。
            next: done_ok
            effects: {mood: 1, seconds: 25}
          - reply: 亲,特价商品不开发票哦
            feedback: 以特价为由拒开发票违反天猫发票规则。
            next: complain
            effects: {mood: -2, seconds: 10}
            violation: invoice
            principle: 天猫发票规则
      complain:
        buyer: 我要投诉!
        choices:
          - reply: 抱歉亲,马上为您开具
            feedback: 及时纠正,但违规已经发生。
            next: done_partial
            effects: {mood: 1, seconds: 30}
          - reply: 规定就是这样
            feedback: 推卸责任。
            next: done_fail
            effects: {mood: -2, seconds: 5}
      done_ok:
        buyer: 谢谢亲!
        end:
          outcome: 开票成功
          result: success
          converted: true
          summary: 明确可开,买家满意。
      done_partial:
        buyer: 算了,开吧。
        end:
          outcome: 补救后开票
          result: partial
          summary: 先拒后改。
      done_fail:
        buyer: 我去投诉你们。
        end:
          outcome: 买家投诉
          result: failure
          summary: 拒开又推卸责任。
    """)
F = "data/scenarios/t.yaml"


@pytest.fixture
def data_copy(tmp_path, monkeypatch, root):
    """A writable copy of data/ with an empty scenarios/ folder, which KEFU_DATA_DIR points at."""
    target = tmp_path / "data"
    shutil.copytree(root / "data", target, ignore=shutil.ignore_patterns("scenarios"))
    (target / "scenarios").mkdir()
    monkeypatch.setenv("KEFU_DATA_DIR", str(target))
    return target


def write(data_copy, text, name="t"):
    path = data_copy / "scenarios" / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def edit(*pairs):
    """BASE with each (old, new) replaced exactly once."""
    text = BASE
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def play(scenario, path):
    session = Session(scenario)
    for index in path:
        session.choose(index)
    return session


# --- the course's scenarios (and the passing examples) --------------------------------------------

def _points():
    return {code: rule["points"] for code, rule in kefu.load_yaml("platform_rules.yaml")["rules"].items()}


@pytest.mark.parametrize("path", PLAYABLE, ids=[f"{p.parent.name}/{p.stem}" for p in PLAYABLE])
def test_scenario_file_is_valid(path):
    """Does each scenario file pass every rule of docs/SCENARIOS.md §2?"""
    assert validate_file(path) == []


@pytest.mark.parametrize("path", PLAYABLE, ids=[f"{p.parent.name}/{p.stem}" for p in PLAYABLE])
def test_every_path_plays_to_a_consistent_scorecard(path):
    """Does every path reach an end with penalties, time, mood and compliance adding up?"""
    scenario, points = load_scenario_file(path), _points()
    compliant_paths = 0
    for route in all_paths(scenario):
        session = play(scenario, route)
        assert session.finished and session.path == route
        card, chosen = session.scorecard(), session.choices
        assert card.penalty_points == sum(points[c.violation] for c in chosen if c.violation)
        assert card.elapsed_s == sum(c.seconds for c in chosen)
        assert card.mood == sum(c.mood for c in chosen)
        clean = all(c.violation is None and c.major is None for c in chosen)
        assert card.compliant == (clean and card.result == "success")
        assert card.within_time == (card.elapsed_s <= card.time_limit_s)
        compliant_paths += card.compliant
    assert compliant_paths >= 1


def test_load_all_reads_the_course_scenarios():
    """Does load_all return every course scenario, sorted by id?"""
    assert [s.id for s in load_all()] == [p.stem for p in COURSE_FILES]


# --- example files: the verdict is in the file name ----------------------------------------------

RULE_KEYWORDS = {
    "yaml": "YAML 语法错误",
    "top": "顶层必须是一个映射",
    "required": "未填写(必填字段)",
    "type": "应为文本,现在是列表",
    "empty": "不能为空",
    "unknown": "不是可用的字段",
    "duplicate": "重名",
    "id": "与文件名",
    "personality": "不是 M03 的性格类型",
    "behaviour": "不是 M03 的购买行为类型",
    "module": "不是课程模块",
    "result": "不是可用的结果",
    "range": "之间,现在是",
    "time_standard": ":time_standard “",
    "violation": "data/platform_rules.yaml 的 rules 中的规则",
    "major": "data/platform_rules.yaml 的 major_violations",
    "start": ":start 指向不存在的节点",
    "next": ".next 指向不存在的节点",
    "unreachable": "出发无法到达",
    "cycle": "形成循环",
    "dead_end": "是死胡同",
    "end_and_choices": "同时有 end 和 choices",
    "feedback": "没有反馈",
    "compliant": "没有合规路径",
    "wrong_turns": "个错误选项,至少要 2 个",
}


@pytest.mark.parametrize("path", PASS_CASES + FAIL_CASES, ids=[p.stem for p in PASS_CASES + FAIL_CASES])
def test_example_file_gets_its_verdict(path):
    """Does each example file get exactly the verdict its name states?"""
    problems = validate_file(path)
    if path.stem.startswith("pass-"):
        assert problems == []
    else:
        keyword = RULE_KEYWORDS[path.stem.split("-fail-")[0]]
        assert any(keyword in p for p in problems), problems


def test_every_rule_has_a_failing_example():
    """Is there a <rule>-fail-*.yaml example for every rule?"""
    assert {p.stem.split("-fail-")[0] for p in FAIL_CASES} == set(RULE_KEYWORDS)


# --- each validation rule, with its exact message -------------------------------------------------

# every standard of data/standards.yaml whose unit is a time, in the file's order (modules add their own)
TIME_STANDARDS = "、".join(s.key for s in kefu.load_standards() if s.unit in ("秒", "分钟", "小时"))
assert TIME_STANDARDS.startswith("first_response_s、welcome_s、single_reply_s、avg_response_s、minutes_per_customer、")

RULES = {
    "yaml": (edit(("  nickname: 小***猫\n", "  nickname: 小***猫\n   product: T恤\n")),
             [f"{F}:YAML 语法错误(mapping values are not allowed here),这一行多了“冒号+空格”或缩进不对;"
              "文本里有英文冒号时请给整段文本加引号(第 7 行)"]),
    "top": ("- 不是映射\n",
            [f"{F}:文件的顶层必须是一个映射(id: …、title: … 这样的“键: 值”),请对照 docs/SCENARIOS.md 的示例"]),
    "required": (edit(("  product: 纯棉短袖T恤\n", "")), [f"{F}:buyer.product 未填写(必填字段)(第 5 行)"]),
    "type": (edit(("module: M02", "module: 2")), [f"{F}:module 应为文本,现在是整数 2(可以加引号写成文本)(第 3 行)"]),
    "empty": (edit(("    - reply: 规定就是这样", "    - reply: ''")), [f"{F}:nodes.complain.choices[1].reply 不能为空(第 36 行)"]),
    "unknown": (edit(("        principle: 天猫发票规则", "        principal: 天猫发票规则")),
                [f"{F}:nodes.greet.choices[1].principal 不是可用的字段(这里可用:reply、feedback、next、effects、"
                 "violation、major、principle)(第 28 行)"]),
    "duplicate": (edit(("  done_fail:\n    buyer: 我去投诉你们。\n", "  done_fail:\n    buyer: 我去投诉你们。\n"
                                                                 "    buyer: 算了\n")),
                  [f"{F}:nodes.done_fail.buyer 与第 54 行重名(同一层里的名字不能重复,YAML 只会保留后写的那个)(第 55 行)"]),
    "id": (edit(("id: t\n", "id: invoice\n")),
           [f"{F}:id “invoice” 与文件名 t.yaml 不一致(id 必须等于文件名去掉 .yaml,即 t)(第 1 行)"]),
    "personality": (edit(("personality: 分析型", "personality: 外向型")),
                    [f"{F}:buyer.personality “外向型” 不是 M03 的性格类型(可选:独断型、冷漠型、自我型、友善型、"
                     "刁钻蛮横型、分析型)(第 7 行)"]),
    "behaviour": (edit(("behaviour: 理智型", "behaviour: 冲动消费型")),
                  [f"{F}:buyer.behaviour “冲动消费型” 不是 M03 的购买行为类型(可选:冲动型、不定型、选价型、理智型、"
                   "情感型、习惯型)(第 8 行)"]),
    "module": (edit(("module: M02", "module: M13")), [f"{F}:module “M13” 不是课程模块(应为 M01…M12 之一)(第 3 行)"]),
    "result": (edit(("result: partial", "result: half")),
               [f"{F}:nodes.done_partial.end.result “half” 不是可用的结果(可选:success、partial、failure)(第 51 行)"]),
    "range": (edit(("{mood: 1, seconds: 25}", "{mood: 5, seconds: 0}")),
              [f"{F}:nodes.greet.choices[0].effects.mood 应在 -3 到 3 之间,现在是 5(第 22 行)",
               f"{F}:nodes.greet.choices[0].effects.seconds 应在 1 到 600 之间,现在是 0(第 22 行)"]),
    "time_standard": (edit(("time_standard: minutes_per_customer", "time_standard: reply_rate")),
                      [f"{F}:time_standard “reply_rate” 的单位是“比例”,不是时间(可用的时间标准:{TIME_STANDARDS})"
                       "(第 11 行)"]),
    "violation": (edit(("violation: invoice", "violation: receipt")),
                  [f"{F}:nodes.greet.choices[1].violation “receipt” 不是 data/platform_rules.yaml 的 rules 中的规则"
                   "(可选:invoice、free_shipping、credit_card、cash_on_delivery、privacy、close_order)(第 27 行)"]),
    "major": (edit(("        violation: invoice\n", "        violation: invoice\n        major: cashback\n")),
              [f"{F}:nodes.greet.choices[1].major “cashback” 不是 data/platform_rules.yaml 的 major_violations 中的"
               "类型(可选:counterfeit、fake_transactions、price_fraud、misdescription、ip_infringement)(第 28 行)"]),
    "start": (edit(("start: greet", "start: hello")), [f"{F}:start 指向不存在的节点 “hello”(第 12 行)"]),
    "next": (edit(("next: done_partial", "next: done_partiall")),
             [f"{F}:nodes.complain.choices[0].next 指向不存在的节点 “done_partiall”(第 34 行)",
              f"{F}:nodes.done_partial 从 start(“greet”)出发无法到达:没有哪条对话路线会走到这个节点(第 47 行)"]),
    "unreachable": (BASE + "  orphan:\n    buyer: 有人吗?\n    end:\n      outcome: 没人理\n      result: failure\n"
                           "      summary: 无人接待。\n",
                    [f"{F}:nodes.orphan 从 start(“greet”)出发无法到达:没有哪条对话路线会走到这个节点(第 59 行)"]),
    "cycle": (edit(("next: done_fail", "next: greet")),
              [f"{F}:nodes.done_fail 从 start(“greet”)出发无法到达:没有哪条对话路线会走到这个节点(第 53 行)",
               f"{F}:nodes.complain.choices[1].next 指回 “greet”,形成循环(greet → complain → greet);"
               "情景必须在有限步内走到结局(第 38 行)"]),
    "dead_end": (edit(("      - reply: 抱歉亲,马上为您开具\n        feedback: 及时纠正,但违规已经发生。\n"
                       "        next: done_partial\n        effects: {mood: 1, seconds: 30}\n", "")),
                 [f"{F}:nodes.complain.choices 只有 1 个选项,是死胡同(非结束节点至少要有 2 个选项,学员才有选择)(第 31 行)",
                  f"{F}:nodes.done_partial 从 start(“greet”)出发无法到达:没有哪条对话路线会走到这个节点(第 43 行)"]),
    "dead_end_no_choices": (edit(("  done_ok:\n    buyer: 谢谢亲!\n    end:\n      outcome: 开票成功\n"
                                  "      result: success\n      converted: true\n      summary: 明确可开,买家满意。\n",
                                  "  done_ok:\n    buyer: 谢谢亲!\n")),
                            [f"{F}:nodes.done_ok 既没有 end 也没有 choices,是死胡同(非结束节点至少要有 2 个选项,"
                             "学员才有选择;对话到此结束就写 end)(第 40 行)",
                             f"{F}:nodes 没有合规路径:从 start 出发,没有一条不带 violation/major 的对话路线能走到 "
                             "result: success 的结局(第 13 行)"]),
    "end_and_choices": (edit(("    buyer: 谢谢亲!\n", "    buyer: 谢谢亲!\n    choices: []\n")),
                        [f"{F}:nodes.done_ok 同时有 end 和 choices(结束节点不能再有选项;要继续对话就删掉 end)(第 40 行)"]),
    "feedback": (edit(("        feedback: 推卸责任。\n", "")),
                 [f"{F}:nodes.complain.choices[1].feedback 没有反馈(每个选项都要写 feedback,说明这样回复好在哪里"
                  "或错在哪里)(第 36 行)"]),
    "compliant": (edit(("        next: done_ok\n", "        next: done_ok\n        major: fake_transactions\n")),
                  [f"{F}:nodes 没有合规路径:从 start 出发,没有一条不带 violation/major 的对话路线能走到 "
                   "result: success 的结局(第 13 行)"]),
    "wrong_turns": (edit(("effects: {mood: -2, seconds: 10}", "effects: {mood: 0, seconds: 10}"),
                         ("violation: invoice\n", "principle: 说明\n"), ("        principle: 天猫发票规则\n", "")),
                    [f"{F}:nodes 只有 1 个错误选项,至少要 2 个(错误选项:带 violation 或 major、让买家情绪下降"
                     "(mood < 0),或之后只能走向 result: failure 的结局)(第 13 行)"]),
}


@pytest.mark.parametrize("rule", list(RULES))
def test_rule_message(data_copy, rule):
    """Does each broken scenario give exactly the expected Chinese problems, with file, field and line?"""
    text, expected = RULES[rule]
    assert validate_file(write(data_copy, text)) == expected


def test_base_scenario_is_valid(data_copy):
    """Is the unit tests' base scenario itself free of problems?"""
    assert validate_file(write(data_copy, BASE)) == []


def test_all_problems_are_reported_together(data_copy):
    """Are several problems of one file all listed, not just the first?"""
    text = edit(("module: M02", "module: M00"), ("start: greet", "start: hi"), ("        feedback: 推卸责任。\n", ""))
    problems = validate_file(write(data_copy, text))
    assert len(problems) == 3 and all(p.startswith(f"{F}:") for p in problems)


def test_wrong_turn_may_lead_only_to_failure(data_copy):
    """Does a choice that is polite but leads only to failure count as a wrong turn?"""
    text = edit(("effects: {mood: -2, seconds: 10}", "effects: {mood: 0, seconds: 10}"),
                ("violation: invoice\n", "principle: 说明\n"), ("        principle: 天猫发票规则\n", ""),
                ("next: done_partial", "next: done_fail"))
    assert validate_file(write(data_copy, text)) == [
        f"{F}:nodes.done_partial 从 start(“greet”)出发无法到达:没有哪条对话路线会走到这个节点(第 46 行)"]


# --- loading -------------------------------------------------------------------------------------

def test_load_scenario_builds_the_model(data_copy):
    """Does load_scenario turn the file into frozen model objects with defaults filled in?"""
    write(data_copy, edit(("        effects: {mood: -2, seconds: 5}\n", "")))
    scenario = load_scenario("t")
    assert scenario.start_node.buyer_messages == ("在吗?要开发票", "开公司抬头的")
    assert scenario.nodes["complain"].choices[1] == Choice("规定就是这样", "推卸责任。", "done_fail", 0, 30)
    assert scenario.nodes["done_ok"].end == Ending("开票成功", "success", True, "明确可开,买家满意。")
    assert scenario.buyer.personality == "分析型" and scenario.agent == "小雅" and scenario.tags == ()


def test_load_broken_scenario_names_file_field_and_line(data_copy):
    """Is a broken scenario refused with its file, field path, line and the number of other problems?"""
    write(data_copy, edit(("next: done_partial", "next: nowhere")))
    with pytest.raises(DataFileMalformed) as info:
        load_scenario("t")
    assert info.value.path == F and info.value.line == 34
    assert "nodes.complain.choices[0].next 指向不存在的节点 “nowhere”(另有 1 处问题)" in str(info.value)
    assert "kefu check" in str(info.value)


def test_unknown_scenario_lists_the_known_ones(data_copy):
    """Does asking for a missing scenario name the ones that exist?"""
    write(data_copy, BASE)
    with pytest.raises(ScenarioNotFound, match=re.escape("没有情景 “nope”(已有的情景:t)。找不到数据文件")):
        load_scenario("nope")
    with pytest.raises(ScenarioNotFound):
        load_scenario("../standards")


# --- the engine and the scorecard ----------------------------------------------------------------

@pytest.fixture
def scenario(data_copy):
    write(data_copy, BASE)
    return load_scenario("t")


def test_session_opens_with_the_buyer_messages(scenario):
    """Does a new session show the start node's buyer messages at 0 seconds, mood 0?"""
    session = Session(scenario)
    assert session.node.id == "greet" and not session.finished and session.mood == 0
    assert [(e.speaker, e.text, e.elapsed_s) for e in session.transcript] == [
        ("buyer", "在吗?要开发票", 0), ("buyer", "开公司抬头的", 0)]


def test_choose_adds_reply_then_next_buyer_messages(scenario):
    """Does a choice add the agent's reply (with its seconds) and the next node's buyer messages?"""
    session = Session(scenario)
    step = session.choose(1)
    assert step.node.id == "complain" and not step.finished and not step.ok
    assert [(e.speaker, e.text, e.elapsed_s) for e in step.entries] == [
        ("agent", "亲,特价商品不开发票哦", 10), ("buyer", "我要投诉!", 10)]
    step = session.choose(1)
    assert step.finished and session.path == (1, 1) and session.mood == -4 and session.elapsed_s == 15
    assert [(e.speaker, e.text) for e in session.transcript[-3:]] == [
        ("agent", "规定就是这样"), ("buyer", "我去投诉你们。"), ("system", "对话结束:买家投诉")]


def test_scorecard_of_the_compliant_path(scenario):
    """Is the compliant path scored as converted, compliant, within time and without penalty?"""
    card = play(scenario, (0,)).scorecard()
    assert (card.outcome, card.result, card.mood, card.mood_label) == ("开票成功", "success", 1, "平静")
    assert card.violations == () and card.penalty_points == 0
    assert (card.elapsed_s, card.time_limit_s, card.within_time) == (25, 240, True)
    assert card.converted and card.compliant
    assert ("用时", "25 秒(标准:单个客户平均接待时长上限 4 分钟,达标)") in card.rows()


def test_scorecard_counts_violations(scenario):
    """Are the violations of a path listed with the points of data/platform_rules.yaml?"""
    card = play(scenario, (1, 0)).scorecard()
    assert card.violations == (("invoice", "发票", 6),) and card.penalty_points == 6
    assert card.result == "partial" and not card.compliant and not card.converted
    assert dict(card.rows())["违规"] == "发票(扣 6 分)" and dict(card.rows())["扣分合计"] == "6 分"


@pytest.mark.parametrize("standard, limit, within", [
    ("first_response_s", 30, False), ("minutes_per_customer", 240, True), ("ship_within_h", 48 * 3600, True)])
def test_time_is_compared_with_the_standard_in_seconds(data_copy, standard, limit, within):
    """Is the path's time compared with the standard converted from 秒, 分钟 or 小时 to seconds?"""
    write(data_copy, edit(("time_standard: minutes_per_customer", f"time_standard: {standard}")))
    card = play(load_scenario("t"), (1, 0)).scorecard()
    assert (card.elapsed_s, card.time_limit_s, card.within_time) == (40, limit, within)
    assert ("超时" if not within else "达标") in dict(card.rows())["用时"]


def test_major_violation_breaks_compliance_without_points():
    """Does a major violation (好评返现) make a successful path non-compliant, with 0 points?"""
    card = play(load_scenario_file(CASES / "pass-silent-followup.yaml"), (2,)).scorecard()
    assert card.result == "success" and not card.compliant
    assert card.violations == (("fake_transactions", "刷单炒信", 0),) and card.penalty_points == 0
    assert "重大违规" in dict(card.rows())["违规"]


@pytest.mark.parametrize("mood, label", [(3, "满意"), (2, "满意"), (1, "平静"), (0, "平静"), (-1, "不满"),
                                         (-2, "不满"), (-3, "愤怒"), (-6, "愤怒")])
def test_mood_labels(mood, label):
    """Is the buyer's final mood named as docs/SCENARIOS.md §3 says?"""
    assert mood_label(mood) == label


@pytest.mark.parametrize("index, message", [
    (2, "没有编号为 2 的回复:节点 “greet” 有 2 个回复,编号是 0 到 1。"),
    (-1, "没有编号为 -1 的回复:节点 “greet” 有 2 个回复,编号是 0 到 1。"),
    ("0", "回复的编号应为整数(0 到 1),现在是 '0'。"),
    (True, "回复的编号应为整数(0 到 1),现在是 True。"),
])
def test_bad_index_is_refused(scenario, index, message):
    """Is a reply number that does not exist refused with a Chinese message, leaving the session as it was?"""
    session = Session(scenario)
    with pytest.raises(SessionError) as info:
        session.choose(index)
    assert str(info.value) == message and session.path == () and len(session.transcript) == 2


def test_no_choice_after_the_end(scenario):
    """Is choosing after the end refused, and the scorecard refused before it?"""
    session = Session(scenario)
    with pytest.raises(SessionError, match="对话还没有结束"):
        session.scorecard()
    session.choose(0)
    with pytest.raises(SessionError, match=re.escape("对话已经结束(结局:开票成功),不能再选回复")):
        session.choose(0)


def test_all_paths_of_a_branching_graph():
    """Does all_paths list every route, in index order, through shared nodes too?"""
    def ask(node_id, *targets):
        return Node(node_id, ("?",), tuple(Choice("r", "f", t) for t in targets))

    def end(node_id):
        return Node(node_id, (), (), Ending("o", "success"))

    nodes = [ask("a", "b", "c"), ask("b", "x", "c"), ask("c", "x", "y", "b2"), ask("b2", "y", "x"),
             end("x"), end("y")]
    scenario = Scenario("g", "t", "M01", (), "s", None, "客服", "minutes_per_customer", "a",
                        {n.id: n for n in nodes})
    assert all_paths(scenario) == [(0, 0), (0, 1, 0), (0, 1, 1), (0, 1, 2, 0), (0, 1, 2, 1),
                                   (1, 0), (1, 1), (1, 2, 0), (1, 2, 1)]


# --- kefu check ----------------------------------------------------------------------------------

def test_kefu_check_reports_scenario_problems(data_copy, capsys):
    """Does `kefu check` list each scenario problem and fail?"""
    write(data_copy, edit(("next: done_partial", "next: nowhere")))
    write(data_copy, BASE.replace("id: t", "id: ok"), name="ok")
    (data_copy / "scenarios" / "old.yml").write_text(BASE, encoding="utf-8")
    code = main(["--course", str(ROOT), "check"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"× {F}:nodes.complain.choices[0].next 指向不存在的节点 “nowhere”(第 34 行)" in out
    assert "× data/scenarios/old.yml:扩展名应为 .yaml,请改名为 old.yaml(否则不会被读取)" in out
    assert f"× {F}:nodes.done_partial 从 start(“greet”)出发无法到达" in out
    assert "data/scenarios/ok.yaml" not in out

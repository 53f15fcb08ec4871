"""The quick replies file of M11 (data/quick_replies.yaml) and its loader kefu.quick_replies."""

from __future__ import annotations

import shutil

import pytest
import yaml

import kefu
from kefu.errors import DataFileMalformed
from kefu.quick_replies import commands_table, faq_table, fill_placeholders, load_quick_replies

from conftest import ROOT


def test_course_file_has_the_five_commands_ten_answers_in_three_categories():
    """Does the course file hold /欢迎 /查询 /物流 /退换 /感谢, and 10 FAQ answers in 物流发货, 售后退换, 支付优惠?"""
    qr = kefu.load_quick_replies()
    assert [c["command"] for c in qr["commands"]] == ["/欢迎", "/查询", "/物流", "/退换", "/感谢"]
    assert [c["category"] for c in qr["faq"]] == ["物流发货", "售后退换", "支付优惠"]
    assert sum(len(c["answers"]) for c in qr["faq"]) == 10
    assert all(len(c["examples"]) >= 3 for c in qr["faq"])
    assert qr["routing"]["default"] == "人工回复"
    assert [r["reply"] for r in qr["routing"]["rules"]] == ["人工回复", "/退换", "/物流", "/查询", "/感谢"]


def test_placeholders_are_filled_from_the_standards():
    """Are {ship_within_h} and {print_cutoff_hour} replaced by the values of data/standards.yaml, and none left?"""
    standards = kefu.load_standards()
    qr = load_quick_replies(standards=standards)
    texts = [c["text"] for c in qr["commands"]] + [a["text"] for c in qr["faq"] for a in c["answers"]]
    assert not [t for t in texts if "{" in t or "}" in t]
    logistics = next(c["text"] for c in qr["commands"] if c["command"] == "/物流")
    assert f"付款后 {standards.value('ship_within_h')} 小时内发货" in logistics
    shipping = faq_table(qr).loc[1]
    assert (shipping["类别"], shipping["问题"]) == ("物流发货", "发货时间")
    assert f"当天 {standards.value('print_cutoff_hour')} 点之前" in shipping["标准答案"]
    assert list(commands_table(qr).columns) == ["指令", "名称", "什么时候用", "话术"]
    assert list(faq_table(qr).index) == list(range(1, 11))


def test_no_reply_text_breaks_the_course_reply_rules():
    """Does no quick reply or FAQ answer use a term the reply review forbids (极限词, 好评返现, 拒开发票 …)?"""
    from kefu.review import review_reply

    qr = kefu.load_quick_replies()
    texts = [c["text"] for c in qr["commands"]] + [a["text"] for c in qr["faq"] for a in c["answers"]]
    for text in texts:
        forbidden = [f for f in review_reply(text, "m11_handover").problems
                     if f.rule not in {"human", "apology", "restate", "next_step", "time", "length"}]
        assert forbidden == [], text


def test_fill_placeholders_names_an_unknown_standard():
    """Is a placeholder that is no standard reported with the entry it is in?"""
    standards = kefu.load_standards()
    assert fill_placeholders("{minutes_per_customer} 分钟", standards) == "4 分钟"
    with pytest.raises(DataFileMalformed, match=r"指令 /物流 的占位符 \{ship_within_days\}"):
        fill_placeholders("{ship_within_days} 天", standards, where="指令 /物流 ")


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A copy of data/ that KEFU_DATA_DIR points at; returns a function that rewrites quick_replies.yaml."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target, ignore=shutil.ignore_patterns("*.csv", "scenarios", "practice"))
    monkeypatch.setenv("KEFU_DATA_DIR", str(target))
    original = yaml.safe_load((target / "quick_replies.yaml").read_text(encoding="utf-8"))

    def write(change):
        doc = yaml.safe_load(yaml.safe_dump(original, allow_unicode=True))
        change(doc)
        (target / "quick_replies.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")

    return write


def _unknown_reply(doc):
    doc["routing"]["rules"][1]["reply"] = "/退货"


def _empty_keyword(doc):
    doc["routing"]["rules"][0]["keywords"].append(" ")


def _duplicate_command(doc):
    doc["commands"][1]["command"] = "/欢迎"


def _bad_placeholder(doc):
    doc["faq"][0]["answers"][0]["text"] = "付款后 {ship_in_h} 小时内发货"


def _no_slash(doc):
    doc["commands"][4]["command"] = "感谢"


def _no_keywords(doc):
    doc["routing"]["rules"][2]["keywords"] = []


@pytest.mark.parametrize("change, message", [
    (_unknown_reply, "routing 第 2 条规则的 reply '/退货' 既不是 commands 里的指令,也不是 default"),
    (_empty_keyword, "routing 第 1 条规则的 keywords 里每一项都要是非空文字"),
    (_duplicate_command, "commands 第 2 项的指令 /欢迎 重复"),
    (_bad_placeholder, "常见问题类别 物流发货 “发货时间” 的占位符 {ship_in_h} 不是 data/standards.yaml 中的标准"),
    (_no_slash, "commands 第 5 项的指令 '感谢' 要以 / 开头"),
    (_no_keywords, "routing 第 3 条规则的 keywords 必须是非空的列表"),
], ids=["unknown-reply", "empty-keyword", "duplicate-command", "bad-placeholder", "no-slash", "no-keywords"])
def test_a_broken_file_is_reported_in_chinese(data_copy, change, message):
    """Does each kind of mistake in the file give one Chinese message naming the entry?"""
    data_copy(change)
    with pytest.raises(DataFileMalformed) as caught:
        load_quick_replies()
    assert message in str(caught.value)
    assert "data/quick_replies.yaml" in str(caught.value)


def test_crm_groups_file_names_every_group_in_its_precedence():
    """Does data/crm_groups.yaml give the five groups, a precedence over all of them and numeric thresholds?"""
    crm = kefu.load_yaml("crm_groups.yaml")
    assert crm["precedence"] == ["投诉客户", "VIP", "老客户", "新客户", "潜在客户"]
    assert set(crm["groups"]) == set(crm["precedence"])
    assert all({"rule", "focus", "how"} <= set(g) for g in crm["groups"].values())
    assert set(crm["thresholds"]) == {"complaint_min", "vip_min_spent", "repeat_min_orders"}
    assert all(isinstance(v, (int, float)) and v > 0 for v in crm["thresholds"].values())


def test_kefu_check_reports_a_broken_quick_replies_file(data_copy):
    """Does kefu check's data step name a broken data/quick_replies.yaml, and pass the course's own file?"""
    from kefu.commands.check import _check_data

    assert [p for p in _check_data() if "quick_replies" in p] == []
    data_copy(_unknown_reply)
    assert [p for p in _check_data() if "quick_replies" in p] == [
        "data/quick_replies.yaml:数据文件 data/quick_replies.yaml 格式有误:routing 第 2 条规则的 reply '/退货' "
        "既不是 commands 里的指令,也不是 default。请对照文件开头的说明修正。"]

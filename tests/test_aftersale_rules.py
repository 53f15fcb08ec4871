"""The after-sale rules M08 reads (data/platform_rules.yaml ``after_sale``) agree with the standards and the practice items."""

from __future__ import annotations

import kefu
from kefu.widgets import load_practice
from kefu.widgets.practice_bank import FunctionItem


def _after_sale() -> dict:
    return kefu.load_yaml("platform_rules.yaml")["after_sale"]


def test_window_is_a_standard_in_days_with_a_source():
    """Does the no-reason return rule name a standard of data/standards.yaml, in days, no shorter than the law's seven?"""
    key = _after_sale()["no_reason_return"]["window_standard"]
    standard = kefu.load_standards()[key]
    assert standard.unit == "天" and isinstance(standard.value, int) and standard.value >= 7
    assert standard.source.startswith("[000]")


def test_remedies_are_the_fixed_wording_of_the_function_twin():
    """Are the remedy and freight words of the rules exactly those the M08 function twin expects (no drift)?"""
    remedies = {k: v for k, v in _after_sale()["remedies"].items() if isinstance(v, dict)}
    words = {v["remedy"] for v in remedies.values()}
    freights = {v["freight"] for v in remedies.values()} | {remedies["no_reason"]["freight_insured"]}
    assert words == {"换货", "补偿", "退货退款", "婉拒无理由退货", "人工核实"}
    assert freights == {"商家", "无", "买家", "运费险", "待定"}
    twin = next(i for i in load_practice("m08") if isinstance(i, FunctionItem))
    seen_remedies = {r for case in twin.cases for r in case.expected["remedy"]}
    seen_freights = {f for case in twin.cases for f in case.expected["freight"]}
    assert seen_remedies == words and seen_freights == freights


def test_every_retention_claim_and_freight_rule_names_its_source_or_basis():
    """Does each retention claim carry a seed source, and each freight rule a legal basis?"""
    after_sale = _after_sale()
    assert all(c["source"].startswith("[001]") and c["text"] for c in after_sale["retention"]["claims"])
    assert all("消费者权益保护法" in rule["basis"] for rule in after_sale["freight"].values())
    assert after_sale["flow"]["steps"] == ["申请售后", "寄回商品", "质检", "退款"]

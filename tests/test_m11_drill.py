"""The M11 multi-chat drill as the notebook sets it up: its scenarios, and a scripted shift through them."""

from __future__ import annotations

import ast
import re

import nbformat

import kefu
from kefu.scenarios import all_paths, load_scenario
from kefu.scenarios.desk import Desk

from conftest import ROOT

NOTEBOOK = ROOT / "source" / "m11_efficiency" / "m11_efficiency.ipynb"


def _drill_call():
    """The scenario ids, arrivals and time limit of the drill cell (m11-52-drill)."""
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    (cell,) = [c for c in nb.cells if c.id == "m11-52-drill"]
    call = ast.parse(cell.source).body[0].value
    assert re.search(r"kefu\.multichat\(", cell.source) and "record=" not in cell.source
    keywords = {k.arg: k.value for k in call.keywords}
    return (ast.literal_eval(call.args[0]), ast.literal_eval(keywords["arrivals"]),
            eval(compile(ast.Expression(keywords["time_limit"]), "drill", "eval")))  # noqa: S307 - "10 * 60"


def _compliant(scenario):
    """The first path (choice indices) that ends in success without a violation."""
    for path in all_paths(scenario):
        node, ok = scenario.nodes[scenario.start], True
        for index in path:
            choice = node.choices[index]
            ok = ok and choice.violation is None and choice.major is None
            node = scenario.nodes[choice.next]
        if ok and node.end.result == "success":
            return path
    raise AssertionError(scenario.id)


def test_drill_uses_three_m11_buyers_one_simple():
    """Does the drill bring three M11 buyers, the simple one among them, in the store's minimum of seats?"""
    ids, arrivals, limit = _drill_call()
    assert ids == ["bot_handover_refund", "stock_question_quick", "quick_reply_or_human"]
    assert [load_scenario(i).module for i in ids] == ["M11"] * 3
    assert arrivals == [0, 10, 20] and limit == 600
    assert kefu.load_standards().value("concurrent_chats_min") == 3
    assert min(len(_compliant(load_scenario(i))) for i in ids) == 2  # the stock question: two replies


def test_simple_first_serves_everyone_within_the_limit():
    """Played 'complex first one line, simple quickly, then back': do all three end in success, with exact waits?"""
    ids, arrivals, limit = _drill_call()
    desk = Desk([load_scenario(i) for i in ids], arrivals, concurrent=3, time_limit=limit)
    desk.advance(0)
    paths = {n: list(_compliant(load_scenario(i))) for n, i in enumerate(ids, start=1)}
    # t: a reply every 8 s — the refund buyer's first line, then the stock buyer, then the logistics buyer, ...
    order = [1, 2, 2, 3, 1, 3, 1, 3, 3]
    for step, chat in enumerate(order, start=1):
        desk.reply(chat, paths[chat].pop(0), 8.0 * step + 20)
    assert all(not p for p in paths.values())
    results = desk.results_frame()
    assert list(results["result"]) == ["success", "success", "success"]
    assert list(results["first_reply_after_s"]) == [28.0, 26.0, 32.0]
    assert list(results["breaches"]) == [0, 0, 0]
    assert desk.over and desk.end_reason == "done" and desk.ended_at == 92.0

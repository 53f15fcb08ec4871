"""The multi-chat drill in a real JupyterLab: three buyers at once, played by clicking, the saved record checked.

A one-cell notebook ``kefu.multichat([...], concurrent=3, record="b_shift")`` runs in chromium. Three buyers
arrive together, each takes a seat. The test clicks each seat button and then, chat by chat and turn by turn
(interleaved, as a learner switches between chats), the ``.kefu-choice`` button carrying the reply of a
compliant path. The page's own timer must move the clock on. At the end the record saved next to the
notebook (kefu-answers.json) is rebuilt by replay (``load_recorded``, what a test cell does) and its results
are checked: every chat finished on its compliant ending, no breach, one reply per step, times in order.
The widget is saved as test-artifacts/multichat_widget.png.
"""

from __future__ import annotations

import re

import nbformat
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from kefu.scenarios import Session, all_paths, load_scenario  # noqa: E402
from kefu.widgets.multichat import load_recorded  # noqa: E402

SCENARIOS = ["size_advice", "invoice_request", "duplicate_order_confirm"]


def compliant_path(scenario):
    for path in all_paths(scenario):
        session = Session(scenario)
        for index in path:
            session.choose(index)
        if session.scorecard().compliant:
            return path, session.node.end
    raise AssertionError(f"scenario {scenario.id} has no compliant path")


def drill_notebook(course) -> tuple[str, object]:
    folder = course / "learner" / "multichat"
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(
        f'import kefu\nkefu.multichat({SCENARIOS!r}, concurrent=3, seed=7, record="b_shift")')]
    nbformat.write(nb, str(folder / "multichat.ipynb"))
    return "learner/multichat/multichat.ipynb", folder


def test_three_chats_at_once_are_played_and_recorded(lab, open_notebook, artifacts):
    """Can a learner switch between three open chats, finish each, and is the saved record what they did?"""
    from playwright.sync_api import expect

    scenarios = [load_scenario(s) for s in SCENARIOS]
    paths = [compliant_path(s) for s in scenarios]
    relpath, folder = drill_notebook(lab.course)
    nb = open_notebook(relpath)
    nb.page.set_viewport_size({"width": 1400, "height": 1600})
    nb.run_all()
    drill = nb.panel.locator(".kefu-multichat")
    expect(drill).to_have_count(1)
    seats = drill.locator(".kefu-seat")
    expect(seats).to_have_count(3)
    for number, scenario in enumerate(scenarios, 1):
        expect(seats.nth(number - 1)).to_contain_text(f"{number} 号窗口 · {scenario.buyer.nickname}")
    expect(drill.locator(".kefu-queue")).to_contain_text("排队 0 人")
    # the page's timer moves the clock: 10:00:00 becomes a later second without any click
    clock = drill.locator(".kefu-clock")
    expect(clock).not_to_have_text("10:00:00", timeout=10_000)

    nodes = [s.start_node for s in scenarios]
    steps = [0, 0, 0]
    while any(steps[i] < len(paths[i][0]) for i in range(3)):
        for i, scenario in enumerate(scenarios):
            path = paths[i][0]
            if steps[i] >= len(path):
                continue
            seat = drill.locator(".kefu-seat", has_text=scenario.buyer.nickname)
            seat.click()
            expect(drill.locator(".kefu-active-chat")).to_contain_text(f"第 {i + 1} 位买家")
            choice = nodes[i].choices[path[steps[i]]]
            buttons = drill.locator(".kefu-choice")
            expect(buttons).to_have_count(len(nodes[i].choices))
            button = buttons.filter(has_text=choice.reply)
            expect(button).to_have_count(1)
            button.click()
            nodes[i] = scenario.nodes[choice.next]
            steps[i] += 1
            for message in nodes[i].buyer_messages:
                expect(drill.locator(".kefu-chat")).to_contain_text(message)

    expect(drill.locator(".kefu-multichat-results")).to_contain_text("本场结果")
    expect(drill.locator(".kefu-multichat-header")).to_contain_text("全部买家已接待完")
    drill.screenshot(path=str(artifacts / "multichat_widget.png"))

    loaded = load_recorded("b_shift", folder=folder)
    assert loaded.desk is not None, loaded.problem
    results = loaded.results()
    assert results["scenario"].tolist() == SCENARIOS
    assert results["finished"].tolist() == [True, True, True]
    assert results["outcome"].tolist() == [end.outcome for _path, end in paths]
    assert results["converted"].tolist() == [bool(end.converted) for _path, end in paths]
    assert results["breaches"].tolist() == [0, 0, 0]
    assert results["replies"].tolist() == [len(path) for path, _end in paths]
    assert (results["first_reply_after_s"] > 0).all()
    events = loaded.events()
    replies = events[events["event"] == "reply"]
    assert replies["t"].is_monotonic_increasing
    # the learner switched: the replies of the three chats are interleaved, not one chat after the other
    assert replies["chat"].tolist()[:3] == [1, 2, 3]
    assert re.fullmatch(r"\d\d:\d\d:\d\d", clock.inner_text())

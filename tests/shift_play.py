"""Scripted players of the M12 shift (test helpers, not part of kefu: a learner gets no autoplayer).

``play(plan, choose, think)`` runs a :class:`~kefu.scenarios.desk.Desk` of the plan on a simulated clock: the
player always answers the open chat that has waited longest, ``think(rng)`` seconds after the previous action,
picking the option ``choose(chat, node)`` returns; ``stop_at`` ends the shift early. The source notebook's key
(``source/m12_capstone/kefu-answers.key.json``) and the partial case's record are made with it.
"""

from __future__ import annotations

import random

from kefu.scenarios import Session, all_paths, load_scenario
from kefu.scenarios.desk import Desk


def best_path(scenario) -> tuple[int, ...]:
    """The compliant path to a success with the highest mood (first in index order on ties)."""
    best, best_mood = None, None
    for path in all_paths(scenario):
        session = Session(scenario)
        for index in path:
            session.choose(index)
        card = session.scorecard()
        if card.compliant and (best_mood is None or card.mood > best_mood):
            best, best_mood = path, card.mood
    assert best is not None, scenario.id
    return best


def expert(desk: Desk):
    """The option of the best path at the chat's current node."""
    paths = {c.number: best_path(c.scenario) for c in desk.chats}

    def choose(chat, node):
        return paths[chat.number][len(chat.session.path)]
    return choose


def play(plan, choose=None, *, think=(5, 9), seed=0, stop_at=None) -> Desk:
    desk = Desk([load_scenario(s) for s in plan.scenarios], list(plan.arrivals), concurrent=plan.concurrent,
                time_limit=plan.time_limit, seed=plan.seed)
    choose = choose or expert(desk)
    rng = random.Random(seed)
    now = 0.0
    while not desk.over:
        desk.advance(now)
        if desk.over:
            break
        if stop_at is not None and now >= stop_at:
            desk.stop(now)
            break
        open_chats = desk.open_chats()
        if not open_chats:
            pending = [c.arrival for c in desk.chats if c.status == "pending"]
            now = min(pending) if pending else now
            continue
        now = round(now + rng.uniform(*think), 1)
        desk.advance(now)
        if desk.over:
            break
        open_chats = desk.open_chats()
        if not open_chats:
            continue
        chat = max(open_chats, key=lambda c: (desk.waiting_s(c), -c.number))
        desk.reply(chat.number, choose(chat, chat.session.node), now)
    return desk


def partial_policy(plan):
    """The partial case's player (tests/cases/m12_capstone_partial.yaml): slow, two wrong turns, stops early."""
    from kefu.scenarios import Session

    def partial_path(scenario):
        for path in all_paths(scenario):
            session = Session(scenario)
            for index in path:
                session.choose(index)
            if session.node.end.result == "partial":
                return path
        raise AssertionError(scenario.id)

    paths = {n: best_path(load_scenario(s)) for n, s in enumerate(plan.scenarios, 1)}
    paths[2] = partial_path(load_scenario(plan.scenarios[1]))   # a partial ending with a violation
    paths[4] = (0, 1)                                           # the mixed-need buyer: leaks the friend's order
    return lambda chat, node: paths[chat.number][len(chat.session.path)]


def write_key(seed: int = 12):
    """Rewrite source/m12_capstone/kefu-answers.key.json with the expert's record of the graded shift."""
    import shutil
    import tempfile
    from pathlib import Path

    from kefu.answers import save_record
    from kefu.shift import make_plan

    folder = Path(tempfile.mkdtemp())
    path = save_record("m12_q1", play(make_plan(seed)).record(), folder=folder)
    target = Path(__file__).resolve().parents[1] / "source" / "m12_capstone" / "kefu-answers.key.json"
    shutil.copy(path, target)
    return target


if __name__ == "__main__":  # python tests/shift_play.py: rewrite the key, print the partial case's record
    import json

    from kefu.shift import kpi_report, make_plan
    from kefu.shift.grading import outcome_shares, shift_share

    print("key:", write_key())
    plan = make_plan(12)
    print(kpi_report(play(plan)).to_string())
    desk = play(plan, partial_policy(plan), think=(10, 22), seed=3, stop_at=380)
    results = desk.results_frame()
    print(outcome_shares(results), round(10 * shift_share(results), 2))
    print(results[["chat", "avg_response_s", "outcome", "result", "breaches", "finished"]].to_string())
    print(json.dumps(desk.record(), ensure_ascii=False))

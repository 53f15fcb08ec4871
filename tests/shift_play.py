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

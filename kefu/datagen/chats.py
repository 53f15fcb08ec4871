"""``chat_sessions.csv``: 400 fictional chat sessions of one store in October 2026."""

from __future__ import annotations

import random

from ._common import fmt_time, nickname_pool, random_time

FILENAME = "chat_sessions.csv"
COLUMNS = ["session_id", "start_time", "agent", "buyer", "stage", "topic", "buyer_message",
           "first_response_s", "avg_response_s", "n_messages", "converted", "rating"]
N_ROWS = 400
STAGE_COUNTS = {"售前": 194, "售中": 78, "售后": 116}  # sessions with a recorded stage
N_UNCLASSIFIED = 12  # stage left empty (topic still says what the chat was about)
N_NO_FIRST_RESPONSE = 8  # first_response_s left empty
N_CONVERTED = 78  # of the 194 售前 sessions
N_UNRATED = 120  # rating left empty
RATINGS = ("很满意", "满意", "一般", "不满意")
MESSAGES_MEAN_SD = {"售前": (12, 6), "售中": (8, 4), "售后": (16, 8)}


def _rating_weights(first: int | None) -> tuple[int, ...]:
    """Slow first responses make bad ratings likelier."""
    if first is None or first > 60:
        return (8, 22, 35, 35)
    if first > 30:
        return (25, 40, 25, 10)
    return (50, 35, 12, 3)


def _message(rng: random.Random, vocab: dict, topic: str) -> str:
    """The buyer's first message: a greeting plus a filled-in template of the topic."""
    product = rng.choice(vocab["products"])
    size, size2 = rng.sample(product["sizes"], 2)
    region = rng.choice(vocab["regions"])
    slots = {
        "product": product["name"],
        "color": rng.choice(product["colors"]),
        "size": size,
        "size2": size2,
        "order_tail": f"{rng.randrange(10000):04d}",
        "height": rng.randint(150, 178),
        "weight": rng.randint(85, 140),
        "days": rng.randint(2, 7),
        "city": rng.choice(list(region["cities"])),
        "price": int(product["price"] * rng.choice((0.6, 0.7, 0.8))),
    }
    template = rng.choice(vocab["messages"][topic])
    return rng.choice(vocab["greetings"]) + template.format_map(slots)


def build(rng: random.Random, vocab: dict) -> list[dict]:
    """All rows, sorted by session_id (which follows start_time)."""
    plan = [(stage, True) for stage, n in STAGE_COUNTS.items() for _ in range(n)]
    hidden = rng.choices(list(STAGE_COUNTS), weights=(50, 20, 30), k=N_UNCLASSIFIED)
    plan += [(stage, False) for stage in hidden]
    rng.shuffle(plan)
    times = sorted(random_time(rng) for _ in range(N_ROWS))
    buyers = nickname_pool(rng, vocab, 320)
    no_first = set(rng.sample(range(N_ROWS), N_NO_FIRST_RESPONSE))
    unrated = set(rng.sample(range(N_ROWS), N_UNRATED))

    rows = []
    for i, ((stage, classified), start) in enumerate(zip(plan, times)):
        topic = rng.choice(vocab["stages"][stage])
        first = rng.randint(5, 40) if rng.random() < 0.85 else rng.randint(41, 180)
        avg = max(rng.randint(10, 60), first - rng.randint(0, 10))
        mean, sd = MESSAGES_MEAN_SD[stage]
        first = None if i in no_first else first
        rows.append({
            "session_id": f"S{i + 1:04d}",
            "start_time": fmt_time(start),
            "agent": rng.choice(vocab["chat_agents"]),
            "buyer": rng.choice(buyers),
            "stage": stage if classified else None,
            "topic": topic,
            "buyer_message": _message(rng, vocab, topic),
            "first_response_s": first,
            "avg_response_s": avg,
            "n_messages": min(40, max(2, round(rng.gauss(mean, sd)))),
            "converted": None,
            "rating": None if i in unrated else rng.choices(RATINGS, _rating_weights(first))[0],
        })

    # Conversion: the 78 售前 sessions with the best score; a fast first reply helps.
    presale = [r for r in rows if r["stage"] == "售前"]
    scores = {}
    for row in presale:
        first = row["first_response_s"]
        bonus = 0.1 if first is None else (0.35 if first <= 30 else 0.0)
        scores[row["session_id"]] = rng.random() + bonus
    ranked = sorted(presale, key=lambda r: (-scores[r["session_id"]], r["session_id"]))
    for rank, row in enumerate(ranked):
        row["converted"] = 1 if rank < N_CONVERTED else 0
    return rows

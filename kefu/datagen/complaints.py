"""``complaints.csv``: 160 fictional complaints and bad reviews of one store in October 2026.

Each row is one complaint as the store logged it: when it came in, through which channel, the
problem type (``issue``, empty when nobody has classified it yet), the buyer's words, when an
agent first replied (empty when no reply is on record) and where the case stands. Which
severity a problem type has is course content, kept in ``data/complaint_levels.yaml`` (M09).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ._common import fmt_time, nickname_pool, random_time

FILENAME = "complaints.csv"
COLUMNS = ["complaint_id", "received_at", "buyer", "product", "channel", "issue", "description",
           "first_reply_at", "status"]
ISSUE_COUNTS = {"小瑕疵": 30, "物流慢": 30, "质量问题": 36, "服务态度": 22, "严重质量问题": 14, "虚假宣传": 16}
N_UNCLASSIFIED = 12  # issue left empty; the description still says what happened
N_ROWS = sum(ISSUE_COUNTS.values()) + N_UNCLASSIFIED  # 160
CHANNELS = ("旺旺", "中评", "差评", "退款纠纷")
CHANNEL_WEIGHTS = {  # per issue, in the order of CHANNELS
    "小瑕疵": (45, 40, 15, 0), "物流慢": (50, 35, 15, 0), "质量问题": (35, 15, 25, 25),
    "服务态度": (30, 30, 40, 0), "严重质量问题": (20, 0, 40, 40), "虚假宣传": (20, 5, 40, 35),
}
LATEST_RECEIVED_S = 22 * 3600 + 30 * 60  # complaints come in by 22:30 so same-day replies fit the day
# How long until the first reply: counts of the planted kinds; every other row is answered in time.
REPLY_PLAN = {"next_day": 8, "none": 7, "boundary": 6, "late": 22, "hours": 10}
STATUS_WEIGHTS = {  # (已解决, 处理中, 平台介入) by reply kind
    "fast": (85, 15, 0), "boundary": (85, 15, 0), "late": (60, 20, 20),
    "hours": (45, 20, 35), "next_day": (45, 20, 35), "none": (0, 50, 50),
}
STATUSES = ("已解决", "处理中", "平台介入")


def _first_reply(rng: random.Random, received: datetime, kind: str) -> datetime | None:
    """The time of the first reply for a planted reply kind."""
    if kind == "none":
        return None
    if kind == "next_day":
        return datetime(received.year, received.month, received.day + 1, 8) + timedelta(seconds=rng.randint(0, 5400))
    end_of_day = datetime(received.year, received.month, received.day, 23, 59, 59)
    seconds = {"fast": (30, 840), "boundary": (900, 900), "late": (901, 3599),
               "hours": (3600, min(4 * 3600, int((end_of_day - received).total_seconds())))}[kind]
    return received + timedelta(seconds=rng.randint(*seconds))


def _description(rng: random.Random, vocab: dict, issue: str, product: dict) -> str:
    template = rng.choice(vocab["complaints"]["issues"][issue])
    return template.format_map({"product": product["name"], "color": rng.choice(product["colors"]),
                                "days": rng.randint(3, 6)})


def build(rng: random.Random, vocab: dict) -> list[dict]:
    """All rows, sorted by complaint_id (which follows received_at)."""
    issues = [issue for issue, n in ISSUE_COUNTS.items() for _ in range(n)]
    hidden = rng.choices(list(ISSUE_COUNTS), weights=list(ISSUE_COUNTS.values()), k=N_UNCLASSIFIED)
    plan = [(issue, True) for issue in issues] + [(issue, False) for issue in hidden]
    rng.shuffle(plan)
    times = sorted(random_time(rng, latest_s=LATEST_RECEIVED_S) for _ in range(N_ROWS))
    buyers = nickname_pool(rng, vocab, 140)

    kinds = ["fast"] * N_ROWS
    free = [i for i in range(N_ROWS) if times[i].day < 31]  # a next-day reply must stay in October
    for kind, count in REPLY_PLAN.items():
        for i in rng.sample(free, count):
            kinds[i] = kind
        free = [i for i in free if kinds[i] == "fast"]

    rows = []
    for i, ((issue, classified), received) in enumerate(zip(plan, times)):
        product = rng.choice(vocab["products"])
        rows.append({
            "complaint_id": f"T{i + 1:03d}",
            "received_at": fmt_time(received),
            "buyer": rng.choice(buyers),
            "product": product["name"],
            "channel": rng.choices(CHANNELS, weights=CHANNEL_WEIGHTS[issue])[0],
            "issue": issue if classified else None,
            "description": _description(rng, vocab, issue, product),
            "first_reply_at": fmt_time(_first_reply(rng, received, kinds[i])) or None,
            "status": rng.choices(STATUSES, weights=STATUS_WEIGHTS[kinds[i]])[0],
        })
    return rows

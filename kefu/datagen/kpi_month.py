"""One fictional month (November 2026) of a customer-service team, for the KPI module (M10).

Three files describe the same month and are built from one plan: ``kpi_sessions.csv`` (one row
per chat session), ``kpi_messages.csv`` (every message of those sessions: who sent it and when)
and ``kpi_orders.csv`` (the store's orders of the month, each attributed to the agent the buyer
consulted before ordering, with the buyer's review and DSR scores). The three dataset modules
are registered with the same seed offset, so each builds the identical plan from a fresh
``random.Random(seed + offset)`` and writes its own part; no other dataset is affected.

Each agent has a profile (how fast and how reliably they answer, how well they sell, how often
they invite a rating, how many handling mistakes the shop manager noted), so the team's KPIs
differ in ways the lesson can discuss.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from ._common import fmt_money, fmt_time, nickname_pool

MONTH_START = datetime(2026, 11, 1, 8, 0, 0)
MONTH_END = datetime(2026, 11, 30, 23, 59, 59)
OPEN_S, LATEST_START_S = 8 * 3600, 22 * 3600 + 59 * 60  # sessions start 08:00-22:59


@dataclass(frozen=True)
class Profile:
    """How one agent works this month (the generator's parameters, not data a learner sees)."""

    sessions: int           # sessions routed to the agent
    wait_s: tuple           # usual reply wait, seconds (uniform low..high)
    slow_share: float       # share of replies that take 60-240 s instead
    no_reply_share: float   # share of sessions the agent never answers
    convert_share: float    # share of answered 售前 buyers who order afterwards
    invite_share: float     # share of answered sessions with a rating invitation
    qc_issues: int          # handling mistakes the shop manager noted this month


PROFILES = {
    "小雅": Profile(68, (6, 22), 0.03, 0.00, 0.36, 0.92, 0),
    "阿杰": Profile(64, (8, 30), 0.08, 0.03, 0.26, 0.84, 1),
    "晓晓": Profile(60, (15, 45), 0.22, 0.10, 0.15, 0.62, 3),
    "木子": Profile(66, (5, 18), 0.02, 0.02, 0.30, 0.71, 0),
    "乐乐": Profile(62, (8, 28), 0.06, 0.06, 0.19, 0.88, 2),
    "安安": Profile(50, (12, 40), 0.15, 0.26, 0.18, 0.55, 1),
}
STAGE_WEIGHTS = {"售前": 55, "售中": 20, "售后": 25}
EXCHANGES = {"售前": (1, 6), "售中": (1, 3), "售后": (2, 6)}
RATINGS = ("很满意", "满意", "一般", "不满意")
N_BUYERS = 240
N_SILENT_ORDERS = 55  # bought without consulting anybody: no agent
N_REPEAT_ORDERS = 6  # bought after a 售中/售后 chat: attributed, but no 询单
REVIEWS = {"好评": 92, "中评": 5, "差评": 3}


@dataclass
class Month:
    """The rows of the three files."""

    sessions: list
    messages: list
    orders: list


def _start(rng: random.Random) -> datetime:
    """A time in November 2026, 08:00:00-22:59:00."""
    day = rng.randint(1, 30)
    return datetime(2026, 11, day) + timedelta(seconds=rng.randint(OPEN_S, LATEST_START_S))


def _wait(rng: random.Random, profile: Profile) -> int:
    """Seconds the agent takes to answer a buyer who is waiting."""
    if rng.random() < profile.slow_share:
        return rng.randint(60, 240)
    return rng.randint(*profile.wait_s)


def _messages(rng: random.Random, profile: Profile, stage: str, start: datetime) -> tuple[list, bool, list]:
    """(sender, time) of every message of one session, whether the agent replied, and the reply waits."""
    out = [("买家", start)]
    t = start
    for _ in range(rng.choices((0, 1, 2), weights=(60, 30, 10))[0]):  # the buyer's first run
        t += timedelta(seconds=rng.choice((0, rng.randint(2, 25))))  # 0: two messages in the same second
        out.append(("买家", t))
    if rng.random() < profile.no_reply_share:
        return out, False, []
    waits = []
    low, high = EXCHANGES[stage]
    for exchange in range(rng.randint(low, high)):
        if exchange:  # the buyer writes again
            t += timedelta(seconds=rng.randint(10, 150))
            out.append(("买家", t))
            for _ in range(rng.choices((0, 1), weights=(75, 25))[0]):
                t += timedelta(seconds=rng.randint(1, 20))
                out.append(("买家", t))
        run_start = _run_start(out)
        t = max(t + timedelta(seconds=1), run_start + timedelta(seconds=_wait(rng, profile)))
        waits.append(int((t - run_start).total_seconds()))
        out.append(("客服", t))
        for _ in range(rng.choices((0, 1), weights=(65, 35))[0]):  # a second agent message
            t += timedelta(seconds=rng.randint(4, 30))
            out.append(("客服", t))
    if rng.random() < 0.3:  # the buyer's closing thanks, left unanswered
        t += timedelta(seconds=rng.randint(5, 60))
        out.append(("买家", t))
    return out, True, waits


def _run_start(messages: list) -> datetime:
    """The time of the first buyer message of the trailing run of buyer messages."""
    first = messages[-1][1]
    for sender, time in reversed(messages):
        if sender != "买家":
            break
        first = time
    return first


def _rating(rng: random.Random, invited: bool, waits: list) -> str | None:
    """The buyer's rating of the service: likelier when invited, worse after slow replies."""
    if rng.random() >= (0.55 if invited else 0.04):
        return None
    mean = sum(waits) / len(waits) if waits else 300
    weights = (50, 35, 11, 4) if mean <= 30 else (25, 40, 23, 12) if mean <= 60 else (10, 30, 35, 25)
    return rng.choices(RATINGS, weights=weights)[0]


def _order_id(rng: random.Random, created: datetime, used: set) -> str:
    """18 digits: the creation date, then ten random digits (unique)."""
    while True:
        order_id = f"{created:%Y%m%d}{rng.randrange(10 ** 10):010d}"
        if order_id not in used:
            used.add(order_id)
            return order_id


def _order(rng: random.Random, vocab: dict, used: set, buyer: str, agent: str | None,
           created: datetime) -> dict:
    """One order; a completed one may carry the buyer's review and DSR scores (1-5, some skipped)."""
    product = rng.choice(vocab["products"])
    quantity = rng.choices((1, 2, 3), weights=(78, 17, 5))[0]
    cents = round(product["price"] * 100) * quantity
    cents = cents * rng.choice((100, 100, 100, 95, 90, 85)) // 100
    paid = rng.random() < 0.88
    paid_at = created + timedelta(seconds=rng.randint(30, 1800)) if paid else None
    if paid_at is not None and paid_at > MONTH_END:
        paid_at = MONTH_END
    if paid:
        status = rng.choices(("已完成", "已发货", "退款中", "已关闭"), weights=(70, 18, 6, 6))[0]
    else:
        status = rng.choices(("待付款", "已关闭"), weights=(40, 60))[0]
    review = dsr = None
    if status == "已完成" and rng.random() < 0.78:
        review = rng.choices(list(REVIEWS), weights=list(REVIEWS.values()))[0]
        base = {"好评": 5, "中评": 4, "差评": 2}[review]
        slow = agent is not None and PROFILES[agent].slow_share >= 0.1
        service = (0, -1, -1, -2) if slow else (0, 0, 0, -1)
        dsr = []
        for spread in ((0, 0, 0, -1), service, (0, 0, -1, -1, -2)):  # 描述相符, 服务态度, 物流服务
            score = min(5, max(1, base + rng.choice(spread)))
            dsr.append(None if rng.random() < 0.08 else score)
    return {
        "order_id": _order_id(rng, created, used), "buyer": buyer, "agent": agent,
        "product": product["name"], "quantity": quantity, "amount": fmt_money(cents),
        "created_at": fmt_time(created), "paid_at": fmt_time(paid_at), "status": status,
        "review": review,
        "dsr_desc": dsr[0] if dsr else None, "dsr_service": dsr[1] if dsr else None,
        "dsr_logistics": dsr[2] if dsr else None,
    }


def plan(rng: random.Random, vocab: dict) -> Month:
    """The whole month: sessions, messages and orders (rows as dicts, in file order)."""
    pool = nickname_pool(rng, vocab, N_BUYERS + N_SILENT_ORDERS)
    buyers, silent_buyers = pool[:N_BUYERS], pool[N_BUYERS:]
    issues = vocab["qc_issues"]
    routed = [agent for agent, p in PROFILES.items() for _ in range(p.sessions)]
    rng.shuffle(routed)
    starts = sorted(_start(rng) for _ in routed)
    sessions, messages, orders, used = [], [], [], set()
    inquiries: dict[str, dict] = {}
    for number, (agent, start) in enumerate(zip(routed, starts), start=1):
        profile = PROFILES[agent]
        session_id = f"K{number:04d}"
        buyer = rng.choice(buyers)
        stage = rng.choices(list(STAGE_WEIGHTS), weights=list(STAGE_WEIGHTS.values()))[0]
        log, replied, waits = _messages(rng, profile, stage, start)
        invited = replied and rng.random() < profile.invite_share
        sessions.append({"session_id": session_id, "start_time": fmt_time(start), "agent": agent,
                         "buyer": buyer, "stage": stage, "invited": "是" if invited else "否",
                         "rating": _rating(rng, invited, waits), "qc_issue": None})
        for seq, (sender, time) in enumerate(log, start=1):
            messages.append({"session_id": session_id, "agent": agent, "seq": seq,
                             "sender": sender, "sent_at": fmt_time(time)})
        if stage == "售前" and replied and start <= MONTH_END - timedelta(hours=2):
            inquiries.setdefault(agent, {}).setdefault(buyer, start)  # the buyer's first answered inquiry
    # inquiries that end in an order: a fixed share of each agent's answered inquiry buyers
    for agent, profile in PROFILES.items():
        asked = sorted(inquiries.get(agent, {}).items(), key=lambda pair: (pair[1], pair[0]))
        for buyer, start in rng.sample(asked, round(profile.convert_share * len(asked))):
            created = start + timedelta(seconds=rng.randint(120, 5400))
            for _ in range(rng.choices((1, 2), weights=(88, 12))[0]):
                orders.append(_order(rng, vocab, used, buyer, agent, created))
                created += timedelta(seconds=rng.randint(60, 900))
    # handling mistakes the shop manager noted, on answered sessions of each agent
    for agent, profile in PROFILES.items():
        own = [s for s in sessions if s["agent"] == agent and s["invited"] == "是"]
        for row in rng.sample(own, profile.qc_issues):
            row["qc_issue"] = rng.choice(issues)
    # orders after a 售中/售后 chat (attributed to the agent, not an inquiry) and silent orders
    after_sales = [s for s in sessions if s["stage"] != "售前"]
    for row in rng.sample(after_sales, N_REPEAT_ORDERS):
        created = datetime.strptime(row["start_time"], "%Y-%m-%d %H:%M:%S") + timedelta(seconds=rng.randint(300, 3600))
        if created <= MONTH_END - timedelta(hours=1):
            orders.append(_order(rng, vocab, used, row["buyer"], row["agent"], created))
    for buyer in silent_buyers:
        orders.append(_order(rng, vocab, used, buyer, None, _start(rng)))
    orders.sort(key=lambda o: (o["created_at"], o["order_id"]))
    return Month(sessions, messages, orders)

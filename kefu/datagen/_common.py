"""Helpers shared by the dataset builders: times, money, nicknames, CSV."""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterable, Sequence

MONTH_START = datetime(2026, 10, 1, 8, 0, 0)
MONTH_END = datetime(2026, 10, 31, 23, 59, 59)
OPEN_S = 8 * 3600  # business day starts at 08:00:00
CLOSE_S = 24 * 3600 - 1  # ... and ends at 23:59:59
TIME_FMT = "%Y-%m-%d %H:%M:%S"


def random_time(rng: random.Random, first_day: int = 1, last_day: int = 31,
                latest_s: int = CLOSE_S) -> datetime:
    """A time in October 2026 between 08:00:00 and ``latest_s`` seconds after midnight."""
    day = rng.randint(first_day, last_day)
    return datetime(2026, 10, day) + timedelta(seconds=rng.randint(OPEN_S, latest_s))


def in_window(t: datetime) -> bool:
    """Whether ``t`` lies in October 2026 and in business hours."""
    return MONTH_START <= t <= MONTH_END and t.hour >= 8


def random_time_after(rng: random.Random, start: datetime, min_s: int, max_s: int,
                      tries: int = 50) -> datetime | None:
    """A business-hours time ``min_s``..``max_s`` seconds after ``start``, or None."""
    max_s = min(max_s, int((MONTH_END - start).total_seconds()))
    if max_s < min_s:
        return None
    for _ in range(tries):
        t = start + timedelta(seconds=rng.randint(min_s, max_s))
        if in_window(t):
            return t
    t = start + timedelta(seconds=min_s)
    return t if in_window(t) else None


def fmt_time(t: datetime | None) -> str:
    """``YYYY-MM-DD HH:MM:SS``, or an empty string for a missing time."""
    return "" if t is None else t.strftime(TIME_FMT)


def fmt_money(cents: int) -> str:
    """Integer cents as a yuan amount with two decimals."""
    return f"{cents // 100}.{cents % 100:02d}"


def nickname(rng: random.Random, vocab: dict) -> str:
    """A masked buyer nickname such as ``t***8``, ``小***猫`` or ``tb_a***21``."""
    nick = vocab["nickname"]
    kind = rng.choices(("latin", "cn", "tb"), weights=(4, 3, 3))[0]
    if kind == "latin":
        return f"{rng.choice(nick['latin_first'])}***{rng.choice(nick['latin_last'])}"
    if kind == "cn":
        return f"{rng.choice(nick['cn_first'])}***{rng.choice(nick['cn_last'])}"
    return f"tb_{rng.choice(nick['latin_first'])}***{rng.randint(10, 99)}"


def nickname_pool(rng: random.Random, vocab: dict, size: int) -> list[str]:
    """``size`` distinct masked nicknames, in generation order."""
    pool: list[str] = []
    seen: set[str] = set()
    while len(pool) < size:
        name = nickname(rng, vocab)
        if name not in seen:
            seen.add(name)
            pool.append(name)
    return pool


def assign_order_ids(rng: random.Random, orders: list[dict], prefix) -> None:
    """Give each order a unique 18-digit id: ``prefix(order)`` (8 digits) and 10 random digits, in list order."""
    ids: set[str] = set()
    for order in orders:
        while True:
            order_id = f"{prefix(order)}{rng.randrange(10 ** 10):010d}"
            if order_id not in ids:
                break
        ids.add(order_id)
        order["order_id"] = order_id


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> int:
    """Write rows (dicts; None becomes empty) as UTF-8 CSV with ``\\n`` line ends; return the row count."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row[c] is None else row[c] for c in columns])
            count += 1
    return count

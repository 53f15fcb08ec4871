"""``violations.csv``: 120 fictional customer-service rule incidents in four stores."""

from __future__ import annotations

import random

FILENAME = "violations.csv"
COLUMNS = ["incident_id", "store", "date", "agent", "rule_code", "rule_name", "orders_affected",
           "summary", "status"]
N_ROWS = 120
STORE_COUNTS = (40, 33, 27, 20)  # incidents per store, in the vocabulary's store order
N_OVERTURNED = 18  # status 不成立: overturned on appeal
CLOSE_ORDER_AFFECTED = {1: 40, 2: 25, 3: 15, 4: 10, 5: 10}  # orders per close_order incident


def build(rng: random.Random, vocab: dict) -> list[dict]:
    """All rows, sorted by incident_id (which follows the date)."""
    stores = list(vocab["stores"])
    rules = vocab["rules"]
    codes = list(rules)
    rows = []
    for store, count in zip(stores, STORE_COUNTS, strict=True):
        for _ in range(count):
            code = rng.choices(codes, weights=[rules[c]["weight"] for c in codes])[0]
            affected = 1
            if code == "close_order":
                affected = rng.choices(list(CLOSE_ORDER_AFFECTED), list(CLOSE_ORDER_AFFECTED.values()))[0]
            rows.append({
                "store": store,
                "date": f"2026-10-{rng.randint(1, 31):02d}",
                "agent": rng.choice(vocab["stores"][store]),
                "rule_code": code,
                "rule_name": rules[code]["name"],
                "orders_affected": affected,
                "summary": rng.choice(rules[code]["summaries"]),
                "status": "成立",
            })
    for i in rng.sample(range(N_ROWS), N_OVERTURNED):
        rows[i]["status"] = "不成立"
    rows.sort(key=lambda r: (r["date"], stores.index(r["store"])))  # stable: ties keep draw order
    for number, row in enumerate(rows, start=1):
        row["incident_id"] = f"V{number:03d}"
    return rows

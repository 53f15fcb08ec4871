"""``kpi_orders.csv``: the store's orders of November 2026 (M10), attributed to the agent consulted, with reviews."""

from __future__ import annotations

import random

from .kpi_month import plan

FILENAME = "kpi_orders.csv"
COLUMNS = ["order_id", "buyer", "agent", "product", "quantity", "amount", "created_at", "paid_at", "status",
           "review", "dsr_desc", "dsr_service", "dsr_logistics"]


def build(rng: random.Random, vocab: dict) -> list[dict]:
    """All orders, by created_at and then order_id."""
    return plan(rng, vocab).orders

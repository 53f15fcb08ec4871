"""``kpi_messages.csv``: every message of the sessions in ``kpi_sessions.csv`` (M10): who sent it and when."""

from __future__ import annotations

import random

from .kpi_month import plan

FILENAME = "kpi_messages.csv"
COLUMNS = ["session_id", "agent", "seq", "sender", "sent_at"]


def build(rng: random.Random, vocab: dict) -> list[dict]:
    """All messages, by session and then by seq."""
    return plan(rng, vocab).messages

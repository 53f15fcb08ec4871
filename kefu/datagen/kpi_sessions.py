"""``kpi_sessions.csv``: the chat sessions of one team in November 2026 (M10), one row per session."""

from __future__ import annotations

import random

from .kpi_month import plan

FILENAME = "kpi_sessions.csv"
COLUMNS = ["session_id", "start_time", "agent", "buyer", "stage", "invited", "rating", "qc_issue"]


def build(rng: random.Random, vocab: dict) -> list[dict]:
    """All sessions, in session_id order (which follows start_time)."""
    return plan(rng, vocab).sessions

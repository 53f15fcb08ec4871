"""Grading a recorded shift on its outcomes: the record is replayed, nothing the learner typed is trusted.

For each buyer of the shift's plan three things are scored (weights in ``data/shift/settings.yaml``):
resolution (ending ``success`` = 1, ``partial`` = ``partial_credit``, anything else 0, also for a buyer who
never got an answer), compliance (chat finished without any violation or major violation) and timeliness (chat
finished and its average response time within the store standard named there). The shift's share is the
weighted mean over all buyers of the plan.
"""

from __future__ import annotations

from ..scenarios.rulebook import standards
from .plan import DEFAULT_SEED, make_plan
from .pool import load_settings


def outcome_shares(results) -> dict:
    """The mean resolution, compliance and timeliness over the rows of ``results`` (one row per chat)."""
    scoring = load_settings().scoring
    partial = scoring["resolution"].get("partial_credit", 0.5)
    limit = standards().value(scoring["timeliness"]["standard"])
    n = len(results)
    if n == 0:
        return {"resolution": 0.0, "compliance": 0.0, "timeliness": 0.0}
    resolved = results["result"].map({"success": 1.0, "partial": partial}).fillna(0.0)
    done = results["finished"].astype(bool)
    clean = done & (results["breaches"] == 0)
    timely = done & (results["avg_response_s"].fillna(float("inf")) <= limit)
    return {"resolution": float(resolved.sum()) / n, "compliance": float(clean.sum()) / n,
            "timeliness": float(timely.sum()) / n}


def shift_share(results) -> float:
    """The weighted share (0…1) of a shift's results."""
    scoring = load_settings().scoring
    shares = outcome_shares(results)
    return sum(scoring[part]["weight"] * shares[part] for part in shares)


def recorded_shift(item_id: str, seed: int = DEFAULT_SEED, *, folder=None):
    """The shift saved under ``item_id`` (``Recorded``), required to be the plan of ``seed``."""
    from ..widgets.multichat import load_recorded

    return load_recorded(item_id, folder=folder, expect=make_plan(seed).settings())


def score_shift(item_id: str, seed: int, points: float, *, folder=None) -> float:
    """Points for the recorded shift; no, edited or other record earns 0."""
    recorded = recorded_shift(item_id, seed, folder=folder)
    if recorded.desk is None:
        return 0.0
    return float(round(points * shift_share(recorded.results()), 2))

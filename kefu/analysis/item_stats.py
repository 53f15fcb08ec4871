"""Classical item statistics from a long table of scores.

For item *i* with ``n`` scored students:

* ``difficulty`` = mean over students of score / max_score (the share of the
  item's points the cohort earned; 1 = easy, 0 = nobody earned anything);
* ``discrimination`` = Pearson (point-biserial) correlation between the
  student's score / max_score on *i* and the same student's total raw score
  over the other items ("rest score", corrected item-total correlation);
  NaN when either has zero variance or fewer than two students.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ["item", "n", "max_score", "difficulty", "discrimination",
           "nobody_right", "everyone_right", "negative_discrimination"]
_EPS = 1e-12


def _correlation(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson correlation; NaN when fewer than two values or a side is constant."""
    if len(x) < 2:
        return float("nan")
    dx, dy = x - x.mean(), y - y.mean()
    sx, sy = np.sqrt((dx * dx).sum()), np.sqrt((dy * dy).sum())
    if sx < _EPS or sy < _EPS:
        return float("nan")
    return float((dx * dy).sum() / (sx * sy))


def item_stats(scores: pd.DataFrame) -> pd.DataFrame:
    """One row per item of ``scores`` (columns student, item, score, max_score) of one assignment.

    Items keep their first-seen order. A student with no row for an item is
    left out of that item's statistics and counts 0 for it in others' rest scores.
    """
    frame = scores[["student", "item", "score", "max_score"]].copy()
    frame["score"] = frame["score"].astype(float)
    frame["max_score"] = frame["max_score"].astype(float)
    raw = frame.pivot_table(index="student", columns="item", values="score", aggfunc="sum")
    total = raw.fillna(0.0).sum(axis=1)
    rows = []
    for item in pd.unique(frame["item"]):
        part = frame[frame["item"] == item].groupby("student", sort=True).agg(
            score=("score", "sum"), max_score=("max_score", "max"))
        max_score = float(part["max_score"].max())
        share = (part["score"] / part["max_score"]).where(part["max_score"] > 0, np.nan)
        rest = (total.loc[part.index] - part["score"]).to_numpy(dtype=float)
        discrimination = _correlation(share.to_numpy(dtype=float), rest)
        rows.append({
            "item": item,
            "n": int(len(part)),
            "max_score": max_score,
            "difficulty": float(share.mean()),
            "discrimination": discrimination,
            "nobody_right": bool(len(part) and (part["score"] <= 0).all()),
            "everyone_right": bool(len(part) and (part["score"] >= part["max_score"]).all()),
            "negative_discrimination": bool(discrimination < -_EPS),
        })
    return pd.DataFrame(rows, columns=COLUMNS)

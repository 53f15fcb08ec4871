"""A seeded shift: which buyers come, in which order, when (``make_plan``)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..scenarios.rulebook import standards
from .pool import load_pool, load_settings

DEFAULT_SEED = 12


@dataclass(frozen=True)
class ShiftPlan:
    """The buyers of one shift: scenario ids in arrival order, arrival times (s), seats, time limit (s)."""

    seed: int
    scenarios: tuple[str, ...]
    arrivals: tuple[float, ...]
    concurrent: int
    time_limit: float

    def settings(self) -> dict:
        """The record settings a drill of this plan has (see :meth:`kefu.scenarios.desk.Desk.record`)."""
        return {"scenarios": list(self.scenarios), "arrivals": [round(float(a), 1) for a in self.arrivals],
                "concurrent": self.concurrent, "time_limit": round(float(self.time_limit), 1), "seed": self.seed}


def _draw(rng: random.Random, entries, count: int) -> list:
    """``count`` distinct entries: one of each need first (in random order), then by weight."""
    chosen = []
    needs = sorted({e.need for e in entries})
    rng.shuffle(needs)
    for need in needs[:count]:
        group = [e for e in entries if e.need == need]
        chosen.append(rng.choices(group, weights=[e.weight for e in group])[0])
    while len(chosen) < count:
        rest = [e for e in entries if e not in chosen]
        if not rest:
            break
        chosen.append(rng.choices(rest, weights=[e.weight for e in rest])[0])
    rng.shuffle(chosen)
    return chosen


def make_plan(seed: int = DEFAULT_SEED) -> ShiftPlan:
    """The shift of ``seed``: the same seed always gives the same buyers, order and times."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed 应为整数,现在是 {seed!r}")
    settings = load_settings()
    rng = random.Random(f"kefu-shift|{seed}")
    pool = [e for e in load_pool() if e.scenario not in settings.midshift]
    drawn = [e.scenario for e in _draw(rng, pool, settings.buyers - len(settings.midshift))]
    middle = len(drawn) // 2
    scenarios = drawn[:middle] + list(settings.midshift) + drawn[middle:]
    arrivals = list(settings.first_wave_s[:len(scenarios)])
    low, high = settings.gap_s
    while len(arrivals) < len(scenarios):
        arrivals.append(arrivals[-1] + rng.randint(int(low), int(high)))
    concurrent = int(standards().value(settings.concurrent_standard))
    return ShiftPlan(seed, tuple(scenarios), tuple(float(a) for a in arrivals), concurrent,
                     float(settings.time_limit_s))

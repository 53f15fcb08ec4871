"""The simulated shift of M12 (模拟值班): seeded buyers, a multi-chat drill, an order table, a KPI report.

::

    plan = kefu.shift.make_plan(seed=12)          # which buyers (data/shift/pool-*.yaml), when, how many seats
    drill = kefu.shift.start(seed=12, record="m12_q1")   # the kefu.multichat widget of that plan
    orders = kefu.shift.make_orders(seed=12)      # the shift's order table, with planted exceptions
    kefu.shift.kpi_report(drill)                  # the shift's KPIs against data/standards.yaml

Settings and scoring weights: ``data/shift/settings.yaml``. Grading (hidden tests):
:func:`kefu.grading.score_shift_record`, which replays the saved record (:mod:`kefu.shift.grading`).
"""

from __future__ import annotations

from .orders import city_province, make_orders
from .plan import DEFAULT_SEED, ShiftPlan, make_plan
from .pool import load_pool, load_settings
from .report import kpi_report

__all__ = ["DEFAULT_SEED", "ShiftPlan", "make_plan", "make_orders", "city_province", "load_pool",
           "load_settings", "kpi_report", "start", "buyers"]


def start(seed: int = DEFAULT_SEED, *, record: str | None = None, clock=None):
    """The multi-chat drill of the shift of ``seed`` (see :func:`kefu.multichat`)."""
    from ..widgets.multichat import multichat

    plan = make_plan(seed)
    return multichat(list(plan.scenarios), arrivals=list(plan.arrivals), concurrent=plan.concurrent,
                     time_limit=plan.time_limit, seed=plan.seed, record=record, clock=clock)


def buyers(seed: int = DEFAULT_SEED):
    """The shift's queue as a table: 到店(秒), 情景, 需求, 买家, 性格, 购买行为, 商品."""
    import pandas as pd

    from ..scenarios import load_scenario

    plan = make_plan(seed)
    needs = {e.scenario: e.need for e in load_pool()}
    rows = []
    for number, (scenario_id, t) in enumerate(zip(plan.scenarios, plan.arrivals), 1):
        s = load_scenario(scenario_id)
        rows.append({"买家": number, "到店(秒)": t, "情景": s.title, "需求": needs.get(scenario_id, "混合需求"),
                     "昵称": s.buyer.nickname, "性格": s.buyer.personality, "购买行为": s.buyer.behaviour,
                     "商品": s.buyer.product})
    return pd.DataFrame(rows)

"""The shift's own KPI report: what the learner did, against the store's standards (``data/standards.yaml``)."""

from __future__ import annotations

from ..scenarios.rulebook import standards


def _desk(drill):
    """The :class:`~kefu.scenarios.desk.Desk` of a widget, a replayed record or a desk."""
    desk = getattr(drill, "desk", drill)
    if desk is None or not hasattr(desk, "chats"):
        raise TypeError("kpi_report 需要一场值班:kefu.shift.start(...) 返回的组件,或 load_recorded(...) 的结果")
    return desk


def kpi_report(drill):
    """One row per KPI: 指标, 本班结果, 店铺标准, 是否达标, 标准出处 (a DataFrame).

    Computed from the drill itself: chats that arrived, their first replies (from arrival, queue time
    included), every reply's waiting time, endings, breaches.
    """
    import pandas as pd

    desk = _desk(drill)
    std = standards()
    arrived = [c for c in desk.chats if c.arrived_at is not None]
    finished = [c for c in arrived if c.status == "done"]
    first_after = []
    for c in arrived:
        replies = [e.t for e in desk.events if e.chat == c.number and e.event == "reply"]
        if replies:
            first_after.append(replies[0] - c.arrived_at)
    waits = [w for c in arrived for w in c.waits]
    converted = [c for c in finished if c.session.node.end.converted]
    breaches = sum(c.breaches for c in arrived)
    penalty = sum(c.penalty_points for c in arrived)
    first_limit = std["first_response_s"]
    avg_limit = std["avg_response_s"]
    single = std["single_reply_s"]
    conversion = std["inquiry_conversion_target"]
    concurrent = std["concurrent_chats_min"]
    n = len(arrived)

    def mean(values):
        return round(sum(values) / len(values), 1) if values else None

    def share(part, whole):
        return round(part / whole, 3) if whole else None

    first_avg, avg = mean(first_after), mean(waits)
    within = share(sum(1 for x in first_after if x <= first_limit.value), n)
    rate = share(len(converted), n)
    slow = sum(1 for w in waits if w > single.value)
    rows = [
        ("接待买家(人)", n, None, None, None),
        ("完成对话(人)", len(finished), None, None, None),
        ("平均首次响应时间(秒,含排队)", first_avg, f"≤ {first_limit.value:g} 秒", None if first_avg is None
         else first_avg <= first_limit.value, first_limit.source),
        ("首次响应达标的买家占比", within, f"首次响应 ≤ {first_limit.value:g} 秒", None, first_limit.source),
        ("平均响应时间(秒)", avg, f"≤ {avg_limit.value:g} 秒", None if avg is None else avg <= avg_limit.value,
         avg_limit.source),
        ("单次响应超过上限的次数", slow, f"单次 ≤ {single.value:g} 秒", slow == 0, single.source),
        ("成交买家占比", rate, f"询单转化率目标 ≥ {conversion.value:.0%}", None if rate is None
         else rate >= conversion.value, conversion.source),
        ("违规次数", breaches, "0 次(每次违规都扣规范性分)", breaches == 0, std.kpi_scheme.get("source")),
        ("违规扣分合计(分)", penalty, "0 分", penalty == 0, "data/platform_rules.yaml"),
        ("同时接待人数", desk.concurrent, f"≥ {concurrent.value:g} 人", desk.concurrent >= concurrent.value,
         concurrent.source),
    ]
    shares = {"首次响应达标的买家占比", "成交买家占比"}
    shown = []
    for name, value, standard, ok, source in rows:
        if value is None:
            text = "—"
        elif name in shares:
            text = f"{value:.0%}"
        else:
            text = f"{value:g}"
        shown.append((name, text, standard or "—", {True: "✓ 达标", False: "× 未达标"}.get(ok, "—"),
                      source or "—"))
    return pd.DataFrame(shown, columns=["指标", "本班结果", "店铺标准", "是否达标", "标准出处"])

"""A practice shift (practice item ``type: shift``): the drill of ``kefu.shift.start(seed)``, not recorded.

When the shift ends the attempt goes into ``kefu-progress.json``: done when every buyer's chat ended in
``success`` without a violation. The end shows the shift's KPI report.
"""

from __future__ import annotations

import html

import ipywidgets as w

from .. import progress
from ._style import style_tag
from .practice_bank import ShiftItem


class ShiftPractice(w.VBox):
    def __init__(self, item: ShiftItem, *, clock=None):
        from ..shift import start

        self.item = item
        self.drill = start(item.seed, clock=clock)
        self.report = w.HTML()
        self.drill.on_over(self._over)
        header = w.HTML(f"<h4 style='margin:4px 0'>{html.escape(item.title)}</h4>"
                        f"<div style='color:#444'>{html.escape(item.prompt)}</div>")
        super().__init__([style_tag(), header, self.drill, self.report],
                         layout=w.Layout(border="1px solid #ddd", padding="8px", margin="8px 0"))
        self.add_class("kefu-practice-card")

    def _over(self, drill) -> None:
        from ..shift import kpi_report

        results = drill.results()
        good = bool(len(results)) and bool(((results["result"] == "success") & (results["breaches"] == 0)).all())
        progress.record(self.item.id, good)
        verdict = ("✓ 每位买家都顺利解决,而且没有违规。" if good else
                   "× 还有买家没有顺利解决或出现了违规:看看上面每段对话的反馈,点“重新开始”再练一次。")
        self.report.value = (f"<div style='margin:6px 0'><b>{html.escape(verdict)}</b></div>"
                             + kpi_report(drill).to_html(index=False, border=0))

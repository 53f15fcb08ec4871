"""The scorecard shown at an end node (docs/SCENARIOS.md §3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Sequence

from .model import Choice, Ending, Scenario
from .rulebook import limit_seconds, load_rulebook, standards
from .vocab import RESULT_LABELS

MAJOR_NOTE = "重大违规:商品下架、限制发布,严重时扣分、冻结保证金直至封店"


class Penalty(NamedTuple):
    """One violation on the path: its code, its name and the points it costs (0 for a major one)."""

    code: str
    name: str
    points: int


def mood_label(mood: int) -> str:
    """满意 (≥ 2), 平静 (0…1), 不满 (−1…−2) or 愤怒 (≤ −3)."""
    if mood >= 2:
        return "满意"
    if mood >= 0:
        return "平静"
    return "不满" if mood >= -2 else "愤怒"


def duration(seconds: float) -> str:
    """``185`` → ``3 分 5 秒``; ``45`` → ``45 秒``."""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} 分 {rest} 秒" if minutes else f"{rest} 秒"


@dataclass(frozen=True)
class Scorecard:
    """How a played path went: ending, mood, violations, time against the standard."""

    outcome: str
    result: str
    summary: str
    mood: int
    mood_label: str
    violations: tuple[Penalty, ...]
    penalty_points: int
    elapsed_s: int
    time_limit_s: float
    time_standard: str
    time_limit: str
    within_time: bool
    converted: bool
    compliant: bool
    majors: tuple[str, ...] = ()

    def rows(self) -> list[tuple[str, str]]:
        """(项目, 结果) pairs in display order."""
        hits = [f"{p.name}({MAJOR_NOTE})" if p.code in self.majors else f"{p.name}(扣 {p.points} 分)"
                for p in self.violations]
        verdict = "达标" if self.within_time else "超时"
        return [
            ("结局", f"{self.outcome}({RESULT_LABELS.get(self.result, self.result)})"),
            ("经过", self.summary),
            ("买家情绪", f"{self.mood:+d}({self.mood_label})" if self.mood else "0(平静)"),
            ("违规", "、".join(hits) or "无"),
            ("扣分合计", f"{self.penalty_points} 分"),
            ("用时", f"{duration(self.elapsed_s)}(标准:{self.time_standard} {self.time_limit},{verdict})"),
            ("成交", "是" if self.converted else "否"),
            ("合规路径", "是" if self.compliant else "否(有违规或没有成功解决)"),
        ]


def make_scorecard(scenario: Scenario, choices: Sequence[Choice], ending: Ending,
                   mood: int, elapsed_s: int) -> Scorecard:
    """The scorecard of a finished path."""
    book = load_rulebook()
    penalties = []
    for choice in choices:
        if choice.violation is not None:
            name, points = book.rules[choice.violation]
            penalties.append(Penalty(choice.violation, name, points))
        if choice.major is not None:
            penalties.append(Penalty(choice.major, book.major[choice.major], 0))
    standard = standards()[scenario.time_standard]
    limit = limit_seconds(standard)
    return Scorecard(
        outcome=ending.outcome, result=ending.result, summary=ending.summary,
        mood=mood, mood_label=mood_label(mood),
        violations=tuple(penalties), penalty_points=sum(p.points for p in penalties),
        elapsed_s=elapsed_s, time_limit_s=limit, time_standard=standard.name,
        time_limit=f"{standard.value:g} {standard.unit}", within_time=elapsed_s <= limit,
        converted=ending.converted, compliant=not penalties and ending.result == "success",
        majors=tuple(c.major for c in choices if c.major is not None))

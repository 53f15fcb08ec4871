"""The values a scenario file may use (docs/SCENARIOS.md §1)."""

from __future__ import annotations

import re

# M03 客户类型:性格与购买行为
PERSONALITIES = ("独断型", "冷漠型", "自我型", "友善型", "刁钻蛮横型", "分析型")
BEHAVIOURS = ("冲动型", "不定型", "选价型", "理智型", "情感型", "习惯型")
RESULTS = ("success", "partial", "failure")
RESULT_LABELS = {"success": "成功", "partial": "部分解决", "failure": "失败"}
MODULE_PATTERN = re.compile(r"M(0[1-9]|1[0-2])")
MOOD_RANGE = (-3, 3)
SECONDS_RANGE = (1, 600)
DEFAULT_SECONDS = 30
DEFAULT_AGENT = "客服"

# The fields each mapping may hold, in the order docs/SCENARIOS.md lists them.
TOP_FIELDS = ("id", "title", "module", "tags", "summary", "buyer", "agent", "time_standard", "start", "nodes")
BUYER_FIELDS = ("nickname", "personality", "behaviour", "product", "note")
NODE_FIELDS = ("buyer", "choices", "end")
CHOICE_FIELDS = ("reply", "feedback", "next", "effects", "violation", "major", "principle")
EFFECT_FIELDS = ("mood", "seconds")
END_FIELDS = ("outcome", "result", "converted", "summary")

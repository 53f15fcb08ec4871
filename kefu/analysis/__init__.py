"""Item analysis of a cohort: difficulty, discrimination and common wrong choices per graded item."""

from .choices import common_wrong_choices, widget_answers
from .cohort import cohort_scores
from .item_stats import item_stats

__all__ = ["cohort_scores", "common_wrong_choices", "item_stats", "widget_answers"]

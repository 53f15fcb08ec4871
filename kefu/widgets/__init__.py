"""Interactive widgets for the notebooks."""

from __future__ import annotations

from .choice import ScenarioChoice
from .graded_choice import GradedChoice
from .practice_bank import PracticeItem, load_practice

__all__ = ["ScenarioChoice", "GradedChoice", "PracticeItem", "load_practice", "practice", "graded_choice"]


def practice(module: str, item_id: str | None = None):
    """Widgets for a module's practice items (one item when ``item_id`` is given)."""
    import ipywidgets as w

    items = load_practice(module)
    if item_id is not None:
        chosen = [i for i in items if i.id == item_id]
        if not chosen:
            raise KeyError(f"data/practice/{module}.yaml 中没有练习 {item_id!r}")
        return ScenarioChoice(chosen[0])
    return w.VBox([ScenarioChoice(i) for i in items])


def graded_choice(item_id: str, question: str, options):
    """A graded choice widget; the choice is saved beside the notebook for nbgrader."""
    return GradedChoice(item_id, question, list(options))

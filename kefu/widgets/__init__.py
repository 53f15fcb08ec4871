"""Interactive widgets for the notebooks."""

from __future__ import annotations

from .chat import ChatSimulator
from .choice import ScenarioChoice
from .graded_choice import GradedChoice
from .practice_bank import FunctionItem, LabelsItem, NumberItem, OrderItem, PracticeItem, ShiftItem, load_practice
from .quizzes import LabelsQuiz, NumberQuiz, OrderQuiz

__all__ = ["ChatSimulator", "ScenarioChoice", "GradedChoice", "PracticeItem", "load_practice", "practice",
           "graded_choice", "simulate"]


def practice(module: str, item_id: str | None = None):
    """Widgets for a module's practice items (one item when ``item_id`` is given)."""
    import ipywidgets as w

    items = [i for i in load_practice(module) if not isinstance(i, FunctionItem)]
    if item_id is not None:
        chosen = [i for i in items if i.id == item_id]
        if not chosen:
            raise KeyError(f"data/practice/{module}.yaml 中没有练习 {item_id!r}")
        return practice_widget(chosen[0])
    return w.VBox([practice_widget(i) for i in items])


def practice_widget(item):
    """The widget for one practice item, by its type."""
    if isinstance(item, ShiftItem):
        from .shift_practice import ShiftPractice

        return ShiftPractice(item)
    widgets = {PracticeItem: ScenarioChoice, LabelsItem: LabelsQuiz, OrderItem: OrderQuiz, NumberItem: NumberQuiz}
    return widgets[type(item)](item)


def graded_choice(item_id: str, question: str, options):
    """A graded choice widget; the choice is saved beside the notebook for nbgrader."""
    return GradedChoice(item_id, question, list(options))


def simulate(scenario_id: str) -> ChatSimulator:
    """The chat simulator of ``data/scenarios/<scenario_id>.yaml``."""
    return ChatSimulator(scenario_id)

"""kefu —— 电商客服实训 (e-commerce customer-service coursework) helper package.

Public surface for notebooks::

    import kefu
    standards = kefu.load_standards()
    chats = kefu.load_table("chat_sessions.csv", parse_dates=["start_time"])
    kefu.checks.check_choice(answer, ["A", "B", "C"], name="q1")
    kefu.review_reply(my_reply, task="m01_presale")
    kefu.practice("m01")
    kefu.simulate("invoice_special_price")
"""

from __future__ import annotations

from . import checks, grading
from ._paths import data_dir, data_path
from .data import Standards, load_standards, load_table, load_yaml
from .errors import (AnswerFormatError, DataFileError, DataFileMalformed, DataFileMissing,
                     KefuError, NotebookCheckError)

__version__ = "0.1.0"

__all__ = [
    "checks", "grading", "shift", "data_dir", "data_path", "load_standards", "load_table", "load_yaml",
    "Standards", "review_reply", "practice", "simulate", "graded_choice", "multichat", "KefuError", "DataFileError",
    "DataFileMissing", "DataFileMalformed", "AnswerFormatError", "NotebookCheckError",
]


def review_reply(text, task):
    """Non-scoring feedback on a written reply (see :mod:`kefu.review`)."""
    from .review import review_reply as _review

    return _review(text, task)


def graded_choice(item_id, question, options):
    """A graded choice widget whose answer survives autograding (see :mod:`kefu.answers`)."""
    from .widgets import graded_choice as _graded_choice

    return _graded_choice(item_id, question, options)


def show_progress(module):
    """A learner's self-study progress through a module's practice items (see :mod:`kefu.progress`)."""
    from .progress import show_progress as _show

    return _show(module)


def try_function(func, module, item_id):
    """Self-study: check a function on a practice item's cases (see :mod:`kefu.tryout`)."""
    from .tryout import try_function as _try

    return _try(func, module, item_id)


def practice(module, item_id=None):
    """Practice scenario widgets of a module (see :mod:`kefu.widgets`)."""
    from .widgets import practice as _practice

    return _practice(module, item_id)


def simulate(scenario_id):
    """Chat simulator of a branching scenario (see :mod:`kefu.scenarios` and docs/SCENARIOS.md)."""
    from .widgets import simulate as _simulate

    return _simulate(scenario_id)


def kpi_chart(report, targets, **options):
    """A team's KPIs against the store's targets, as a chart with Chinese labels (see :mod:`kefu.team_chart`)."""
    from .team_chart import kpi_chart as _kpi_chart

    return _kpi_chart(report, targets, **options)


def load_quick_replies():
    """The store's quick replies, FAQ answers and routing rules, standards filled in (see :mod:`kefu.quick_replies`)."""
    from .quick_replies import load_quick_replies as _load

    return _load()


def multichat(scenario_ids, *, arrivals=None, concurrent=3, time_limit=None, seed=None, record=None, clock=None):
    """Several chats at once with a queue and a clock (see :mod:`kefu.widgets.multichat`)."""
    from .widgets.multichat import multichat as _multichat

    return _multichat(scenario_ids, arrivals=arrivals, concurrent=concurrent, time_limit=time_limit, seed=seed,
                      record=record, clock=clock)


def __getattr__(name):
    """``kefu.shift`` (the M12 shift engine) is imported on first use, keeping ``import kefu`` light."""
    if name == "shift":
        import importlib

        return importlib.import_module(f"{__name__}.shift")
    raise AttributeError(f"module 'kefu' has no attribute {name!r}")

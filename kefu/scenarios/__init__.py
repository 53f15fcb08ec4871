"""Branching chat scenarios (情景对话): load, validate, play and score them.

See docs/SCENARIOS.md for the file format::

    from kefu.scenarios import Session, load_scenario
    session = Session(load_scenario("invoice_special_price"))
    session.choose(0)
"""

from __future__ import annotations

from .engine import Session, SessionError, Step, TranscriptEntry
from .loader import ScenarioNotFound, load_all, load_scenario, load_scenario_file, scenario_files
from .model import BuyerProfile, Choice, Ending, Node, Scenario
from .paths import all_paths
from .scorecard import Penalty, Scorecard, mood_label
from .validate import validate_file

__all__ = [
    "load_scenario", "load_all", "load_scenario_file", "scenario_files", "validate_file", "all_paths",
    "Session", "Step", "TranscriptEntry", "SessionError", "ScenarioNotFound", "Scorecard", "Penalty",
    "mood_label", "Scenario", "BuyerProfile", "Node", "Choice", "Ending",
]

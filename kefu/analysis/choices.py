"""The most common wrong choice of each choice item, and the stored answers of graded widgets."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..answers import ANSWERS_FILE, KEY_FILE, read_answer

COLUMNS = ["item", "answered", "right", "wrong_choice", "wrong_count", "wrong_share"]


def common_wrong_choices(answers: pd.DataFrame, key: dict) -> pd.DataFrame:
    """Per item of ``key``: how many answered, the most common wrong choice and its share.

    ``answers`` has columns student, item, answer (None = not answered, which is
    left out). ``wrong_share`` = students who chose that wrong option / students
    who answered the item. Ties go to the alphabetically first option; with no
    wrong answer ``wrong_choice`` is None and the share 0.
    """
    rows = []
    for item, right in key.items():
        given = answers.loc[(answers["item"] == item) & answers["answer"].notna(), "answer"].astype(str)
        wrong = given[given != right]
        choice, count = None, 0
        if len(wrong):
            counts = wrong.value_counts()
            count = int(counts.max())
            choice = sorted(counts[counts == count].index)[0]
        rows.append({"item": item, "answered": int(len(given)), "right": right, "wrong_choice": choice,
                     "wrong_count": count, "wrong_share": count / len(given) if len(given) else 0.0})
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["wrong_choice"] = pd.Series([r["wrong_choice"] for r in rows], dtype=object)  # None, not NaN
    return frame


def widget_key(source_folder: Path) -> dict:
    """Item id → right answer, from the instructor's ``kefu-answers.key.json`` (empty without one)."""
    path = Path(source_folder) / KEY_FILE
    if not path.is_file():
        return {}
    items = json.loads(path.read_text(encoding="utf-8")).get("answers", {})
    # read_answer checks each entry's digest; in source/ it reads the key file
    key = {item: read_answer(item, folder=source_folder).value for item in sorted(items)}
    return {item: value for item, value in key.items() if value is not None}


def widget_answers(root: Path, assignment: str) -> tuple[pd.DataFrame, dict]:
    """(answers, key) of the graded widgets of ``assignment``, from autograded/<student>/<assignment>/.

    A student whose folder has no answers file, or a damaged one, counts as not answered.
    """
    root = Path(root)
    key = widget_key(root / "source" / assignment)
    rows = []
    for folder in sorted((root / "autograded").glob(f"*/{assignment}")):
        if not folder.is_dir():
            continue
        has_file = (folder / ANSWERS_FILE).is_file()
        for item in key:
            value = read_answer(item, folder=folder).value if has_file else None
            rows.append({"student": folder.parent.name, "item": item, "answer": value})  # None: not answered
    return pd.DataFrame(rows, columns=["student", "item", "answer"], dtype=object), key

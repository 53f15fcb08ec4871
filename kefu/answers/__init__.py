"""Graded widget answers that survive nbgrader's re-execution (see :mod:`kefu.answers.store`)."""

from .store import (ANSWERS_FILE, KEY_FILE, NOT_ANSWERED, StoredChoice, answers_file, read_answer,
                    save_answer, submit_key)
from .records import NOT_PLAYED, StoredRecord, read_record, save_record

__all__ = ["ANSWERS_FILE", "KEY_FILE", "NOT_ANSWERED", "StoredChoice", "answers_file", "read_answer",
           "save_answer", "submit_key", "NOT_PLAYED", "StoredRecord", "read_record", "save_record"]

"""In feedback, a test cell's error shows only its last line, not the quoted (hidden) code."""

from __future__ import annotations

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor


class ShortTestTracebacks(NbGraderPreprocessor):
    """Keep only the last traceback line ("NameError: …") of every autograder test cell.

    IPython quotes the lines around the failing one, and in autograded/ those
    lines include the hidden tests, i.e. the expected answers.
    """

    def preprocess_cell(self, cell, resources, index):
        if utils.is_grade(cell) and not utils.is_solution(cell):
            for output in cell.get("outputs", []):
                if output.output_type == "error" and output.traceback:
                    output.traceback = output.traceback[-1:]
        return cell, resources

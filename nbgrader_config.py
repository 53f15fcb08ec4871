"""nbgrader configuration of the kefu course (电商客服实训).

Everything lives inside this repository: the gradebook is a sqlite file next
to this one (ignored by git) and the exchange is the ``exchange/`` folder, so
no step needs /srv or root. For a shared server, override these in
``~/.jupyter/nbgrader_config.py`` or with KEFU_* environment variables.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

COURSE_ROOT = Path(os.environ.get("KEFU_COURSE_ROOT", Path(__file__).resolve().parent))

c.CourseDirectory.course_id = os.environ.get("KEFU_COURSE_ID", "kefu")
c.CourseDirectory.root = str(COURSE_ROOT)
c.CourseDirectory.db_url = os.environ.get("KEFU_DB_URL", f"sqlite:///{COURSE_ROOT / 'gradebook.db'}")
c.Exchange.root = os.environ.get("KEFU_EXCHANGE", str(COURSE_ROOT / "exchange"))

# Data files are read through the kefu package, so nothing extra is copied with a release.
# "*.key.json": the instructor's key for graded widgets (kefu-answers.key.json) stays in source/ only;
# nbgrader never copies it into release/, a submission or autograded/.
# "kefu-progress.json": a learner's self-study progress is never copied, submitted or graded.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.key.json",
                            ".kefu-answers-*", "kefu-progress.json", ".kefu-progress-*"]

# The graded release leaves out the self-study twins (cells tagged kefu-practice); they go only into the
# practice edition built by `kefu release --practice`. Order matters: the tagged cells are removed first,
# then nbgrader's own steps run as usual.
from nbgrader.converters.generate_assignment import GenerateAssignment  # noqa: E402

c.TagRemovePreprocessor.remove_cell_tags = ["kefu-practice"]
c.TagRemovePreprocessor.enabled = True
c.GenerateAssignment.preprocessors = ["nbconvert.preprocessors.TagRemovePreprocessor"] + list(
    GenerateAssignment.class_traits()["preprocessors"].default())

# What a learner sees in place of a solution.
c.ClearSolutions.code_stub = {"python": "# 在这里作答,然后删除下面这一行\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "在这里写下你的回答"

# A module runs in about a second; anything near this limit is a runaway cell.
c.ExecutePreprocessor.timeout = 60
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

# Feedback is rendered from autograded/, where nbgrader has put the hidden tests back into the test
# cells, so its default pipeline would show learners the expected answers twice: in the cell source,
# and in the code lines IPython quotes in the traceback of a test cell that raised (e.g. NameError when
# an answer cell was left unanswered). Order matters: both run before nbgrader's own steps.
#   1. ClearHiddenTests (nbgrader's, as in the release) removes the hidden-test regions from the source;
#   2. ShortTestTracebacks keeps only the last line ("NameError: …") of a test cell's traceback.
# Feedback keeps the score, the visible checks and the ✓/× lines our scorers print, never the hidden
# test code. GetGrades reads the scores from the gradebook, not from the cell source.
from nbgrader.converters.generate_feedback import GenerateFeedback  # noqa: E402

c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.ClearHiddenTests",
    "kefu.nbgrader_ext.short_test_tracebacks.ShortTestTracebacks",
] + list(GenerateFeedback.class_traits()["preprocessors"].default())

# Autograding runs the learners' code in a bubblewrap sandbox (no source/, gradebook, other submissions or
# network; memory, process, file and output limits) and the hidden tests in the grader's own process, which
# reads the learner's answers only as plain data. See kefu/sandbox/ and the README's section on grading.
from nbgrader.converters.autograde import Autograde  # noqa: E402

c.Autograde.autograde_preprocessors = ["kefu.nbgrader_ext.sandboxed_execute.SandboxedExecute"] + [
    pp for pp in Autograde.class_traits()["autograde_preprocessors"].default() if pp.__name__ != "Execute"]
c.SandboxedExecute.cell_timeout = 60
c.SandboxedExecute.notebook_timeout = 300

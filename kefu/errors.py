"""The one exception hierarchy of kefu.

Every message is written for a learner or an instructor, in Simplified Chinese,
and says what is wrong, where, and what to do about it.
"""

from __future__ import annotations

__all__ = [
    "KefuError",
    "DataFileError",
    "DataFileMissing",
    "DataFileMalformed",
    "AnswerFormatError",
    "NotebookCheckError",
]


class KefuError(Exception):
    """Base class of every error raised by kefu on purpose."""


class DataFileError(KefuError):
    """A file under ``data/`` cannot be used."""


class DataFileMissing(DataFileError, FileNotFoundError):
    """A data file does not exist where kefu looked for it."""

    def __init__(self, path, searched=None):
        self.path = path
        where = f"(查找位置:{searched})" if searched else ""
        super().__init__(
            f"找不到数据文件 {path}{where}。"
            "请确认课程仓库完整(可用 git status 查看是否被删除),"
            "或设置环境变量 KEFU_DATA_DIR 指向课程的 data/ 文件夹。"
        )


class DataFileMalformed(DataFileError, ValueError):
    """A data file exists but its content cannot be read as expected."""

    def __init__(self, path, problem, line=None, fix=None):
        self.path = path
        self.line = line
        self.problem = problem
        where = f"第 {line} 行" if line else ""
        fix = fix or "请对照 data/README.md 修正该文件,或用 git checkout 恢复原始版本。"
        super().__init__(f"数据文件 {path} {where}格式有误:{problem}。{fix}")


class AnswerFormatError(KefuError, AssertionError):
    """An answer does not have the required shape (type, labels, length).

    It subclasses AssertionError so nbgrader and learners see it as a failed check.
    """


class NotebookCheckError(KefuError):
    """A source notebook breaks a rule of the course kit."""

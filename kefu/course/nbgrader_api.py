"""An NbGraderAPI bound to one course folder."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from .env import CONFIG_NAME, ensure_tools_on_path


@contextmanager
def course_env(root: Path):
    """Environment under which nbgrader_config.py resolves to ``root``."""
    old = os.environ.get("KEFU_COURSE_ROOT")
    os.environ["KEFU_COURSE_ROOT"] = str(root)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("KEFU_COURSE_ROOT", None)
        else:
            os.environ["KEFU_COURSE_ROOT"] = old


def load_config(root: Path):
    """The course's nbgrader_config.py as a traitlets Config."""
    from traitlets.config.loader import PyFileConfigLoader

    from ..errors import KefuError

    with course_env(root):
        try:
            return PyFileConfigLoader(CONFIG_NAME, path=str(root)).load_config()
        except Exception as exc:  # the file is Python: anything can go wrong in it
            raise KefuError(f"{root / CONFIG_NAME} 运行出错:{type(exc).__name__}: {exc}。"
                            "请修正该文件(可用 git diff 查看改动)。") from exc


def open_api(root: Path, overrides=None):
    """An ``NbGraderAPI`` for the course at ``root`` (tools on PATH, quiet logs).

    ``overrides`` is a traitlets Config merged over the course's file, e.g. to
    point a throw-away copy at its own gradebook.
    """
    import logging

    from nbgrader.apps import NbGraderAPI

    ensure_tools_on_path()
    config = load_config(root)
    if overrides is not None:
        config.merge(overrides)
    os.environ["KEFU_COURSE_ROOT"] = str(root)
    _ensure_exchange(config)
    api = NbGraderAPI(config=config)
    api.log.setLevel(logging.WARNING)
    return api


def _ensure_exchange(config) -> None:
    """Create the course's local exchange folder, which nbgrader expects to exist."""
    root = config.get("Exchange", {}).get("root")
    if root and Path(root).parent.is_dir():
        Path(root).mkdir(exist_ok=True)

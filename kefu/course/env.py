"""Find the course folder and make nbgrader's tools reachable."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..errors import KefuError

CONFIG_NAME = "nbgrader_config.py"


def ensure_tools_on_path() -> None:
    """Put this interpreter's ``bin/`` first on PATH.

    nbgrader runs the ``alembic`` executable by name when it opens a
    gradebook; from a bare ``.venv/bin/python`` that name is not on PATH.
    """
    bindir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if not parts or parts[0] != bindir:
        os.environ["PATH"] = os.pathsep.join([bindir] + [p for p in parts if p != bindir])


def find_course_root(start: Path | str | None = None) -> Path:
    """The folder holding ``nbgrader_config.py`` and ``source/``.

    Looks at ``start`` (or KEFU_COURSE_ROOT, or the current folder) and its
    parents, then at the checkout the kefu package was installed from.
    """
    candidates = []
    if start is not None:
        candidates.append(Path(start))
    elif os.environ.get("KEFU_COURSE_ROOT"):
        candidates.append(Path(os.environ["KEFU_COURSE_ROOT"]))
    else:
        here = Path.cwd().resolve()
        candidates += [here, *here.parents]
        candidates.append(Path(__file__).resolve().parents[2])
    for folder in candidates:
        if (folder / CONFIG_NAME).is_file() and (folder / "source").is_dir():
            return folder.resolve()
    looked = start or os.environ.get("KEFU_COURSE_ROOT") or Path.cwd()
    raise KefuError(f"在 {looked} 及其上级目录中找不到课程文件夹(需要同时有 {CONFIG_NAME} 和 source/)。"
                    "请在课程仓库里运行,或用 --course 指定课程文件夹。")

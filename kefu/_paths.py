"""Where the course's data folder is, wherever a notebook runs.

The answer never depends on the current directory: a notebook may run in
``source/``, ``release/``, ``autograded/<student>/`` or a learner's own copy.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "KEFU_DATA_DIR"
_MARKER = "standards.yaml"


def candidate_data_dirs() -> list[Path]:
    """Folders searched for data, in order of precedence."""
    found: list[Path] = []
    override = os.environ.get(ENV_VAR)
    if override:
        found.append(Path(override).expanduser())
    package = Path(__file__).resolve().parent
    found.append(package.parent / "data")  # a checkout or an editable install
    found.append(package / "_data")  # a wheel built by pyproject.toml
    return found


def data_dir() -> Path:
    """The first candidate folder that holds the course's standards file."""
    from .errors import DataFileMissing

    candidates = candidate_data_dirs()
    for folder in candidates:
        if (folder / _MARKER).is_file():
            return folder
    searched = ", ".join(str(c) for c in candidates)
    raise DataFileMissing(_MARKER, searched)


def data_path(name: str) -> Path:
    """Path of one file inside the data folder (which must exist)."""
    from .errors import DataFileMissing

    path = data_dir() / name
    if not path.is_file():
        raise DataFileMissing(f"data/{name}", str(path.parent))
    return path

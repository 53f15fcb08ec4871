"""Shared fixtures: the repository, a throw-away course copy, tools on PATH."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = sorted(p.name for p in (ROOT / "source").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))

# nbgrader runs `alembic` by name: the environment's bin/ must come first on PATH.
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def copy_course(target: Path, assignments=None) -> Path:
    """A minimal course folder (config + source) in ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "nbgrader_config.py", target / "nbgrader_config.py")
    for name in assignments or ASSIGNMENTS:
        shutil.copytree(ROOT / "source" / name, target / "source" / name,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return target


@pytest.fixture
def course(tmp_path, monkeypatch) -> Path:
    """A throw-away course copy that KEFU_COURSE_ROOT points at."""
    target = copy_course(tmp_path / "course")
    monkeypatch.setenv("KEFU_COURSE_ROOT", str(target))
    return target


@pytest.fixture
def data_copy(tmp_path, monkeypatch, root):
    """A writable copy of data/ that KEFU_DATA_DIR points at (test files with other needs define their own)."""
    target = tmp_path / "data"
    shutil.copytree(root / "data", target)
    monkeypatch.setenv("KEFU_DATA_DIR", str(target))
    return target


# Playwright's sync API allows one running instance per process, so the browser tests (tests/browser)
# and the course-server test (tests/hub) share this one chromium. Debian's chromium, never `playwright install`.
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def shared_chromium():
    from playwright.sync_api import sync_playwright

    path = shutil.which("chromium")
    if path is None:
        pytest.skip("chromium 未安装:apt-get install chromium fonts-noto-cjk")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


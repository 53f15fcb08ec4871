"""Fixtures of the browser tests: a real JupyterLab server on a throw-away course, and chromium.

The server runs from this environment (``python -m jupyterlab``) on a free loopback port with a random
token, in a copy of the course whose release/ was built by ``kefu release``. Its Jupyter config, data,
runtime and lab-settings folders are private to the session, so a developer's own settings, workspaces
and extensions never change what the tests see. Its log goes to ``test-artifacts/jupyterlab-server.log``.

Chromium is Debian's (``apt-get install chromium fonts-noto-cjk``), driven by Playwright; Playwright's
own browser download is never used. Without chromium the browser tests are skipped with that hint.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from kefu.commands import release

from conftest import ROOT, copy_course

ARTIFACTS = ROOT / "test-artifacts"
ASSIGNMENT = "m01_role"
INSTALL_HINT = ("没有找到 chromium,浏览器测试已跳过。安装方法(Debian/Ubuntu):"
                "sudo apt-get install -y chromium fonts-noto-cjk")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVER_START_TIMEOUT_S = 90

# User settings of the private lab-settings folder:
# - no "fetch Jupyter news?" toast and no update check (the machine may have no network);
# - every notebook cell attached to the page, so locators see cells outside the viewport too.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab server on a course folder."""

    url: str
    token: str
    course: Path
    log: Path

    def tree(self, relpath: str) -> str:
        """The address that opens ``relpath`` (relative to the course) in JupyterLab."""
        return f"{self.url}/lab/tree/{relpath}?token={self.token}"

    def api(self, path: str):
        """GET a JSON endpoint of the server's REST API."""
        request = urllib.request.Request(f"{self.url}{path}", headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.load(response)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``test-artifacts/`` at the repository root (git-ignored): screenshots and the server log."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip(INSTALL_HINT)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path, artifacts):
    """Debian's chromium, headless, through Playwright (never ``playwright install``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, artifacts, request):
    """A fresh browser context and page; on failure a full-page screenshot lands in test-artifacts/."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            page.screenshot(path=str(artifacts / f"failed-{request.node.name}.png"), full_page=True)
        context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, for the failure screenshot above."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _private_jupyter_dirs(base: Path) -> dict[str, str]:
    """Environment variables giving the server its own config, data, runtime and settings folders."""
    dirs = {name: base / name for name in ("config", "data", "runtime", "lab-settings", "workspaces", "ipython")}
    for folder in dirs.values():
        folder.mkdir(parents=True, exist_ok=True)
    for name, value in LAB_SETTINGS.items():
        target = dirs["lab-settings"] / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(value), encoding="utf-8")
    return {"JUPYTER_CONFIG_DIR": str(dirs["config"]), "JUPYTER_DATA_DIR": str(dirs["data"]),
            "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]), "JUPYTERLAB_SETTINGS_DIR": str(dirs["lab-settings"]),
            "JUPYTERLAB_WORKSPACES_DIR": str(dirs["workspaces"]), "IPYTHONDIR": str(dirs["ipython"])}


def _stop(proc: subprocess.Popen) -> None:
    """Terminate the server; kill it when it does not stop within 10 seconds."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def _wait_until_up(lab: Lab, proc: subprocess.Popen) -> None:
    """Poll ``/api/status`` until it answers; fail at once (with the log) when the server exits."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {proc.returncode}:\n{_tail(lab.log)}")
        try:
            lab.api("/api/status")
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"JupyterLab did not answer /api/status within {SERVER_START_TIMEOUT_S} s:\n{_tail(lab.log)}")


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="session")
def lab_course(tmp_path_factory) -> Path:
    """A throw-away course with release/ built (only the assignment the browser tests use)."""
    course = copy_course(tmp_path_factory.mktemp("browser") / "course", [ASSIGNMENT])
    old = os.environ.get("KEFU_COURSE_ROOT")
    try:
        assert release.main(course=str(course)) == 0
        yield course
    finally:
        # kefu's nbgrader helpers point KEFU_COURSE_ROOT at the course they open; do not leak it.
        if old is None:
            os.environ.pop("KEFU_COURSE_ROOT", None)
        else:
            os.environ["KEFU_COURSE_ROOT"] = old


@pytest.fixture(scope="session")
def lab(lab_course, chromium_path, artifacts, tmp_path_factory):
    """A JupyterLab server on ``lab_course``, stopped at the end of the session."""
    token = secrets.token_hex(24)
    log = artifacts / "jupyterlab-server.log"
    env = dict(os.environ, **_private_jupyter_dirs(tmp_path_factory.mktemp("jupyter")),
               KEFU_COURSE_ROOT=str(lab_course),
               PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    env.pop("KEFU_DATA_DIR", None)
    for attempt in range(3):  # another process may grab the free port between probe and bind
        port = _free_port()
        command = [sys.executable, "-m", "jupyterlab", "--no-browser",
                   "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                   # IdentityProvider.token is jupyter_server 2's name for the deprecated ServerApp.token
                   f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={lab_course}",
                   "--ServerApp.terminals_enabled=False",
                   "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"\n===== {time.strftime('%H:%M:%S')} {' '.join(command)}\n")
            handle.flush()
            proc = subprocess.Popen(command, cwd=lab_course, env=env, stdin=subprocess.DEVNULL,
                                    stdout=handle, stderr=subprocess.STDOUT)
        server = Lab(f"http://127.0.0.1:{port}", token, lab_course, log)
        try:
            _wait_until_up(server, proc)
        except RuntimeError:
            _stop(proc)
            if attempt == 2:
                raise
            continue
        try:
            yield server
        finally:
            _stop(proc)
        return

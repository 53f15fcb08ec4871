"""Fixtures of the browser tests: a real JupyterLab server on a throw-away course, and chromium.

The server runs from this environment (``python -m jupyterlab``) on a free loopback port with a random
token, in a copy of the course whose release/ was built by ``kefu release``. Its Jupyter config, data,
runtime and lab-settings folders are private to the session, so a developer's own settings, workspaces
and extensions never change what the tests see. Its log goes to ``test-artifacts/jupyterlab-server.log``.

Chromium is Debian's (``apt-get install chromium fonts-noto-cjk``), driven by Playwright; Playwright's
own browser download is never used. Without chromium the browser tests are skipped with that hint,
except under ``KEFU_REQUIRE_BROWSER=1`` (set by .ci/run), where they fail.
"""

from __future__ import annotations

import json
import os
import re
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
from kefu.course.nbgrader_api import course_env

from conftest import ROOT, copy_course

ARTIFACTS = ROOT / "test-artifacts"
ASSIGNMENT = "m01_role"
INSTALL_HINT = ("没有找到 chromium,浏览器测试已跳过。安装方法(Debian/Ubuntu):"
                "sudo apt-get install -y chromium fonts-noto-cjk")
SERVER_START_TIMEOUT_S = 90

# The course's own lab settings (no "get notified about Jupyter news?" toast, no update check), exactly as
# `make lab` and the course server use them: the tests see what a learner sees.
COURSE_LAB_CONFIG = ROOT / "deploy" / "jupyter" / "lab"
# User settings of the private lab-settings folder: every notebook cell attached to the page, so locators
# see cells outside the viewport too.
LAB_SETTINGS = {
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
        """The address that opens ``relpath`` (relative to the course) in JupyterLab, in a new workspace.

        A fresh workspace per page: JupyterLab would otherwise restore the tabs an earlier test left
        open in the shared default workspace (e.g. another learner's copy of the same notebook).
        """
        return f"{self.url}/lab/workspaces/t{secrets.token_hex(6)}/tree/{relpath}?token={self.token}"

    def api(self, path: str, method: str = "GET"):
        """Call the server's REST API; the parsed JSON answer (None when empty)."""
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down(self, relpath: str) -> None:
        """Shut down the kernel session of a notebook, if it has one."""
        for session in self.api("/api/sessions"):
            if session.get("path") == relpath:
                self.api(f"/api/sessions/{session['id']}", method="DELETE")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``test-artifacts/`` at the repository root (git-ignored): screenshots and the server log."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("KEFU_REQUIRE_BROWSER") == "1":  # set by .ci/run: CI must not skip these
            pytest.fail(INSTALL_HINT.replace("已跳过", "无法运行"), pytrace=False)
        pytest.skip(INSTALL_HINT)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path, artifacts, shared_chromium):
    """Debian's chromium, headless, through Playwright (the session's one instance, see tests/conftest.py)."""
    from playwright.sync_api import expect

    # expect() retries until its condition holds; 5 s (Playwright's default) is short on a busy CI machine
    expect.set_options(timeout=15_000)
    return shared_chromium


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
    return {"JUPYTER_CONFIG_DIR": str(dirs["config"]), "JUPYTER_CONFIG_PATH": str(COURSE_LAB_CONFIG),
            "JUPYTER_DATA_DIR": str(dirs["data"]),
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
def lab_course(chromium_path, tmp_path_factory) -> Path:
    """A throw-away course with release/ built for every assignment (the glyph test opens each one)."""
    course = copy_course(tmp_path_factory.mktemp("browser") / "course")
    # kefu's nbgrader helpers point KEFU_COURSE_ROOT at the course they open; course_env puts it back.
    with course_env(course):
        assert release.main(course=str(course)) == 0
    return course


@pytest.fixture(scope="session")
def lab(lab_course, chromium_path, artifacts, tmp_path_factory):
    """A JupyterLab server on ``lab_course``, stopped at the end of the session."""
    token = secrets.token_hex(24)
    log = artifacts / "jupyterlab-server.log"
    log.write_text("", encoding="utf-8")  # one session's log
    env = dict(os.environ, **_private_jupyter_dirs(tmp_path_factory.mktemp("jupyter")),
               KEFU_COURSE_ROOT=str(lab_course),
               PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    # KEFU_DATA_DIR, when set, passes through: the kernels then read the same data as the tests.
    for attempt in range(3):  # another process may grab the free port between probe and bind
        port = _free_port()
        command = [sys.executable, "-m", "jupyterlab", "--no-browser",
                   "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                   # IdentityProvider.token is jupyter_server 2's name for the deprecated ServerApp.token
                   f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={lab_course}",
                   "--ServerApp.terminals_enabled=False",
                   "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")  # CI containers run as root
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"\n===== {time.strftime('%H:%M:%S')} {' '.join(command)}\n".replace(token, "<token>"))
            handle.flush()
            start = handle.tell()
            proc = subprocess.Popen(command, cwd=lab_course, env=env, stdin=subprocess.DEVNULL,
                                    stdout=handle, stderr=subprocess.STDOUT)
        server = Lab(f"http://127.0.0.1:{port}", token, lab_course, log)
        try:
            _wait_until_up(server, proc)
        except RuntimeError:
            _stop(proc)
            with log.open(encoding="utf-8", errors="replace") as handle:
                handle.seek(start)
                port_taken = "already in use" in handle.read()
            if attempt == 2 or not port_taken:
                raise
            continue
        try:
            yield server
        finally:
            _stop(proc)
        return


# ---------------------------------------------------------------------------------------------------------
# Driving a notebook in JupyterLab. Every wait is on an explicit condition (a selector, the kernel status
# reported by the server and by the page, execution prompts); nothing sleeps for a fixed time.

# The notebook's kernel is idle in the page: the status bar says "| Idle" *and* the toolbar's execution
# indicator says idle. (The indicator alone reads "idle" while a new kernel is still initializing.)
_KERNEL_IDLE_JS = """() => {
  const bar = [...document.querySelectorAll('.jp-StatusBar-TextItem')]
    .find(e => (e.getAttribute('title') || '').startsWith('Change kernel'));
  const ind = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
  return !!bar && /\\|\\s*Idle$/.test(bar.textContent.trim()) && !!ind && ind.dataset.status === 'idle';
}"""

# Every code cell of the open notebook shows an execution count ("[12]:"), the counts are exactly
# 1..n (one fresh kernel ran every cell once, in order) and the kernel is idle again.
_ALL_RAN_JS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return false;
  const ind = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim());
  const counts = prompts.map(t => (t.match(/^\\[(\\d+)\\]:$/) || [])[1]).map(Number);
  return prompts.length > 0 && !!ind && ind.dataset.status === 'idle'
    && counts.every((c, i) => c === i + 1);
}"""

_PROMPTS_JS = """() => [...document.querySelectorAll(
  '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim())"""

_ERRORS_JS = """() => [...document.querySelectorAll(
  '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
  .map(e => e.innerText.slice(-400))"""


class Notebook:
    """One notebook open in JupyterLab, driven the way a learner does: menus, clicks, dialogs."""

    def __init__(self, page, lab: Lab, relpath: str):
        self.page, self.lab, self.relpath = page, lab, relpath
        # the notebook panel in view; tests look for widgets inside it only
        self.panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")

    def open(self) -> "Notebook":
        """Load JupyterLab on the notebook and wait until its kernel is idle."""
        from playwright.sync_api import expect

        self.page.goto(self.lab.tree(self.relpath))
        tab = self.page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel")
        expect(tab).to_have_text(self.relpath.rsplit("/", 1)[-1], timeout=60_000)
        expect(self.panel.locator(".jp-Cell").first).to_be_visible(timeout=60_000)
        self.wait_kernel_idle()
        return self

    def wait_kernel_idle(self, timeout_s: float = 60) -> None:
        """The server reports the notebook's kernel idle, and so does the page."""
        deadline = time.monotonic() + timeout_s
        state = None
        while time.monotonic() < deadline:
            sessions = [s for s in self.lab.api("/api/sessions") if s.get("path") == self.relpath]
            state = sessions[0]["kernel"]["execution_state"] if sessions else None
            if state == "idle":
                break
            time.sleep(0.2)
        else:
            raise AssertionError(f"kernel of {self.relpath} not idle after {timeout_s} s (server says {state})")
        self.page.wait_for_function(_KERNEL_IDLE_JS, timeout=timeout_s * 1000)

    def menu(self, menu: str, command: str) -> None:
        """Click a menu of the menu bar, then one of its items (by its JupyterLab command id)."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{re.escape(menu)}$")).click()
        self.page.locator(f'.lm-Menu-item[data-command="{command}"]').click()

    def run_all(self, timeout_s: float = 120) -> None:
        """Run → Run All Cells; wait until every code cell has run (counts 1..n) and the kernel is idle."""
        self.menu("Run", "runmenu:run-all")
        self.wait_all_ran(timeout_s)

    def restart_and_run_all(self, timeout_s: float = 120) -> None:
        """Edit → Clear Outputs of All Cells, then Kernel → Restart Kernel and Run All Cells… (confirmed).

        Clearing first resets every prompt to "[ ]", so the wait below cannot be satisfied by the counts
        of the previous run.
        """
        self.menu("Edit", "editmenu:clear-all")
        self.page.wait_for_function(
            f"() => ({_PROMPTS_JS})().every(t => t === '[ ]:')", timeout=10_000)
        self.menu("Kernel", "runmenu:restart-and-run-all")
        self.page.locator(".jp-Dialog .jp-mod-accept").click()
        self.wait_all_ran(timeout_s)

    def wait_all_ran(self, timeout_s: float) -> None:
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(_ALL_RAN_JS, timeout=timeout_s * 1000, polling=250)
        except PlaywrightTimeout:
            raise AssertionError(f"Run All did not finish in {timeout_s} s. Prompts: "
                                 f"{self.page.evaluate(_PROMPTS_JS)}; errors: {self.page.evaluate(_ERRORS_JS)}"
                                 ) from None

    def save(self) -> None:
        """File → Save Notebook; wait until the tab is clean and the server has the new file."""
        before = self.lab.api(f"/api/contents/{self.relpath}?content=0")["last_modified"]
        self.menu("File", "docmanager:save")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            model = self.lab.api(f"/api/contents/{self.relpath}?content=0")
            dirty = self.page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current.jp-mod-dirty").count()
            if model["last_modified"] != before and not dirty:
                return
            time.sleep(0.1)
        raise AssertionError(f"{self.relpath} was not saved within 30 s")


@pytest.fixture
def open_notebook(page, lab):
    """``open_notebook(relpath)`` loads JupyterLab on a notebook of the course and waits for its kernel.

    The kernels of the notebooks a test opened are shut down after it.
    """
    opened = []

    def open_(relpath: str) -> Notebook:
        opened.append(relpath)
        return Notebook(page, lab, relpath).open()

    yield open_
    for relpath in opened:
        lab.shut_down(relpath)

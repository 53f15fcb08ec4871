"""Fixtures of the course-server tests: the whole stack (Postgres, JupyterHub, proxy, grading service),
started and stopped with the documented commands in a throw-away state folder.

Everything the stack writes lives under one temporary folder: the state folder (database cluster, hub
database, secrets, course folder, exchange) and the home folders of the test accounts. The accounts get
a random prefix (e.g. ``kt3fa1s1``) and every port is a free random 127.0.0.1 port, so a real
deployment on the same machine is never touched. Teardown stops the stack (make hub-down) and deletes
the test accounts with ``userdel -r`` (deploy/accounts.py remove-all).

The stack needs root (Unix accounts, setuid spawning), Debian's packages (installed by
deploy/install.sh when missing) and chromium. Without them the tests are skipped with the reason,
except under ``KEFU_REQUIRE_HUB=1`` (set by .ci/run), where they fail.
"""

from __future__ import annotations

import csv
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts"
COURSE_ID = "kefu"


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("KEFU_REQUIRE_HUB") == "1":  # set by .ci/run: CI must not skip these
        pytest.fail(f"课程服务器测试无法运行:{reason}", pytrace=False)
    pytest.skip(f"课程服务器测试已跳过:{reason}")


def _free_ports(count: int) -> list[int]:
    """Distinct free loopback ports (held open together, so no two are the same)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class Stack:
    """A running course server on loopback, and how to drive it as root."""

    base: Path                      # the temporary folder holding everything
    env: dict                       # the settings passed to every make hub-* command
    prefix: str
    url: str
    passwords: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)

    @property
    def state(self) -> Path:
        return Path(self.env["KEFU_HUB_STATE"])

    @property
    def course(self) -> Path:
        return self.state / "course"

    @property
    def exchange(self) -> Path:
        return self.state / "exchange"

    def home(self, user: str) -> Path:
        return Path(self.env["KEFU_HUB_HOME_BASE"]) / user

    def make(self, *args: str, timeout: float = 600) -> str:
        """Run ``make <args>`` in the repository with the stack's settings; its output (fails the test
        with the output when it fails)."""
        log = ARTIFACTS / "hub-make.log"
        started = time.monotonic()
        result = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), *args], env=self.env,
                                capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"\n===== {time.strftime('%H:%M:%S')} [{self.prefix}] make {' '.join(args)} -> {result.returncode} "
                         f"({time.monotonic() - started:.1f} s)\n"
                         f"{result.stdout}{result.stderr}")
        if result.returncode != 0:
            raise AssertionError(f"make {' '.join(args)} failed ({result.returncode}):\n"
                                 f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}\n{self.hub_log_tail()}")
        return result.stdout + result.stderr

    def course_command(self, command: str) -> str:
        """A course command as the grader account (make hub-course CMD=…)."""
        return self.make("hub-course", f"CMD={command}")

    def sql(self, query: str) -> list[list[str]]:
        """Rows of a query on the gradebook, read straight from Postgres (psql as the postgres user)."""
        psql = sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"))[-1]
        result = subprocess.run(
            ["runuser", "-u", "postgres", "--", str(psql), "-X", "-tA", "-F", "\t", "-v", "ON_ERROR_STOP=1",
             "-h", str(self.state / "postgres" / "run"), "-p", self.env["KEFU_HUB_PG_PORT"],
             "-d", f"{COURSE_ID}_gradebook", "-c", query],
            capture_output=True, text=True, timeout=30, cwd="/")
        assert result.returncode == 0, result.stderr
        return [line.split("\t") for line in result.stdout.splitlines() if line]

    def database_answers(self) -> bool:
        """Whether the gradebook's Postgres accepts a query right now."""
        try:
            self.sql("SELECT 1")
            return True
        except AssertionError:
            return False

    def as_user(self, user: str, *command: str) -> subprocess.CompletedProcess:
        """Run a command as one of the test accounts (what that person could do in a terminal)."""
        return subprocess.run(["runuser", "-u", user, "--", *command], capture_output=True, text=True,
                              timeout=30, cwd="/")

    def hub_log_tail(self, lines: int = 40) -> str:
        log = self.state / "hub" / "jupyterhub.log"
        if not log.exists():
            return ""
        return "jupyterhub.log:\n" + "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _check_requirements() -> None:
    if os.geteuid() != 0:
        _skip_or_fail("需要 root 权限(要创建系统账号,并以各学员身份启动服务器)。请用 sudo 运行。")
    if shutil.which("chromium") is None:
        _skip_or_fail("没有找到 chromium。安装方法:sudo apt-get install -y chromium fonts-noto-cjk")
    have_packages = (sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb")) and shutil.which("npm")
                     and Path("/usr/bin/python3").exists())
    if not have_packages and shutil.which("apt-get") is None:
        _skip_or_fail("缺少 postgresql / nodejs / npm,且本机没有 apt-get 可以安装它们。")


@pytest.fixture(scope="session")
def hub_stack(tmp_path_factory):
    """The course server with two trainees and one instructor, up for the whole session."""
    _check_requirements()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "hub-make.log").write_text("", encoding="utf-8")
    # not pytest's tmp_path (0700 under /tmp/pytest-of-root): the test accounts must reach their homes
    base = Path(tempfile.mkdtemp(prefix="kefu-hub-test-"))
    base.chmod(0o755)
    (base / "home").mkdir(mode=0o755)
    prefix = f"kt{secrets.token_hex(2)}"
    ports = dict(zip(["KEFU_HUB_PORT", "KEFU_HUB_API_PORT", "KEFU_HUB_PROXY_API_PORT", "KEFU_HUB_SERVICE_PORT",
                      "KEFU_HUB_PG_PORT"], map(str, _free_ports(5))))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEFU_")}
    env.update(ports, KEFU_HUB_STATE=str(base / "state"), KEFU_HUB_PREFIX=prefix, KEFU_HUB_IP="127.0.0.1",
               KEFU_HUB_HOME_BASE=str(base / "home"), KEFU_COURSE_ID=COURSE_ID)
    roster = base / "roster.csv"
    roster.write_text(f"username,姓名,role\n{prefix}s1,张小红,学员\n{prefix}s2,李明,学员\n{prefix}t1,王老师,讲师\n",
                      encoding="utf-8")
    stack = Stack(base=base, env=env, prefix=prefix, url=f"http://127.0.0.1:{ports['KEFU_HUB_PORT']}")
    try:
        # the software (Debian packages, /opt/kefu-hub/venv, the proxy) is installed first and not timed:
        # "from nothing" below means: stack down, accounts absent, software present
        stack.make("hub-install")
        started = time.monotonic()
        stack.make("hub-up", f"ROSTER={roster}")
        stack.timings["hub_up_s"] = round(time.monotonic() - started, 1)
        stack.timings["t0"] = started
        with (stack.state / "secrets" / "initial-passwords.csv").open(encoding="utf-8") as handle:
            stack.passwords = {row["username"]: row["password"] for row in csv.DictReader(handle)}
        yield stack
    finally:
        try:
            stack.make("hub-down")
        finally:
            # deploy/accounts.py needs only the standard library: this interpreter will do
            subprocess.run([sys.executable, str(ROOT / "deploy" / "accounts.py"), "remove-all", "--yes"],
                           env=env, capture_output=True, text=True, cwd="/")
            shutil.rmtree(base, ignore_errors=True)




@pytest.fixture(scope="session")
def hub_browser(hub_stack, shared_chromium):
    """Debian's chromium through Playwright: the session's one instance (see tests/conftest.py)."""
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    return shared_chromium
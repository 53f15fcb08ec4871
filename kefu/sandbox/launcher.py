"""Start the zygote inside a bubblewrap sandbox, and talk to it.

The sandbox (Debian's ``bubblewrap``) gives the learner's code:
- a read-only view of only the system, the Python environment, the ``kefu``
  package and the public ``data/`` folder, wherever they live (see
  ``kefu.sandbox.mounts``): no ``source/``, no gradebook, no other submission,
  no home folders;
- a private, size-limited ``/tmp`` (its only writable place), wiped between
  submissions;
- no network (a private loopback), its own PID, IPC and UTS namespaces;
- an unprivileged user id with no capabilities, with limits on memory,
  processes, open files and file size; CPU time per submission.

When started by root, bubblewrap sets up the mounts as root and the zygote
drops to an unprivileged uid of its own (one per grading worker) before any
learner code runs; that uid makes the process limit effective. Without
bubblewrap, grading refuses to start unless the instructor explicitly accepts
running learner code unprotected (``Sandbox(require=False)``), and then it
says so loudly.
"""

from __future__ import annotations

import atexit
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import KefuError
from .mounts import MountPlan, check_mounts, explain_failure, module_spec, plan_mounts
from .protocol import ChannelClosed, ChannelTimeout, receive, send

PRELOAD = ("pandas", "numpy", "IPython", "ipywidgets", "kefu", "kefu.widgets", "kefu.checks",
           "matplotlib", "matplotlib.pyplot", "matplotlib_inline.backend_inline")
UID_BASE = 61000
ETC_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/etc/fonts", "/etc/alternatives", "/etc/mime.types")


class SandboxUnavailable(KefuError):
    """The machine lacks what the sandbox needs."""


@dataclass
class Limits:
    """Resource limits of one learner's process (seconds, bytes, counts)."""

    cell_seconds: float = 60.0
    notebook_seconds: float = 300.0
    memory_bytes: int = 2 * 1024 ** 3
    tmp_bytes: int = 256 * 1024 ** 2
    file_bytes: int = 64 * 1024 ** 2
    processes: int = 64
    open_files: int = 256
    output_chars: int = 1_000_000


@dataclass
class Protection:
    """What protects the grader on this machine, for the grading summary."""

    sandboxed: bool
    details: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


# The zygote's first step inside the sandbox: import kefu from the grader's own package folder (given in
# KEFU_SANDBOX_PATH), whatever the environment's .pth files say, then serve. ``-I`` keeps PYTHON* variables,
# the user site and the current folder out of sys.path.
BOOTSTRAP = ("import json, os, sys; sys.path[:0] = json.loads(os.environ['KEFU_SANDBOX_PATH']); "
             "from kefu.sandbox.zygote import main; sys.exit(main())")


def bwrap_command(python: str, fd: int, limits: Limits, *, as_root: bool, plan: MountPlan | None = None) -> list[str]:
    plan = plan or plan_mounts()
    cmd = [bwrap_path(), "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
           "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    if as_root:
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        cmd += ["--unshare-user"]
    cmd += ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "sbin"):
        top = Path("/") / name
        if top.is_symlink():
            cmd += ["--symlink", os.readlink(top), str(top)]
        elif top.is_dir():
            cmd += ["--ro-bind", str(top), str(top)]
    for item in ETC_FILES:
        if Path(item).exists():
            cmd += ["--ro-bind", item, item]
    cmd += ["--proc", "/proc", "--dev", "/dev"]
    cmd += ["--perms", "1777", "--size", str(limits.tmp_bytes), "--tmpfs", "/tmp"]
    cmd += plan.bwrap_args()
    # The sandbox's own root (where the parents of the binds were made) becomes read-only: no learner can
    # leave a module there for the next one to import. /tmp, /proc and /dev are mounts of their own.
    cmd += ["--remount-ro", "/"]
    cmd += ["--chdir", "/tmp", "--", python, "-I", "-c", BOOTSTRAP, str(fd), "--pid-namespace"]
    return cmd


def _environment(limits: Limits, drop_to: int | None, plan: MountPlan) -> dict:
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": "/tmp/home",
           "IPYTHONDIR": "/tmp/ipython", "MPLCONFIGDIR": "/tmp/mpl", "MPLBACKEND": "agg",
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8", "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "KEFU_SANDBOX_WORK": "/tmp/work",
           "KEFU_SANDBOX_PRELOAD": ",".join(PRELOAD), "KEFU_SANDBOX_CPU": str(int(limits.notebook_seconds)),
           "KEFU_SANDBOX_PATH": json.dumps(plan.python_path), "KEFU_SANDBOX_KEEP": json.dumps(plan.kept_under_tmp()),
           # the same data folder as the grader's, whichever of kefu's candidate folders it came from
           "KEFU_DATA_DIR": plan.data_dir,
           "TZ": os.environ.get("TZ", "Asia/Shanghai")}
    if drop_to is not None:
        env["KEFU_SANDBOX_DROP_TO"] = str(drop_to)
    return env


def _rlimits(limits: Limits, processes: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    return apply


def _processes_of_this_user() -> int:
    """Tasks (processes and threads: what RLIMIT_NPROC counts) the current user runs now."""
    uid = os.getuid()
    count = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.stat(f"/proc/{pid}").st_uid == uid:
                count += len(os.listdir(f"/proc/{pid}/task"))
        except OSError:
            pass
    return count


class Sandbox:
    """One zygote (one per grading worker); forks a fresh learner process per submission."""

    def __init__(self, limits: Limits | None = None, *, require: bool = True):
        self.limits = limits or Limits()
        self.require = require
        self.process: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self.warmed: set[str] = set()
        self.pruned = 0  # processes the learner had started, killed at the last interrupt
        self.protection = self._protection()

    def _protection(self) -> Protection:
        lim = self.limits
        common = [f"每个单元格最长 {lim.cell_seconds:g} 秒,每份作业最长 {lim.notebook_seconds:g} 秒",
                  f"内存 {lim.memory_bytes // 1024 ** 2} MiB,临时文件 {lim.tmp_bytes // 1024 ** 2} MiB,"
                  f"单个文件 {lim.file_bytes // 1024 ** 2} MiB,进程 {lim.processes} 个,"
                  f"每个单元格输出 {lim.output_chars} 个字符",
                  "隐藏测试在评分进程中运行,学员代码只能以纯数据交出答案"]
        if bwrap_path():
            who = "独立的非特权用户" if os.geteuid() == 0 else "当前用户(非 root 运行,进程数限制与该用户的其他进程共享)"
            return Protection(True, ["沙箱:bubblewrap(只读系统、看不到 source/、成绩簿和其他学员的作业,"
                                     "无网络,独立进程空间)", f"学员代码以{who}身份运行"] + common)
        warning = ("⚠ 没有找到 bubblewrap(bwrap),学员代码不在沙箱中运行:它能读写评分账户可以访问的所有文件"
                   "(包括 source/ 和成绩簿)并访问网络。请安装:apt-get install bubblewrap")
        return Protection(False, common, [warning])

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> None:
        if self.process is not None and self.process.poll() is None:
            return
        plan = plan_mounts()
        python = sys.executable
        sandboxed = bwrap_path() is not None
        if sandboxed:
            as_root = os.geteuid() == 0
            drop_to = UID_BASE + os.getpid() % 4000 if as_root else None
            processes = self.limits.processes if as_root else _processes_of_this_user() + self.limits.processes
            problems = check_mounts(plan, dropped_uid=as_root)
            if problems:
                raise SandboxUnavailable("评分沙箱无法启动:" + ";".join(problems) + "。")
        elif self.require:
            raise SandboxUnavailable(self.protection.warnings[0] + "。如果确实要在没有沙箱的情况下评分,"
                                     "请加上 --no-sandbox(不推荐)。")
        else:
            drop_to = None
            processes = _processes_of_this_user() + self.limits.processes
        ours, theirs = socket.socketpair()
        env = _environment(self.limits, drop_to, plan)
        if sandboxed:
            cmd = bwrap_command(python, theirs.fileno(), self.limits, as_root=as_root, plan=plan)
            env["KEFU_SANDBOX_PRIVATE_TMP"] = "1"
        else:
            cmd = [python, "-I", "-c", BOOTSTRAP, str(theirs.fileno())]
            private = _private_work_dir()
            env.update({"HOME": private + "/home", "KEFU_SANDBOX_WORK": private + "/work",
                        "IPYTHONDIR": private + "/ipython", "MPLCONFIGDIR": private + "/mpl"})
        self.process = subprocess.Popen(cmd, pass_fds=[theirs.fileno()], env=env, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        preexec_fn=_rlimits(self.limits, processes), start_new_session=True)
        theirs.close()
        self.control = ours
        try:
            hello = receive(ours, timeout=60)
        except (ChannelClosed, ChannelTimeout) as exc:
            detail = self._stderr_tail()
            self.stop()
            cause = explain_failure(detail, plan)
            if cause:
                raise SandboxUnavailable(f"评分沙箱启动失败:{cause}。") from None
            raise SandboxUnavailable(f"评分沙箱启动失败({type(exc).__name__}):{detail[-800:] or '没有错误输出'}。"
                                     "请确认 bubblewrap 可用(bwrap --version)。") from None
        if not hello.get("ready"):
            self.stop()
            raise SandboxUnavailable(f"评分沙箱启动失败:{hello}")
        broken = {name: error for name, error in (hello.get("preload_failed") or {}).items()
                  if module_spec(name) is not None}  # the grader has it, so the learner's process must too
        if broken:
            self.stop()
            name, error = next(iter(broken.items()))
            cause = explain_failure(error, plan) or error
            raise SandboxUnavailable(f"评分沙箱启动失败:沙箱内无法导入 {', '.join(broken)}(评分进程可以导入):"
                                     f"{cause}。")

    def _stderr_tail(self) -> str:
        if self.process is None or self.process.stderr is None:
            return ""
        try:
            self.process.wait(timeout=2)
            return self.process.stderr.read().decode("utf-8", "replace")[-4000:].strip()
        except subprocess.TimeoutExpired:
            return ""

    def warm_up(self, key: str, cells: list[str]) -> None:
        """Once per zygote and ``key`` (an assignment): run its public release cells before forking."""
        self.start()
        if key in self.warmed:
            return
        try:
            send(self.control, {"op": "warmup", "cells": cells})
            receive(self.control, timeout=120)
            self.warmed.add(key)
        except (OSError, ChannelClosed, ChannelTimeout):
            self.stop()  # a failed warm-up only costs speed; the next spawn starts a fresh zygote

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def spawn(self) -> socket.socket:
        """A socket connected to a freshly forked learner process."""
        for attempt in (1, 2):
            self.start()
            try:
                send(self.control, {"op": "spawn"})
                msg, fds, _flags, _addr = socket.recv_fds(self.control, 16, 1)
                if msg != b"S" or len(fds) != 1:
                    raise ChannelClosed("zygote did not hand over a process")
                receive(self.control, timeout=10)
                return socket.socket(fileno=fds[0])
            except (OSError, ChannelClosed, ChannelTimeout):
                self.stop()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def interrupt(self) -> bool:
        """Send SIGINT to the current learner process (a KeyboardInterrupt, as Jupyter's interrupt button).

        Any other process the learner started (a fork bomb, a daemon) is killed at the same moment.
        """
        if not self.alive():
            return False
        try:
            send(self.control, {"op": "interrupt"})
            reply = receive(self.control, timeout=30)
            self.pruned = int(reply.get("pruned") or 0)
            return bool(reply.get("interrupted"))
        except (OSError, ChannelClosed, ChannelTimeout):
            self.stop()
            return False

    def reap(self) -> dict:
        """Kill what is left of the last learner process; how it ended."""
        if not self.alive():
            self.stop()
            return {"sandbox_died": True}
        try:
            send(self.control, {"op": "reap"})
            reply = receive(self.control, timeout=30)
            return reply.get("exit", {})
        except (OSError, ChannelClosed, ChannelTimeout):
            self.stop()
            return {"sandbox_died": True}

    def stop(self) -> None:
        if self.control is not None:
            try:
                self.control.close()
            except OSError:
                pass
            self.control = None
        self.warmed = set()
        if self.process is not None:
            if self.process.poll() is None:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    self.process.kill()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            if self.process.stderr:
                self.process.stderr.close()
            self.process = None


def _private_work_dir() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="kefu-unsandboxed-")


_shared: Sandbox | None = None


def shared_sandbox(limits: Limits | None = None, *, require: bool = True) -> Sandbox:
    """The sandbox of this process (one per grading worker), started on first use."""
    global _shared
    if _shared is None or (limits is not None and _shared.limits != limits) or _shared.require != require:
        if _shared is None:
            atexit.register(lambda: _shared and _shared.stop())
        else:
            _shared.stop()
        _shared = Sandbox(limits, require=require)
    return _shared

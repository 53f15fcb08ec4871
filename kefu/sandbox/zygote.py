"""The pre-warmed parent inside the sandbox: imports the course's libraries once, forks one process per submission.

Starting Python, IPython and pandas costs about a second; a fork costs a few
milliseconds. The zygote pays the imports once per grading worker, then for
each submission forks a fresh learner process (``kefu.sandbox.child``) and
hands the grader a private socket to it. It never receives a submission
itself. After each submission it kills every other process in the sandbox's
PID namespace (daemons and fork bombs included) and wipes the writable
folders, so nothing of one learner is visible to the next.

Started by ``kefu.sandbox.launcher`` (``python -I -c BOOTSTRAP FD [--pid-namespace]``,
which first puts the grader's own kefu on ``sys.path``), where FD is the
control socket inherited from the grader.
"""

from __future__ import annotations

import ctypes
import importlib
import json
import os
import resource
import shutil
import signal
import socket
import sys
import time
from pathlib import Path

from .protocol import ChannelClosed, receive, send

PR_SET_DUMPABLE = 4
BROKE_ITSELF = 70  # exit code of a learner process whose request loop the learner's code broke
WORK = Path(os.environ.get("KEFU_SANDBOX_WORK", "/tmp/work"))
KEEP = json.loads(os.environ.get("KEFU_SANDBOX_KEEP") or "[]")  # binds under /tmp, which the wipe spares


def _preload() -> dict:
    """Import the course's libraries once; the ones that failed, with the error (the grader decides if it matters)."""
    failed = {}
    for name in filter(None, os.environ.get("KEFU_SANDBOX_PRELOAD", "").split(",")):
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - reported: fatal only if the grader itself has the library
            failed[name] = f"{type(exc).__name__}: {exc}"[:2000]
    return failed


def _not_dumpable() -> None:
    """Learner processes share our uid; this keeps them from ptrace-ing or reading our memory."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _wipe() -> None:
    """Remove what the last learner wrote: the work folder and, in the sandbox, all of /tmp.

    A course or environment that lives under /tmp is bound read-only into the private /tmp; those binds
    (KEFU_SANDBOX_KEEP) and the folders above them stay, everything else under /tmp goes.
    """
    shutil.rmtree(WORK, ignore_errors=True)
    if os.environ.get("KEFU_SANDBOX_PRIVATE_TMP") == "1":
        _clear(Path("/tmp"), KEEP)
        Path(os.environ["HOME"]).mkdir(parents=True, exist_ok=True)


def _clear(folder: Path, keep: list) -> None:
    for entry in folder.iterdir():
        name = str(entry)
        if name in keep:
            continue
        if any(k.startswith(name + "/") for k in keep) and entry.is_dir() and not entry.is_symlink():
            _clear(entry, keep)
        elif entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            try:
                entry.unlink()
            except OSError:
                pass


def _drop_privileges() -> None:
    """Started by root: become the worker's own unprivileged uid before any learner code exists."""
    uid = os.environ.get("KEFU_SANDBOX_DROP_TO")
    if not uid:
        return
    os.setgroups([])
    os.setgid(int(uid))
    os.setuid(int(uid))
    if os.getuid() != int(uid) or os.geteuid() != int(uid):
        raise SystemExit("could not drop privileges")
    with open("/proc/self/status", encoding="ascii") as handle:
        effective = next(line for line in handle if line.startswith("CapEff:")).split()[1]
    if int(effective, 16) != 0:
        raise SystemExit("capabilities left after dropping privileges")


def _kill_everything_else(own_namespace: bool, child: int) -> None:
    try:
        os.killpg(child, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        os.kill(child, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if not own_namespace:
        return
    # kill(-1) reaches every process we may signal except ourselves and the namespace's init:
    # here, inside our own PID namespace, that is exactly what the learner left behind.
    for _ in range(50):
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            return
        time.sleep(0.005)
        if not _live_processes(keep=()):
            return


def _live_processes(keep) -> list[int]:
    """Processes in our PID namespace that are not zombies, besides its init, ourselves and ``keep``."""
    spared = {1, os.getpid(), *keep}
    return [int(p) for p in os.listdir("/proc")
            if p.isdigit() and int(p) not in spared and _state(p) not in ("Z", "X", None)]


def _collect_exited_children() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _prune(own_namespace: bool, child: int) -> int:
    """Kill every process the learner started besides its main process (fork bombs, daemons); how many."""
    if not own_namespace:
        return 0
    killed = 0
    for _ in range(50):
        others = _live_processes(keep=(child,))
        if not others:
            break
        for pid in others:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
        time.sleep(0.005)
    _collect_exited_children()
    return killed


def _state(pid: str) -> str | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0].decode()
    except (OSError, IndexError):
        return None


def _warm_up(shell, cells: list) -> None:
    """Run an assignment's public release code once, so every fork starts with its lazy imports done.

    Only the student version's cells (instructor code, no answers) ever run here, never a submission.
    Their namespace is dropped afterwards; modules and caches they loaded stay warm for the forks.
    """
    WORK.mkdir(parents=True, exist_ok=True)
    previous = os.getcwd()
    os.chdir(WORK)
    try:
        for code in cells:
            if isinstance(code, str):
                shell.run(code, limit=10_000)
    finally:
        os.chdir(previous)
    shell.reset(new_session=False)
    _wipe()


def _exit_status(status: int) -> dict:
    if os.WIFSIGNALED(status):
        return {"signal": os.WTERMSIG(status)}
    return {"code": os.WEXITSTATUS(status)}


def _spawn(control: socket.socket, shell, cpu_seconds: int) -> int:
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:  # the learner's process
        try:
            control.close()
            ours.close()
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the learner process takes interrupts only while it runs learner code
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
            from .child import run_child

            run_child(theirs, shell)
        except BaseException:  # the learner broke the machinery of its own process (e.g. patched builtins)
            os._exit(BROKE_ITSELF)
        finally:
            os._exit(0)
    theirs.close()
    socket.send_fds(control, [b"S"], [ours.fileno()])
    ours.close()
    send(control, {"pid": pid})
    return pid


def _reap(child: int, own_namespace: bool) -> dict:
    _kill_everything_else(own_namespace, child)
    status = {"code": None}
    try:
        _, raw = os.waitpid(child, 0)
        status = _exit_status(raw)
    except ChildProcessError:
        pass
    _collect_exited_children()
    _wipe()
    return status


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    control = socket.socket(fileno=int(argv[0]))
    own_namespace = "--pid-namespace" in argv and os.getpid() <= 3
    _drop_privileges()
    cpu_seconds = int(os.environ.get("KEFU_SANDBOX_CPU", "300"))
    failed = _preload()
    from .shell import CapturingShell

    shell = CapturingShell.instance()
    shutil.rmtree(os.environ.get("IPYTHONDIR", "/nonexistent"), ignore_errors=True)
    _not_dumpable()
    _wipe()
    send(control, {"ready": True, "pid": os.getpid(), "own_namespace": own_namespace, "preload_failed": failed})
    child = None
    while True:
        try:
            request = receive(control)
        except ChannelClosed:
            return 0
        op = request.get("op")
        if op == "spawn" and child is None:
            child = _spawn(control, shell, cpu_seconds)
        elif op == "reap" and child is not None:
            send(control, {"exit": _reap(child, own_namespace)})
            child = None
        elif op == "interrupt":
            delivered = False
            if child is not None:
                try:
                    os.kill(child, signal.SIGINT)
                    delivered = True
                except ProcessLookupError:
                    pass
            pruned = _prune(own_namespace, child) if delivered else 0
            send(control, {"interrupted": delivered, "pruned": pruned})
        elif op == "warmup" and child is None:
            _warm_up(shell, request.get("cells") or [])
            send(control, {"warm": True})
        elif op == "quit":
            return 0
        else:
            send(control, {"error": f"unexpected {op!r}"})


if __name__ == "__main__":
    sys.exit(main())

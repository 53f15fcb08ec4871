"""What the grading sandbox shows of this machine, wherever the course and its Python environment live.

The learner's process needs exactly what the grader itself runs on: the
interpreter, the standard library, the environment's site-packages, the very
``kefu`` package the grader imported and the public data folder. They may be
anywhere: a checkout under ``/tmp`` (which the sandbox replaces by a private
tmpfs), a path with spaces or Chinese characters, a symlinked folder, a venv in
``~/.cache`` with kefu installed from another checkout, or kefu installed as a
plain wheel. Each is bound read-only at its own path (and, if that differs, at
its resolved path), its parent folders are created world-traversable, and the
zygote puts the kefu package's own parent first on ``sys.path``, so the
sandbox imports the same files the grader did. Nothing else is bound: not the
course folder, its ``source/``, the gradebook or any submission (a
submission's files reach the sandbox as copies, over the control socket).

:func:`plan_mounts` computes the plan; :func:`check_mounts` says, in Chinese,
which needed path is missing or unreadable before bubblewrap starts;
:func:`explain_failure` turns what a failed start printed into a sentence that
names the real cause.
"""

from __future__ import annotations

import importlib.util
import os
import re
import site
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Mounted by the sandbox itself (read-only /usr, fresh /proc and /dev); a path under them needs no bind.
SYSTEM_MOUNTS = ("/usr", "/proc", "/dev")
# Replaced by a private tmpfs: paths under it must be bound after it, and survive the wipe between learners.
PRIVATE_TMP = "/tmp"


@dataclass(frozen=True)
class Need:
    """One path the learner's process needs, and what it is (for messages)."""

    path: Path
    what: str


@dataclass
class MountPlan:
    """Read-only binds (each at its own path), the parents to create, and the zygote's first sys.path entries."""

    binds: list[Need] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    python_path: list[str] = field(default_factory=list)
    data_dir: str = ""

    def bwrap_args(self) -> list[str]:
        """bubblewrap arguments for these binds; they must come after ``--tmpfs /tmp``."""
        args: list[str] = []
        made: set[str] = set()
        for need in self.binds:
            for parent in _ancestors(str(need.path)):
                if parent in self.parents and parent not in made:
                    args += ["--perms", "0755", "--dir", parent]
                    made.add(parent)
            args += ["--ro-bind", str(need.path), str(need.path)]
        return args

    def kept_under_tmp(self) -> list[str]:
        """Bound paths under /tmp: the zygote's wipe clears /tmp around them, never inside them."""
        return [str(n.path) for n in self.binds if _under(str(n.path), PRIVATE_TMP)]


def _under(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip("/") + "/")


def _ancestors(path: str) -> list[str]:
    parts = Path(path).parts[1:-1]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


def _absolute(path) -> Path:
    return Path(os.path.abspath(os.fspath(path)))


def _kefu_package() -> Path:
    import kefu

    return _absolute(Path(kefu.__file__).parent)


def needed_paths() -> list[Need]:
    """Everything the grader runs on, as imported and as resolved (symlinks followed)."""
    from .._paths import data_dir

    package = _kefu_package()
    needs = [Need(_absolute(sys.executable), "Python 解释器"),
             Need(_absolute(sys.base_prefix), "Python 标准库"),
             Need(_absolute(sys.prefix), "Python 虚拟环境"),
             Need(package, "kefu 软件包"),
             Need(_absolute(data_dir()), "课程数据 data/")]
    for folder in site.getsitepackages() + [site.getusersitepackages()]:
        if folder in sys.path and os.path.isdir(folder):
            needs.append(Need(_absolute(folder), "Python 的 site-packages"))
    resolved = [Need(n.path.resolve(), n.what) for n in needs]
    return needs + resolved


def plan_mounts() -> MountPlan:
    """The binds for this grader: each needed path once, unless a bound folder above it already shows it."""
    needs: dict[str, Need] = {}
    for need in needed_paths():
        key = str(need.path)
        if key != "/" and not any(_under(key, top) for top in SYSTEM_MOUNTS):
            needs.setdefault(key, need)
    keys = sorted(needs)
    kept = [k for k in keys if not any(k != other and _under(k, other) for other in keys)]
    plan = MountPlan(binds=[needs[k] for k in kept])
    # Parents on the sandbox's fresh root or its tmpfs are created, mode 0755: bubblewrap would make them 0700,
    # which the unprivileged learner uid cannot enter. Parents inside /usr, /proc or /dev already exist.
    plan.parents = sorted({p for k in kept for p in _ancestors(k)
                           if p != PRIVATE_TMP and not any(_under(p, top) for top in SYSTEM_MOUNTS)})
    package = _kefu_package()
    plan.python_path = [str(package.parent)]
    user_site = site.getusersitepackages()
    if user_site in sys.path and os.path.isdir(user_site):  # -I drops the user site; the grader uses it
        plan.python_path.append(user_site)
    from .._paths import data_dir

    plan.data_dir = str(_absolute(data_dir()))
    return plan


def check_mounts(plan: MountPlan, *, dropped_uid: bool) -> list[str]:
    """Problems (Chinese sentences) that would stop the sandbox; empty when every bind can be made and read."""
    problems = []
    for need in plan.binds:
        path = need.path
        if not os.path.lexists(path):
            problems.append(f"{need.what} {path} 不存在(评分进程从这里导入,但它已被移动或删除);"
                            "请重新安装环境(make install)后再评分")
            continue
        if not dropped_uid:
            continue
        unreadable = _unreadable_by_others(path)
        if unreadable:
            problems.append(f"{need.what} {unreadable} 其他用户无法读取(权限 {_mode(unreadable)}),"
                            f"而沙箱里的学员进程以独立的非特权用户运行;请执行 chmod -R a+rX '{path}'")
    return problems


def _mode(path: str) -> str:
    return oct(stat.S_IMODE(os.stat(path).st_mode))[2:].rjust(4, "0")


def _unreadable_by_others(path: Path) -> str | None:
    """The bound path itself, or a file the zygote imports first from it, that 'other' users cannot read."""
    probes = [path]
    if path.is_dir():
        probes += [path / "__init__.py", path / "sandbox" / "zygote.py"]
    for probe in probes:
        try:
            mode = os.stat(probe).st_mode
        except OSError:
            continue
        wanted = (stat.S_IROTH | stat.S_IXOTH) if stat.S_ISDIR(mode) else stat.S_IROTH
        if mode & wanted != wanted:
            return str(probe)
    return None


_BWRAP_LINE = re.compile(r"^bwrap: (.+)$", re.M)
_MISSING_MODULE = re.compile(r"ModuleNotFoundError: No module named '([^']+)'")
_DENIED = re.compile(r"PermissionError: \[Errno 13\] Permission denied: '([^']+)'")


def explain_failure(stderr: str, plan: MountPlan) -> str | None:
    """One Chinese sentence naming why the sandbox did not start, from what bubblewrap or the zygote printed."""
    bwrap = _BWRAP_LINE.search(stderr)
    if bwrap:
        line = bwrap.group(1)
        if "namespace" in line.lower() and "permission" in line.lower() or "No permissions" in line:
            return (f"bubblewrap 不能创建命名空间({line});这台机器不允许非特权用户使用用户命名空间。"
                    "请以 root 运行评分,或开启 sysctl kernel.unprivileged_userns_clone=1")
        path = re.search(r"(/[^:]+)", line)
        where = f"路径 {path.group(1)}" if path else "某个路径"
        return f"bubblewrap 无法挂载{where}:{line}"
    denied = _DENIED.search(stderr)
    if denied:
        return (f"沙箱里的学员进程读不到 {denied.group(1)}(权限不足);它以独立的非特权用户运行,"
                "请让该路径对所有用户可读:chmod -R a+rX <环境或课程的路径>")
    missing = _MISSING_MODULE.search(stderr)
    if missing:
        name = missing.group(1)
        spec = module_spec(name)
        origin = spec.origin if spec is not None and spec.origin else None
        bound = ", ".join(str(n.path) for n in plan.binds)
        where = f"评分进程从 {origin} 导入它" if origin else "评分进程自己也找不到它"
        return f"沙箱内无法导入 {name}({where});沙箱挂载了:{bound}"
    return None


def module_spec(name: str):
    """Where the grader would import ``name`` from (None when it cannot)."""
    try:
        return importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None

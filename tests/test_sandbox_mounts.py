"""What the grading sandbox binds, wherever the course and its environment live (kefu/sandbox/mounts.py)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from kefu.sandbox import mounts
from kefu.sandbox.launcher import Limits, Sandbox, SandboxUnavailable, bwrap_path
from kefu.sandbox.mounts import MountPlan, Need, check_mounts, explain_failure, plan_mounts
from kefu.sandbox.protocol import receive, send

needs_bwrap = pytest.mark.skipif(bwrap_path() is None, reason="bubblewrap (bwrap) is not installed")


def fake_needs(monkeypatch, *paths: str) -> None:
    monkeypatch.setattr(mounts, "needed_paths", lambda: [Need(Path(p), f"路径{i}") for i, p in enumerate(paths)])


def test_plan_binds_each_path_once_creates_open_parents_and_keeps_tmp_binds(monkeypatch):
    fake_needs(monkeypatch, "/tmp/新 课程/kefu 实训/.venv", "/tmp/新 课程/kefu 实训/.venv/lib/python3.11/site-packages",
               "/tmp/新 课程/kefu 实训/kefu", "/usr/lib/python3.11", "/opt/py/3.11", "/opt/py/3.11")
    plan = plan_mounts()
    assert [str(n.path) for n in plan.binds] == ["/opt/py/3.11", "/tmp/新 课程/kefu 实训/.venv",
                                                 "/tmp/新 课程/kefu 实训/kefu"]
    # parents on the fresh root and the private /tmp are made 0755 (bubblewrap would make them 0700);
    # /tmp itself keeps its 1777 and nothing is made inside /usr
    assert plan.parents == ["/opt", "/opt/py", "/tmp/新 课程", "/tmp/新 课程/kefu 实训"]
    assert plan.kept_under_tmp() == ["/tmp/新 课程/kefu 实训/.venv", "/tmp/新 课程/kefu 实训/kefu"]
    args = plan.bwrap_args()
    assert args[:8] == ["--perms", "0755", "--dir", "/opt", "--perms", "0755", "--dir", "/opt/py"]
    assert args.index("/tmp/新 课程/kefu 实训") < args.index("/tmp/新 课程/kefu 实训/.venv")  # parent, then the bind
    assert args.count("--dir") == 4 and args.count("--ro-bind") == 3


def test_the_real_plan_holds_the_grader_s_own_kefu_and_never_the_course_folder():
    import kefu

    plan = plan_mounts()
    bound = {str(n.path) for n in plan.binds}
    package = os.path.abspath(os.path.dirname(kefu.__file__))
    assert package in bound or any(package.startswith(b + "/") for b in bound)
    assert plan.python_path[0] == os.path.dirname(package)
    course = Path(package).parent
    assert str(course) not in bound and str(course / "source") not in bound


def test_a_missing_path_is_named_with_what_it_is(tmp_path):
    gone = tmp_path / "被删掉的 venv"
    plan = MountPlan(binds=[Need(gone, "Python 虚拟环境")])
    assert check_mounts(plan, dropped_uid=False) == [
        f"Python 虚拟环境 {gone} 不存在(评分进程从这里导入,但它已被移动或删除);请重新安装环境(make install)后再评分"]


def test_a_path_the_unprivileged_learner_cannot_read_is_named_with_the_fix(tmp_path):
    package = tmp_path / "kefu"
    package.mkdir()
    (package / "__init__.py").write_text("")
    package.chmod(0o700)
    plan = MountPlan(binds=[Need(package, "kefu 软件包")])
    assert check_mounts(plan, dropped_uid=False) == []  # the learner runs as this user: it can read it
    assert check_mounts(plan, dropped_uid=True) == [
        f"kefu 软件包 {package} 其他用户无法读取(权限 0700),而沙箱里的学员进程以独立的非特权用户运行;"
        f"请执行 chmod -R a+rX '{package}'"]


@pytest.mark.parametrize("stderr, expected", [
    ("bwrap: Can't mkdir /srv/x: Permission denied", "bubblewrap 无法挂载路径 /srv/x:Can't mkdir /srv/x: Permission denied"),
    ("bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged "
     "user namespaces", "bubblewrap 不能创建命名空间"),
    ("Traceback …\nPermissionError: [Errno 13] Permission denied: '/home/u/venv/lib/python3.11/site.py'",
     "沙箱里的学员进程读不到 /home/u/venv/lib/python3.11/site.py(权限不足)"),
    ("Traceback …\nModuleNotFoundError: No module named 'kefu.sandbox'", "沙箱内无法导入 kefu.sandbox(评分进程从 "),
])
def test_a_failed_start_is_explained_by_its_real_cause(stderr, expected):
    plan = MountPlan(binds=[Need(Path("/opt/venv"), "Python 虚拟环境")])
    assert explain_failure(stderr, plan).startswith(expected)


@needs_bwrap
def test_the_sandbox_refuses_to_start_naming_a_needed_path_that_is_gone(monkeypatch):
    real = mounts.needed_paths
    monkeypatch.setattr(mounts, "needed_paths", lambda: real() + [Need(Path("/nonexistent/kefu-venv"), "Python 虚拟环境")])
    box = Sandbox(Limits(cell_seconds=5, notebook_seconds=20))
    with pytest.raises(SandboxUnavailable, match="Python 虚拟环境 /nonexistent/kefu-venv 不存在"):
        box.start()
    assert box.process is None


@needs_bwrap
def test_binds_under_tmp_survive_the_wipe_between_learners_and_nothing_else_does(monkeypatch):
    folder = Path(tempfile.mkdtemp(prefix="kefu-bind-", dir="/tmp"))
    try:
        (folder / "pkg").mkdir()
        (folder / "pkg" / "keep.txt").write_text("kept")
        folder.chmod(0o755)
        real = mounts.needed_paths
        monkeypatch.setattr(mounts, "needed_paths", lambda: real() + [Need(folder / "pkg", "测试目录")])
        box = Sandbox(Limits(cell_seconds=5, notebook_seconds=20, processes=32))
        try:
            probe = (f"import os\nprint(open({str(folder / 'pkg' / 'keep.txt')!r}).read(), "
                     f"sorted(os.listdir({str(folder)!r})), os.path.exists('/tmp/junk'), "
                     f"os.path.exists({str(folder / 'mine')!r}))\n")
            sock = box.spawn()
            send(sock, {"op": "run", "code": probe + "open('/tmp/junk', 'w').write('x')\n"
                                                       f"try:\n    open({str(folder / 'mine')!r}, 'w')\n"
                                                       "except OSError:\n    pass\n"})
            first = receive(sock, timeout=10)
            sock.close()
            box.reap()
            sock = box.spawn()
            send(sock, {"op": "run", "code": probe})
            second = receive(sock, timeout=10)
            sock.close()
            box.reap()
        finally:
            box.stop()
        text = ["".join(o.get("text", "") for o in r["outputs"] if o["output_type"] == "stream").strip()
                for r in (first, second)]
        assert text == ["kept ['pkg'] False False", "kept ['pkg'] False False"]
    finally:
        os.chmod(folder, 0o700)
        import shutil

        shutil.rmtree(folder, ignore_errors=True)

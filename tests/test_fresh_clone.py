"""A fresh clone works wherever a user puts it and whoever runs it (issue 15).

Each case copies the repository as a clone holds it (tracked and new files, nothing ignored: no .venv, no
gradebook) to another place, installs it the way the README says (``make install``, the first step of
``make lab``), builds the release and grades two submissions of m01_role in that folder: the solutions
(every automatic point) and the untouched release (0). The places are the ones where a green CI run in the
developers' own checkout proved nothing:

- under /tmp, which the grading sandbox replaces with a private tmpfs;
- a path with spaces and Chinese characters (also through the Makefile's own recipes);
- kefu installed as a plain wheel in a venv in a home folder outside the course, the course folder reached
  through a symbolic link and holding another copy of kefu (graded by ``nbgrader autograde`` too, which puts
  the course folder first on ``sys.path``);
- a plain (non-root) user's home folder, with Debian's python3 (as root, a throw-away account is made).

Each install takes about 40 s; the environments are deleted afterwards.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow

ASSIGNMENT = "m01_role"
PLAIN_USER = "kefu-newcomer"

# Run inside the copy's own environment: put the solutions and the blank release into submitted/.
SUBMIT = f"""
import shutil, sys
from pathlib import Path
from kefu.answers import submit_key
course, a = Path(sys.argv[1]), {ASSIGNMENT!r}
for student, folder in (("solution", course / "source" / a), ("blank", course / "release" / a)):
    dest = course / "submitted" / student / a
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(folder, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.key.json"))
submit_key(course / "source" / a, course / "submitted" / "solution" / a)
"""

# Run inside the copy's own environment: the automatic scores as the gradebook has them.
SCORES = f"""
import json, sys
from pathlib import Path
from kefu.course.gradebook import submission_scores
from kefu.course.nbgrader_api import open_api
rows = submission_scores(open_api(Path(sys.argv[1])), {ASSIGNMENT!r})
print(json.dumps({{r.student: [r.auto_score, r.auto_max] for r in rows}}))
"""


def repository_files() -> list[str]:
    """What a clone of the current work holds: tracked files and new ones that are not ignored."""
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                         check=True, capture_output=True).stdout.decode()
    return [name for name in out.split("\0") if name and (ROOT / name).is_file()]


def clone_to(target: Path) -> Path:
    for name in repository_files():
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest)
    return target


def user_env(home: str, extra_path: list[str] = ()) -> dict:
    """A login-like environment: no KEFU_* setting, no test venv on PATH (pip's own settings pass)."""
    outer = [p for p in os.environ.get("PATH", "").split(os.pathsep)
             if p and not p.startswith(sys.prefix) and not p.startswith(str(ROOT))]
    env = {"PATH": os.pathsep.join([*extra_path, *outer] or ["/usr/bin", "/bin"]), "HOME": home,
           "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    env.update({k: v for k, v in os.environ.items() if k.startswith("PIP_") or k.lower().endswith("_proxy")})
    return env


def run(cmd: list[str], cwd: Path, env: dict, user: str | None = None, timeout: float = 900) -> str:
    if user is not None:
        cmd = ["runuser", "-u", user, "--", "env", "-i", *[f"{k}={v}" for k, v in env.items()], *cmd]
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd[-6:])} failed in {cwd} (exit {proc.returncode}):\n"
                             f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc.stdout


def grade_and_check(course: Path, bin_dir: Path, env: dict, *, user: str | None = None,
                    with_nbgrader: bool = False) -> None:
    """Submit solution + blank release, grade in ``course``; solutions earn every automatic point, blank 0."""
    python = str(bin_dir / "python")
    run([python, "-c", SUBMIT, str(course)], course, env, user)
    summary = course / "summary.json"
    run([str(bin_dir / "kefu"), "autograde", ASSIGNMENT, "--json", str(summary)], course, env, user)
    outcomes = {r["student"]: r for r in json.loads(summary.read_text(encoding="utf-8"))["results"]}
    assert {s: o["status"] for s, o in outcomes.items()} == {"solution": "ok", "blank": "errors"}, outcomes
    scores = json.loads(run([python, "-c", SCORES, str(course)], course, env, user).strip().splitlines()[-1])
    assert scores["solution"][0] == scores["solution"][1] > 0, scores
    assert scores["blank"][0] == 0, scores
    if with_nbgrader:  # nbgrader's own command: the course folder's kefu/ comes first on sys.path there
        run([str(bin_dir / "nbgrader"), "autograde", ASSIGNMENT, "--force"], course, env, user)
        again = json.loads(run([python, "-c", SCORES, str(course)], course, env, user).strip().splitlines()[-1])
        assert again == scores


@pytest.fixture
def under_tmp():
    """A folder under /tmp itself (whatever TMPDIR says), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="kefu-fresh-", dir="/tmp"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_clone_under_tmp_installs_and_grades(under_tmp):
    course = clone_to(under_tmp / "newcomer" / "kefu")
    env = user_env(os.environ.get("HOME", "/root"))
    run(["make", "install"], course, env)
    bin_dir = course / ".venv" / "bin"
    run([str(bin_dir / "kefu"), "release", ASSIGNMENT], course, env)
    grade_and_check(course, bin_dir, env)


def test_a_clone_at_a_path_with_spaces_and_chinese_installs_and_grades(under_tmp):
    course = clone_to(under_tmp / "新 课程" / "kefu 实训")
    env = user_env(os.environ.get("HOME", "/root"))
    run(["make", "install"], course, env)
    run(["make", "release"], course, env)  # the Makefile's recipes quote every path
    assert (course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    grade_and_check(course, course / ".venv" / "bin", env)


def test_a_wheel_in_a_home_venv_grades_a_symlinked_course_folder(under_tmp):
    """``pip install .`` into a venv under ~/.cache; the course is another checkout, reached through a link."""
    home = Path(os.environ.get("HOME") or pwd.getpwuid(os.getuid()).pw_dir)
    venv = Path(tempfile.mkdtemp(prefix="kefu-fresh-", dir=home / ".cache" if (home / ".cache").is_dir() else home))
    try:
        package_source = clone_to(under_tmp / "src checkout")
        env = user_env(str(home))
        target = venv / "环境 venv"
        run([str(Path(sys.base_prefix) / "bin" / "python3"), "-m", "venv", str(target)], under_tmp, env)
        bin_dir = target / "bin"
        run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "-r", "requirements.txt"], package_source, env)
        run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "."],
            package_source, env)
        installed = run([str(bin_dir / "python"), "-c", "import kefu; print(kefu.__file__)"], under_tmp, env)
        assert "site-packages" in installed  # a plain wheel, not a link to the checkout
        real = clone_to(under_tmp / "real course")
        link = under_tmp / "课程链接"
        link.symlink_to(real, target_is_directory=True)
        env = user_env(str(home), [str(bin_dir)])
        run([str(bin_dir / "kefu"), "release", ASSIGNMENT], link, env)
        grade_and_check(link, bin_dir, env, with_nbgrader=True)
    finally:
        shutil.rmtree(venv, ignore_errors=True)


@pytest.fixture
def plain_user():
    """A plain user and its home folder: the current one, or (as root) a throw-away account."""
    if os.geteuid() != 0:
        home = Path(os.environ.get("HOME") or pwd.getpwuid(os.getuid()).pw_dir)
        folder = Path(tempfile.mkdtemp(prefix="kefu-fresh-", dir=home))
        try:
            yield None, folder, str(home)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    if shutil.which("useradd") is None:
        pytest.fail("useradd is needed to test a plain user's clone (Debian: passwd)")
    created = False
    try:
        pwd.getpwnam(PLAIN_USER)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", PLAIN_USER], check=True)
        created = True
    home = Path(pwd.getpwnam(PLAIN_USER).pw_dir)
    folder = home / "课程"
    try:
        yield PLAIN_USER, folder, str(home)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if created:
            subprocess.run(["userdel", "--remove", PLAIN_USER], check=False, capture_output=True)


def test_a_plain_user_clones_into_the_home_folder_installs_and_grades(plain_user):
    user, folder, home = plain_user
    course = clone_to(folder / "kefu")
    if user is not None:
        entry = pwd.getpwnam(user)
        subprocess.run(["chown", "-R", f"{entry.pw_uid}:{entry.pw_gid}", str(folder)], check=True)
    # Debian's own python3, which every account can run (a root-only pyenv would not be readable)
    env = user_env(home, ["/usr/bin"])
    run(["make", "install", "PYTHON=/usr/bin/python3"], course, env, user)
    bin_dir = course / ".venv" / "bin"
    run([str(bin_dir / "kefu"), "release", ASSIGNMENT], course, env, user)
    grade_and_check(course, bin_dir, env, user=user)

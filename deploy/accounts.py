"""Unix accounts of the course server: one per trainee and instructor, made from a roster CSV.

Run as root by the deploy scripts, with the settings of deploy/lib.sh in the environment:

    accounts.py course              the two course groups and the grader account (owner of the course)
    accounts.py import ROSTER.csv   create the roster's accounts; new ones get a generated password
    accounts.py remove-all --yes    delete every account of this course (userdel -r) and its groups

Which accounts belong to the course is told by two Unix groups, ``<prefix>-students`` and
``<prefix>-instructors``: the hub lets in exactly their members and gives instructors the formgrade group.
A new account's password is generated here, set with chpasswd (read from stdin, never on a command
line) and appended to ``$KEFU_HUB_STATE/secrets/initial-passwords.csv`` (root only, 0600). Existing
accounts keep their password; a changed role moves the account between the two groups.
"""

from __future__ import annotations

import csv
import grp
import os
import pwd
import secrets
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from roster import ROLE_LABELS, RosterError, read_roster  # noqa: E402

PREFIX = os.environ.get("KEFU_HUB_PREFIX", "kefu")
HOME_BASE = Path(os.environ.get("KEFU_HUB_HOME_BASE", "/home"))
STATE = Path(os.environ.get("KEFU_HUB_STATE", "/var/lib/kefu-hub"))
GRADER = f"{PREFIX}-grader"
GROUPS = {"student": f"{PREFIX}-students", "instructor": f"{PREFIX}-instructors"}
PASSWORDS = STATE / "secrets" / "initial-passwords.csv"
# no 0/O, 1/l/I: passwords are read off a sheet of paper
ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class AccountError(Exception):
    pass


def run(*command: str, stdin: str | None = None) -> None:
    result = subprocess.run(command, input=stdin, text=True, capture_output=True)
    if result.returncode != 0:
        raise AccountError(f"命令 {command[0]} 失败({result.stderr.strip() or result.returncode})。")


def members(group: str) -> set[str]:
    try:
        return set(grp.getgrnam(group).gr_mem)
    except KeyError:
        return set()


def user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def ensure_group(group: str) -> None:
    try:
        grp.getgrnam(group)
    except KeyError:
        run("groupadd", group)


def ensure_course_accounts() -> None:
    """The course groups, and the grader account that owns the course folder and runs the grading server.

    The grader has no password (nobody logs in as it); instructors reach its server through the hub.
    """
    for group in GROUPS.values():
        ensure_group(group)
    if not user_exists(GRADER):
        HOME_BASE.mkdir(parents=True, exist_ok=True)
        run("useradd", "--create-home", "--home-dir", str(HOME_BASE / GRADER), "--shell", "/bin/bash",
            "--comment", "kefu 课程评分账号", "--user-group", GRADER)
    os.chmod(pwd.getpwnam(GRADER).pw_dir, 0o700)


def new_password() -> str:
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(3))


def import_roster(path: str) -> int:
    people = read_roster(path, reserved={GRADER, "root"})  # first: a bad roster changes nothing
    managed = members(GROUPS["student"]) | members(GROUPS["instructor"])
    taken = [p for p in people if user_exists(p.username) and p.username not in managed]
    if taken:
        raise RosterError([f"{path} 第 {p.line} 行:用户名 “{p.username}” 已是本机的系统账号,且不属于本课程。"
                           "请在名单中换一个用户名。" for p in taken])

    ensure_course_accounts()
    created, moved = [], []
    HOME_BASE.mkdir(parents=True, exist_ok=True)
    for person in people:
        group = GROUPS[person.role]
        if person.username in managed:
            other = GROUPS["instructor" if person.role == "student" else "student"]
            if person.username in members(other):
                run("gpasswd", "--delete", person.username, other)
                run("gpasswd", "--add", person.username, group)
                moved.append(person)
            continue
        home = HOME_BASE / person.username
        run("useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/bash",
            "--comment", person.name, "--user-group", "--groups", group, person.username)
        os.chmod(home, 0o700)  # nobody else reads a trainee's work
        created.append((person, new_password()))

    if created:
        run("chpasswd", stdin="".join(f"{p.username}:{pw}\n" for p, pw in created))
        PASSWORDS.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        new_file = not PASSWORDS.exists()
        fd = os.open(PASSWORDS, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            if new_file:
                writer.writerow(["username", "姓名", "role", "password"])
            for person, password in created:
                writer.writerow([person.username, person.name, ROLE_LABELS[person.role], password])
        os.chmod(PASSWORDS, 0o600)

    listed = {p.username for p in people}
    print(f"名单 {path}:{len(people)} 人;新建账号 {len(created)} 个,调整角色 {len(moved)} 个,"
          f"其余 {len(people) - len(created) - len(moved)} 个已存在(密码不变)。")
    if created:
        print(f"新账号的初始密码已追加到 {PASSWORDS}(仅 root 可读),请分发后提醒学员修改。")
    absent = sorted(managed - listed)
    if absent:
        print(f"注意:以下课程账号不在这份名单里,未做改动:{', '.join(absent)}")
    return 0


def remove_all() -> int:
    """Delete every account of this course (homes included) and the course groups."""
    people = sorted(members(GROUPS["student"]) | members(GROUPS["instructor"]))
    for name in people + ([GRADER] if user_exists(GRADER) else []):
        subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)  # servers still running as them
        run("userdel", "--remove", name)
    for group in GROUPS.values():
        try:
            grp.getgrnam(group)
        except KeyError:
            continue
        run("groupdel", group)
    print(f"已删除课程账号 {len(people)} 个及评分账号 {GRADER}。")
    return 0


def main(argv: list[str]) -> int:
    if os.geteuid() != 0:
        print("错误:管理课程账号需要 root 权限。请用 sudo 运行,例如:sudo make hub-roster ROSTER=名单.csv",
              file=sys.stderr)
        return 2
    try:
        if argv[:1] == ["course"] and len(argv) == 1:
            ensure_course_accounts()
            return 0
        if argv[:1] == ["import"] and len(argv) == 2:
            return import_roster(argv[1])
        if argv == ["remove-all", "--yes"]:
            return remove_all()
    except RosterError as exc:
        print("名单有问题,没有创建或修改任何账号:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    except AccountError as exc:
        print(f"错误:{exc}", file=sys.stderr)
        return 1
    print("用法:accounts.py course | import 名单.csv | remove-all --yes", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Put the course's trainees into the gradebook, so formgrader lists everyone, submitted or not.

Run as the grader account (deploy/course-command.sh), with KEFU_DB_URL pointing at the Postgres
gradebook. The trainees are the members of the Unix group named on the command line; each one's 姓名 is
the comment field of the account, written there by deploy/accounts.py from the roster.
"""

from __future__ import annotations

import grp
import os
import pwd
import sys

from nbgrader.api import Gradebook


def main(group: str) -> int:
    try:
        usernames = sorted(grp.getgrnam(group).gr_mem)
    except KeyError:
        print(f"错误:系统里没有用户组 {group}。请先导入名单:make hub-roster ROSTER=名单.csv", file=sys.stderr)
        return 1
    gradebook = Gradebook(os.environ["KEFU_DB_URL"], course_id=os.environ.get("KEFU_COURSE_ID", "kefu"))
    try:
        for username in usernames:
            name = pwd.getpwnam(username).pw_gecos.split(",")[0]
            gradebook.update_or_create_student(username, last_name=name, first_name="")
    finally:
        gradebook.close()
    print(f"成绩簿中已登记学员 {len(usernames)} 名。")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("用法:register_students.py 学员用户组", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))

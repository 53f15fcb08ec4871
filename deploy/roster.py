"""Read and check a cohort roster CSV (username, 姓名, role) before any account is touched.

The file is what a training office keeps in Excel: UTF-8 (with or without BOM), a header row, one person
per row. Recognised headers (case-insensitive): ``username``/``用户名``/``账号``, ``name``/``姓名`` and
``role``/``角色``; other columns (班级, 手机, …) are ignored. Roles: ``student``/``学员`` and
``instructor``/``讲师``. Every problem is reported at once, naming the file and line, and nothing is
changed when there is any.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

COLUMNS = {
    "username": ("username", "用户名", "账号"),
    "name": ("name", "姓名"),
    "role": ("role", "角色"),
}
ROLES = {"student": "student", "学员": "student", "instructor": "instructor", "讲师": "instructor"}
ROLE_LABELS = {"student": "学员", "instructor": "讲师"}
# Unix user names that work everywhere: lowercase ASCII letter first, then letters, digits, _ or -.
USERNAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class Person:
    username: str
    name: str
    role: str  # "student" or "instructor"
    line: int


class RosterError(Exception):
    """The roster cannot be used; ``problems`` are the Chinese messages, one per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _header_map(header: list[str], path: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        title = title.strip().lower()
        for key, aliases in COLUMNS.items():
            if title in aliases and key not in found:
                found[key] = index
    missing = [key for key in COLUMNS if key not in found]
    if missing:
        wanted = "、".join("/".join(COLUMNS[key]) for key in missing)
        raise RosterError([f"{path} 第 1 行(表头)缺少列:{wanted}。"
                           f"表头示例:username,姓名,role(见 deploy/roster.example.csv)。"])
    return found


def read_roster(path: Path | str, reserved: set[str] = frozenset()) -> list[Person]:
    """The people of the roster, in file order; RosterError lists every problem found.

    ``reserved``: user names the course uses itself (e.g. the grader account), which no person may take.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RosterError([f"找不到名单文件 {path}。请检查路径,或参照 deploy/roster.example.csv 新建一个。"]) from None
    except UnicodeDecodeError:
        raise RosterError([f"{path} 不是 UTF-8 编码。请在 Excel 中“另存为 → CSV UTF-8(逗号分隔)”后重试。"]) from None
    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    if not header or not any(cell.strip() for cell in header):
        raise RosterError([f"{path} 是空文件。第 1 行应为表头:username,姓名,role。"])
    columns = _header_map(header, path)

    people: list[Person] = []
    problems: list[str] = []
    first_line: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines are allowed
        where = f"{path} 第 {line} 行"
        if len(row) <= max(columns.values()):
            problems.append(f"{where}:列数不够(有 {len(row)} 列,表头有 {len(header)} 列)。请补齐这一行。")
            continue
        username = row[columns["username"]].strip()
        name = row[columns["name"]].strip()
        role_text = row[columns["role"]].strip()
        role = ROLES.get(role_text.lower())
        row_problems = []
        if not USERNAME.match(username):
            row_problems.append(f"用户名 “{username}” 不合规:只能用小写英文字母开头,由小写字母、数字、_ 或 - 组成,"
                                "最长 32 个字符(例如 zhangsan01)。姓名请写在“姓名”列。")
        elif username in reserved:
            row_problems.append(f"用户名 “{username}” 是课程服务器自己的账号名,请换一个。")
        elif username in first_line:
            row_problems.append(f"用户名 “{username}” 与第 {first_line[username]} 行重复。每人一个不同的用户名。")
        if not name:
            row_problems.append("姓名为空。请填写学员或讲师的姓名。")
        if role is None:
            row_problems.append(f"角色 “{role_text}” 无效:只能是 学员/student 或 讲师/instructor。")
        if row_problems:
            problems += [f"{where}:{p}" for p in row_problems]
            continue
        first_line[username] = line
        people.append(Person(username, name, role, line))
    if not people and not problems:
        problems.append(f"{path} 只有表头,没有任何人员。请每行填写一人:用户名,姓名,角色。")
    if problems:
        raise RosterError(problems)
    return people

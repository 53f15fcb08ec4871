"""The roster import's checks (deploy/roster.py, deploy/accounts.py): bad files are refused with a Chinese
message naming the file, the line and what to do, before any account is touched. No root needed."""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "deploy"))
import accounts  # noqa: E402
from roster import Person, RosterError, read_roster  # noqa: E402


def write(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "名单.csv"
    path.write_bytes(text.encode(encoding))
    return path


def problems(path, **kwargs) -> list[str]:
    with pytest.raises(RosterError) as caught:
        read_roster(path, **kwargs)
    return caught.value.problems


def test_example_roster_reads_with_chinese_names_and_both_header_styles(tmp_path):
    people = read_roster(ROOT / "deploy" / "roster.example.csv")
    assert [(p.username, p.name, p.role) for p in people][:3] == [
        ("wanglei", "王磊", "instructor"), ("chenjing", "陈静", "instructor"), ("zhangsan01", "张三", "student")]
    # English headers, English roles, a BOM from Excel, blank lines and extra columns
    path = write(tmp_path, "\ufeffUsername,Name,Role,手机\nli01,李一,student,138\n\nwang02,王二,instructor,139\n")
    assert read_roster(path) == [Person("li01", "李一", "student", 2), Person("wang02", "王二", "instructor", 4)]


def test_missing_column_names_the_file_and_the_columns(tmp_path):
    (message,) = problems(write(tmp_path, "username,班级\nli01,一班\n"))
    assert str(tmp_path / "名单.csv") in message and "第 1 行" in message
    missing = message.split("缺少列:")[1].split("。")[0]
    assert missing == "name/姓名、role/角色"


def test_every_bad_row_is_reported_with_its_line(tmp_path):
    path = write(tmp_path, "username,姓名,role\n"
                           "li01,李一,学员\n"
                           "张三,张三,学员\n"          # 3: not an ASCII user name
                           "li01,李一一,学员\n"        # 4: duplicate of line 2
                           "wang02,,讲师\n"            # 5: no name
                           "zhao03,赵三,老板\n"        # 6: unknown role
                           "qian04\n"                  # 7: too few columns
                           "kefu-grader,评分,学员\n")   # 8: the course's own account
    found = problems(path, reserved={"kefu-grader"})
    assert [p.split(":", 1)[0].rsplit(" ", 2)[-2] for p in found] == ["3", "4", "5", "6", "7", "8"]
    assert "用户名 “张三” 不合规" in found[0]
    assert "与第 2 行重复" in found[1]
    assert "姓名为空" in found[2]
    assert "角色 “老板” 无效" in found[3]
    assert "列数不够" in found[4]
    assert "课程服务器自己的账号名" in found[5]


@pytest.mark.parametrize("content, encoding, expected", [
    ("", "utf-8", "是空文件"),
    ("username,姓名,role\n", "utf-8", "只有表头"),
    ("username,姓名,role\nli01,李一,学员\n", "gbk", "不是 UTF-8 编码"),
])
def test_unusable_files_say_what_to_do(tmp_path, content, encoding, expected):
    (message,) = problems(write(tmp_path, content, encoding))
    assert expected in message and str(tmp_path / "名单.csv") in message


def test_missing_file(tmp_path):
    (message,) = problems(tmp_path / "没有.csv")
    assert "找不到名单文件" in message and "roster.example.csv" in message


def test_account_commands_refuse_to_run_without_root(monkeypatch, capsys):
    monkeypatch.setattr(accounts.os, "geteuid", lambda: 1000)
    assert accounts.main(["import", str(ROOT / "deploy" / "roster.example.csv")]) == 2
    assert "需要 root 权限" in capsys.readouterr().err


def test_bad_roster_changes_no_account(tmp_path, monkeypatch, capsys):
    """Run as root or not: a roster with a problem stops before useradd is ever called."""
    calls = []
    monkeypatch.setattr(accounts.os, "geteuid", lambda: 0)
    monkeypatch.setattr(accounts, "run", lambda *command, stdin=None: calls.append(command))
    monkeypatch.setattr(accounts, "ensure_course_accounts", lambda: calls.append("ensure_course_accounts"))
    path = write(tmp_path, "username,姓名,role\nli01,李一,学员\nli01,李二,学员\n")
    assert accounts.main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "没有创建或修改任何账号" in err and "第 3 行" in err and "重复" in err
    assert calls == []

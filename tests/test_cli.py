"""Tests of the `kefu` command line, run in-process on throw-away course copies."""

from __future__ import annotations

import json
import shutil

import pytest

from kefu.cli import main

from conftest import ROOT


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_check_passes_on_the_course(capsys):
    """Does `kefu check` pass on the repository and list each notebook's points?"""
    code, out, _ = run(capsys, "--course", str(ROOT), "check")
    assert code == 0
    assert "✓ source/m01_role/m01_role.ipynb:自动评分 23 分 + 人工评分 5 分" in out
    assert out.rstrip().endswith("检查通过。")


def test_check_reports_and_fixes_outputs(course, capsys):
    """Does `kefu check` name a notebook stored with outputs, and --fix clean it?"""
    path = course / "source" / "m01_role" / "m01_role.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    code_cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code_cell["execution_count"] = 7
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, "check")
    assert code == 1 and "有输出或执行计数" in out and "发现 1 处问题" in out
    code, out, _ = run(capsys, "check", "--fix")
    assert code == 0 and "(已清除输出)" in out


def test_release_refuses_a_broken_source(course, capsys):
    """Does `kefu release` stop before nbgrader when a source notebook is not valid JSON?"""
    (course / "source" / "m02_rules" / "m02_rules.ipynb").write_text("{", encoding="utf-8")
    code, out, _ = run(capsys, "release")
    assert code == 1
    assert "无法读取为笔记本" in out and "已停止生成" in out
    assert not (course / "release").exists()


def test_release_unknown_assignment(course, capsys):
    """Is an unknown assignment name answered with the ones that exist?"""
    code, out, _ = run(capsys, "release", "--no-check", "m99_nope")
    assert code == 1 and "source/ 下没有这些作业:m99_nope" in out and "m01_role" in out


def test_no_course_here(tmp_path, monkeypatch, capsys):
    """Outside a course, is the learner told what folder is needed?"""
    monkeypatch.delenv("KEFU_COURSE_ROOT", raising=False)
    code, _, err = run(capsys, "--course", str(tmp_path), "check")
    assert code == 2 and "找不到课程文件夹" in err


@pytest.mark.slow
def test_autograde_batch_survives_a_broken_submission(course, capsys):
    """Does one corrupt submission get a clear message while the others are still graded?"""
    assert run(capsys, "release", "m01_role")[0] == 0
    good = course / "submitted" / "good" / "m01_role"
    shutil.copytree(course / "source" / "m01_role", good)
    bad = course / "submitted" / "bad" / "m01_role"
    bad.mkdir(parents=True)
    (bad / "m01_role.ipynb").write_text("{ broken", encoding="utf-8")
    code, out, _ = run(capsys, "autograde", "m01_role")
    assert code == 1
    rows = {line.split()[1]: line.split() for line in out.splitlines() if line.startswith("m01_role ")}
    # "good" copied source/ whole, key file included: nbgrader ignores *.key.json, so the widget item earns 0
    assert rows["good"][2:] == ["21/28", "有单元格出错(待人工评分)"]
    assert rows["bad"][2:] == ["0", "笔记本损坏"]
    assert "m01_role.ipynb 已损坏:第 1 行不是有效的 JSON" in out
    assert "共 2 份作业;1 份正常评分,1 份需要讲师查看。" in out
    code, out, _ = run(capsys, "scores", "m01_role", "--csv")
    assert code == 0
    assert "good,21.0,23.0,21.0,28.0,True" in out.splitlines()


def test_help_lists_every_command(capsys):
    """Does `kefu --help` list the instructor's commands in Chinese?"""
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("check", "release", "autograde", "scores", "grade-demo", "make-data"):
        assert command in out

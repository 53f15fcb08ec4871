"""Tests of the translation of nbgrader's failures into Chinese."""

from __future__ import annotations

from kefu.course.messages import describe_failure, describe_warnings, explain, last_error_line

NOT_JSON_LOG = """[ERROR] There was an error processing assignment 'm01_role' for student 'x'
    Traceback (most recent call last):
    json.decoder.JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 3 (char 2)
    nbformat.reader.NotJSONError: Notebook does not appear to be JSON: '{ broken\\n'
[ERROR] Please see the the above traceback for details on the specific errors on the above failures.
"""
GENERIC_ERROR = """Traceback (most recent call last):
nbgrader.converters.base.NbGraderException: Please see the the above traceback for details."""


def test_broken_notebook_is_explained_with_its_cause():
    """Is a non-JSON submission explained, with the specific error rather than nbgrader's generic one?"""
    text = describe_failure({"success": False, "error": GENERIC_ERROR, "log": NOT_JSON_LOG})
    assert text.startswith("提交的笔记本文件已损坏,不是有效的 JSON")
    assert "NotJSONError: Notebook does not appear to be JSON" in text
    assert "NbGraderException" not in text


def test_missing_alembic_is_explained():
    """Does the alembic-not-on-PATH pitfall get its fix?"""
    (message,) = explain("FileNotFoundError: [Errno 2] No such file or directory: 'alembic'")
    assert "export PATH=$PWD/.venv/bin:$PATH" in message


def test_warnings_of_a_successful_run():
    """Are edited test cells and missing notebooks reported even when grading succeeded?"""
    log = ("[WARNING] Attribute 'source' for cell m01_q1_task has changed! (should be: a, got: b)\n"
           "[WARNING] No submitted file: /x/submitted/s/m01_role/m01_role.ipynb")
    notes = describe_warnings({"success": True, "log": log})
    assert notes == ["学员改动了只读单元格或测试单元格;评分时已换回原始版本。",
                     "提交中缺少笔记本文件(可能被改名或删除),该笔记本记 0 分。"]


def test_unknown_failure_keeps_the_original_line():
    """Does an unrecognised failure still show nbgrader's last error line?"""
    text = describe_failure({"success": False, "error": "ValueError: something odd", "log": ""})
    assert text == "nbgrader 报告了一个未识别的错误。\n    原始信息:ValueError: something odd"
    assert last_error_line("") == ""


def test_hidden_tests_missing_from_a_release_copy_are_not_an_edit():
    """Is the expected difference of a test cell (hidden tests removed in the release) left unreported?"""
    log = "[WARNING] Attribute 'source' for cell m01_q1_test has changed! (should be: a, got: b)"
    assert describe_warnings({"success": True, "log": log}) == []
    log = "[WARNING] Attribute 'cell_type' for cell m01_q1_test has changed! (should be: code, got: markdown)"
    assert describe_warnings({"success": True, "log": log}) == ["学员改动了只读单元格或测试单元格;评分时已换回原始版本。"]


def test_edited_grading_metadata_is_named_without_contradictions():
    """nbgrader refuses a notebook whose grade cells' metadata changed: one clear sentence, no 'restored'."""
    from kefu.course.messages import describe_failure

    log = ('File ".../nbgrader/preprocessors/overwritecells.py", line 40, in preprocess_cell\n'
           "nbgrader.api.MissingEntry\n[ERROR] There was an error processing assignment\n"
           "Attribute 'points' for cell m02_q1_test has changed! (should be: 2.0, got: 20.0)")
    text = describe_failure({"success": False, "error": "NbGraderException: see above", "log": log})
    assert "nbgrader 元数据" in text and "没有评分" in text
    assert "换回原始版本" not in text and "kefu release" not in text

"""kefu.grader.preflight: which submitted notebooks cannot be graded, and what the instructor is told."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from kefu.grader.preflight import check_submission

from conftest import ROOT

NAME = "m02_rules"
RELEASE = ROOT / "release" / NAME / f"{NAME}.ipynb"


@pytest.fixture
def folder(tmp_path) -> Path:
    target = tmp_path / "submitted" / "alice" / NAME
    target.mkdir(parents=True)
    shutil.copy2(RELEASE, target / f"{NAME}.ipynb")
    return target


def _write(folder: Path, data: bytes) -> None:
    (folder / f"{NAME}.ipynb").write_bytes(data)


def _doc(folder: Path) -> dict:
    return json.loads((folder / f"{NAME}.ipynb").read_text(encoding="utf-8"))


def _only(problems):
    assert len(problems) == 1, problems
    name, status, message = problems[0]
    assert name == NAME
    return status, message


def test_the_release_notebook_passes(folder):
    assert check_submission(folder, [NAME]) == []


def test_cosmetic_schema_departures_are_accepted(folder):
    """Unknown metadata, missing cell ids, outputs or execution counts must not reject honest work."""
    doc = _doc(folder)
    doc["metadata"]["made_by"] = {"editor": "vscode"}
    doc["nbformat_minor"] = 5
    for cell in doc["cells"]:
        cell.pop("id", None)
        cell["metadata"]["collapsed"] = "yes"  # wrong type for a known key
        if cell["cell_type"] == "code":
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    doc["cells"][0]["extra_key"] = 1
    _write(folder, json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    assert check_submission(folder, [NAME]) == []


def test_an_older_minor_version_is_accepted(folder):
    nb = nbformat.read(str(folder / f"{NAME}.ipynb"), as_version=4)
    nb.nbformat_minor = 2
    for cell in nb.cells:
        cell.pop("id", None)
    _write(folder, json.dumps(nb, ensure_ascii=False).encode("utf-8"))
    assert check_submission(folder, [NAME]) == []


def test_missing_notebook_mentions_a_renamed_one(folder):
    (folder / f"{NAME}.ipynb").rename(folder / f"{NAME} (1).ipynb")
    status, message = _only(check_submission(folder, [NAME]))
    assert status == "missing"
    assert f"没有找到 {NAME}.ipynb" in message and f"{NAME} (1).ipynb" in message and "改名" in message


def test_missing_notebook_without_any_other(folder):
    (folder / f"{NAME}.ipynb").unlink()
    status, message = _only(check_submission(folder, [NAME]))
    assert status == "missing" and f"没有找到 {NAME}.ipynb" in message and "改名" not in message


def test_missing_folder(tmp_path):
    status, message = _only(check_submission(tmp_path / "nobody" / NAME, [NAME]))
    assert status == "missing" and "不存在" in message


@pytest.mark.parametrize("data, words", [
    (b"", "空文件"),
    (b'{"cells": [', "JSON"),
    ("{\"nbformat\": 4, \"x\": \"价格\"}".encode("gbk"), "UTF-8"),
    (b"[1, 2, 3]", "顶层不是对象"),
    (b'{"cells": [], "metadata": {}}', "nbformat 版本号"),
    (b'{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}', "nbformat 3"),
    (b'{"nbformat": 5, "nbformat_minor": 0, "metadata": {}, "cells": []}', "nbformat 5"),
    (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}', "cells"),
    (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "python", "source": ""}]}',
     "类型无法识别"),
    (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": 42}]}',
     "不是文本"),
])
def test_unreadable_notebooks_are_invalid(folder, data, words):
    _write(folder, data)
    status, message = _only(check_submission(folder, [NAME]))
    assert status == "invalid"
    assert f"{NAME}.ipynb" in message and words in message and "重新" in message


def test_a_structural_schema_error_is_invalid(folder):
    doc = _doc(folder)
    doc["cells"][0]["cell_type"] = "markdown"
    doc["cells"][0]["outputs"] = "not a list"  # markdown cells have no outputs at all
    doc["nbformat_minor"] = "five"
    _write(folder, json.dumps(doc).encode("utf-8"))
    status, message = _only(check_submission(folder, [NAME]))
    assert status == "invalid" and "nbformat" in message


def test_too_large_is_invalid_without_reading_it_all(folder):
    status, message = _only(check_submission(folder, [NAME], max_bytes=1024))
    assert status == "invalid" and "太大" in message and "清除输出" in message


def test_only_bad_notebooks_are_listed(folder):
    shutil.copy2(ROOT / "release" / "m01_role" / "m01_role.ipynb", folder / "m01_role.ipynb")
    (folder / "m01_role.ipynb").write_bytes(b"")
    problems = check_submission(folder, [NAME, "m01_role", "m05_presale"])
    assert [(n, s) for n, s, _ in problems] == [("m01_role", "invalid"), ("m05_presale", "missing")]


def test_a_symbolic_link_anywhere_blocks_the_whole_submission(folder, tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text("{}", encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "kefu-answers.json").symlink_to(secret)
    problems = check_submission(folder, [NAME, "m01_role"])
    assert [(n, s) for n, s, _ in problems] == [(NAME, "invalid"), ("m01_role", "invalid")]
    assert "符号链接" in problems[0][2] and "sub/kefu-answers.json" in problems[0][2]


def test_a_symlinked_notebook_is_not_graded(folder):
    target = folder.parent / "elsewhere.ipynb"
    (folder / f"{NAME}.ipynb").rename(target)
    (folder / f"{NAME}.ipynb").symlink_to(target)
    status, message = _only(check_submission(folder, [NAME]))
    assert status == "invalid" and f"{NAME}.ipynb" in message


def test_a_symlinked_submission_folder_is_not_graded(folder, tmp_path):
    link = tmp_path / "submitted" / "mallory"
    link.mkdir()
    (link / NAME).symlink_to(folder)
    status, message = _only(check_submission(link / NAME, [NAME]))
    assert status == "invalid" and f"{NAME}/" in message

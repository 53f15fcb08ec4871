"""Check a submission's notebooks can be read before nbgrader is asked to grade them.

nbgrader fails on an unreadable notebook with a long traceback, or silently
scores a missing one 0. Before grading, ``check_submission`` looks at each
notebook the assignment expects and returns, for every one that cannot be
graded, a status (``missing`` or ``invalid``) and a Chinese sentence for the
instructor naming the file and saying what to do.

Only defects that stop grading reject a notebook. Cosmetic departures from the
nbformat schema that Jupyter itself tolerates (unknown metadata keys, a
missing cell id, stale outputs, a missing ``execution_count``) are repaired
in memory for the check and never reject an honest learner's work.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

CELL_TYPES = ("code", "markdown", "raw")
# Parts of a notebook whose schema errors do not matter for grading: nbgrader replaces outputs and
# execution counts, and metadata beyond nbgrader's own is free-form in practice.
COSMETIC_KEYS = {"metadata", "outputs", "execution_count", "id", "attachments"}


def _mb(size: int) -> str:
    return f"{size / 1024 ** 2:.1f} MB"


def _resubmit(path: Path) -> str:
    return f"请让学员在 JupyterLab 中重新打开并保存 {path.name} 后再提交,然后重新评分。"


def _missing_message(folder: Path, name: str) -> str:
    expected = f"{name}.ipynb"
    message = f"没有找到 {expected}"
    others = sorted(p.name for p in folder.glob("*.ipynb")) if folder.is_dir() else []
    others = [o for o in others if o != expected]
    if not folder.is_dir():
        return message + f"(提交文件夹 {folder.name}/ 不存在),该笔记本记 0 分。请确认学员已提交作业。"
    if others:
        listed = "、".join(others[:5]) + ("等" if len(others) > 5 else "")
        return (message + f";文件夹里有 {listed},可能被改名了。请确认后把文件改回 {expected} 再重新评分;"
                "在此之前该笔记本记 0 分。")
    return message + ",该笔记本记 0 分。请确认学员提交了正确的文件。"


def _structure_problem(doc) -> str | None:
    """What makes ``doc`` unusable as an nbformat 4 notebook, in Chinese, or None."""
    if not isinstance(doc, dict):
        return "内容不是笔记本(JSON 顶层不是对象)"
    major = doc.get("nbformat")
    if type(major) is not int:
        return "缺少 nbformat 版本号"
    if major != 4:
        return f"是 nbformat {major} 格式的笔记本,评分只支持 nbformat 4"
    cells = doc.get("cells")
    if not isinstance(cells, list):
        return "缺少单元格列表(cells)"
    if not isinstance(doc.get("metadata", {}), dict):
        return "笔记本的 metadata 不是对象"
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") not in CELL_TYPES:
            return f"第 {number} 个单元格的类型无法识别"
        source = cell.get("source")
        if not (isinstance(source, str) or (isinstance(source, list) and all(isinstance(s, str) for s in source))):
            return f"第 {number} 个单元格的内容(source)不是文本"
        if not isinstance(cell.get("metadata", {}), dict):
            return f"第 {number} 个单元格的 metadata 不是对象"
    return None


def _is_cosmetic(error) -> bool:
    """A schema error inside parts grading does not depend on (see COSMETIC_KEYS)."""
    path = [p for p in getattr(error, "absolute_path", []) if isinstance(p, str)]
    if any(p in COSMETIC_KEYS for p in path):
        return True
    kind = getattr(error, "validator", None)
    if kind == "required":  # e.g. "'outputs' is a required property": nbgrader fills these in itself
        return any(f"'{key}'" in str(getattr(error, "message", "")) for key in COSMETIC_KEYS)
    # "Additional properties are not allowed ('x' was unexpected)" on a cell or the notebook itself.
    return kind == "additionalProperties"


def _schema_problem(text: str) -> str | None:
    """Whether nbformat can read the notebook; only non-cosmetic schema errors count."""
    import nbformat
    from nbformat.validator import ValidationError

    with warnings.catch_warnings():  # e.g. MissingIDFieldWarning: nbformat repairs these itself
        warnings.simplefilter("ignore")
        return _schema_problem_quietly(nbformat, ValidationError, text)


def _schema_problem_quietly(nbformat, ValidationError, text: str) -> str | None:
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds on a broken document
        return f"nbformat 无法读取({type(exc).__name__})"
    try:
        nbformat.validator.normalize(nb)
    except Exception:  # noqa: BLE001 - normalizing is a best effort before the real check
        pass
    try:
        nbformat.validate(nb)
    except ValidationError as exc:
        if not _is_cosmetic(exc):
            where = "/".join(str(p) for p in getattr(exc, "absolute_path", [])) or "顶层"
            return f"不符合 nbformat 规范(位置 {where}:{str(getattr(exc, 'message', exc))[:120]})"
    except Exception as exc:  # noqa: BLE001
        return f"nbformat 无法校验({type(exc).__name__})"
    return None


def check_notebook(path: Path, *, max_bytes: int) -> tuple[str, str] | None:
    """(status, message) when the notebook at ``path`` cannot be graded; None when it can."""
    size = path.stat().st_size
    if size == 0:
        return "invalid", f"{path.name} 是空文件(0 字节),无法评分。{_resubmit(path)}"
    if size > max_bytes:
        return "invalid", (f"{path.name} 太大({_mb(size)},上限 {_mb(max_bytes)}),为保护评分机器没有评分。"
                           "通常是输出了大量内容或嵌入了大图片:请让学员清除输出(Edit → Clear All Outputs)"
                           "后保存并重新提交。")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return "invalid", (f"{path.name} 不是 UTF-8 编码(第 {exc.start} 个字节起无法解码),无法评分。"
                           f"{_resubmit(path)}")
    try:
        doc = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        where = f"第 {line} 行" if line else "内容"
        return "invalid", f"{path.name} 已损坏:{where}不是有效的 JSON,无法评分。{_resubmit(path)}"
    problem = _structure_problem(doc) or _schema_problem(text)
    if problem:
        return "invalid", f"{path.name} {problem},无法评分。{_resubmit(path)}"
    return None


def symbolic_links(folder: Path) -> list[str]:
    """Symbolic links in or above the submission (relative names, or the folder itself).

    nbgrader copies a submission's files with ``shutil.copy``, which follows a
    link: a link to ``source/``, the gradebook, the answer key or another
    student's work would be read with the grader's rights, copied into
    ``autograded/`` and handed to the learner's code and to the hidden tests.
    """
    found = [f"{p.name}/" for p in (folder, folder.parent) if p.is_symlink()]
    if found or not folder.is_dir():
        return found
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            found.append(str(path.relative_to(folder)))
    return found


def _links_message(links: list[str]) -> str:
    listed = "、".join(links[:5]) + (f" 等 {len(links)} 个" if len(links) > 5 else "")
    return (f"提交中有符号链接 {listed}:评分时会读到链接指向的文件(可能是 source/、成绩簿或其他学员的作业),"
            "为安全起见这份作业没有评分。请删除这些链接(换成普通文件)后重新评分。")


def check_submission(folder: Path, notebook_names: list[str], *,
                     max_bytes: int = 20 * 1024 ** 2) -> list[tuple[str, str, str]]:
    """(notebook, status, message) for each expected notebook that cannot be graded.

    ``status`` is ``missing`` (no such file) or ``invalid`` (empty, too large,
    not UTF-8, not JSON, not an nbformat 4 notebook, or a submission holding a
    symbolic link, which blocks every notebook of it). Notebooks that can be
    graded are not listed.
    """
    folder = Path(folder)
    links = symbolic_links(folder)
    if links:
        return [(name, "invalid", _links_message(links)) for name in notebook_names]
    problems = []
    for name in notebook_names:
        path = folder / f"{name}.ipynb"
        if not path.is_file():
            problems.append((name, "missing", _missing_message(folder, name)))
            continue
        try:
            found = check_notebook(path, max_bytes=max_bytes)
        except OSError as exc:
            found = "invalid", f"{path.name} 无法读取({exc.strerror or exc})。请检查文件权限后重新评分。"
        if found:
            problems.append((name, *found))
    return problems

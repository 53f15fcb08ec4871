"""Rules every source notebook of the course follows; one small class per rule.

Each rule has ``check(nb) -> list[str]`` (Chinese problem descriptions) and,
where a fix is mechanical, ``fix(nb) -> bool``.
"""

from __future__ import annotations

import re

import nbformat


def _nbg(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _label(index: int, cell) -> str:
    gid = _nbg(cell).get("grade_id")
    return f"第 {index + 1} 个单元格" + (f"({gid})" if gid else f"(id {cell.get('id', '?')})")


def is_answer(cell) -> bool:
    meta = _nbg(cell)
    return bool(meta.get("solution")) and not meta.get("grade")


def is_test(cell) -> bool:
    meta = _nbg(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and cell.get("cell_type") == "code"


def is_manual(cell) -> bool:
    meta = _nbg(cell)
    return bool(meta.get("grade")) and bool(meta.get("solution"))


class ValidSchema:
    """The file validates against the nbformat 4.5+ schema (which requires cell ids)."""

    def check(self, nb) -> list[str]:
        if nb.nbformat != 4 or nb.nbformat_minor < 5:
            return [f"nbformat 版本是 {nb.nbformat}.{nb.nbformat_minor},需要 4.5 或更高(才有单元格 id)"]
        import copy
        import warnings

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # duplicate ids are UniqueCellIds' concern
                nbformat.validate(copy.deepcopy(nb))
        except nbformat.ValidationError as exc:
            if "Non-unique cell id" in str(exc.message):
                return []
            return [f"不符合 nbformat 规范:{exc.message}"]
        return []


class CleanOutputs:
    """Source notebooks are stored without outputs or execution counts."""

    def check(self, nb) -> list[str]:
        dirty = [_label(i, c) for i, c in enumerate(nb.cells)
                 if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count"))]
        return [f"有输出或执行计数(请运行 kefu check --fix 清除):{', '.join(dirty)}"] if dirty else []

    def fix(self, nb) -> bool:
        changed = False
        for cell in nb.cells:
            if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count")):
                cell.outputs, cell.execution_count, changed = [], None, True
        return changed


class UniqueCellIds:
    """Every cell has an id, and no two cells share one."""

    def check(self, nb) -> list[str]:
        seen, problems = {}, []
        for i, cell in enumerate(nb.cells):
            cid = cell.get("id")
            if not cid:
                problems.append(f"{_label(i, cell)} 没有单元格 id")
            elif cid in seen:
                problems.append(f"单元格 id {cid!r} 重复:第 {seen[cid] + 1} 个和第 {i + 1} 个")
            else:
                seen[cid] = i
        return problems


class GradeMetadata:
    """nbgrader cells carry schema_version 3 and a unique grade_id."""

    def check(self, nb) -> list[str]:
        seen, problems = set(), []
        for i, cell in enumerate(nb.cells):
            meta = _nbg(cell)
            if not meta:
                continue
            if meta.get("schema_version") != 3:
                problems.append(f"{_label(i, cell)} 的 nbgrader schema_version 不是 3")
            gid = meta.get("grade_id")
            if not gid:
                problems.append(f"{_label(i, cell)} 缺少 grade_id")
            elif gid in seen:
                problems.append(f"grade_id {gid!r} 重复")
            seen.add(gid)
        return problems


class PointsOnGradedCells:
    """Every graded cell (test or manual answer) is worth a positive number of points."""

    def check(self, nb) -> list[str]:
        problems = []
        for i, cell in enumerate(nb.cells):
            meta = _nbg(cell)
            if meta.get("grade"):
                points = meta.get("points")
                if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
                    problems.append(f"{_label(i, cell)} 是评分单元格,但分值 points 不是正数({points!r})")
        return problems


class TestAfterAnswer:
    """Each autograded answer cell is followed by its test cell before the next answer."""

    def check(self, nb) -> list[str]:
        problems, pending = [], None
        for i, cell in enumerate(nb.cells):
            if is_answer(cell):
                if pending is not None:
                    problems.append(f"{_label(*pending)} 是答题单元格,但后面没有测试单元格")
                pending = (i, cell)
            elif is_test(cell):
                pending = None
        if pending is not None:
            problems.append(f"{_label(*pending)} 是答题单元格,但后面没有测试单元格")
        return problems


class SolutionMarkers:
    """Answer cells delimit their solution; test cells hold hidden tests and a visible format check."""

    _begin, _end = "### BEGIN SOLUTION", "### END SOLUTION"

    def check(self, nb) -> list[str]:
        problems = []
        for i, cell in enumerate(nb.cells):
            src = cell.get("source", "")
            if (is_answer(cell) or is_manual(cell)) and cell.cell_type == "code":
                if src.count(self._begin) != 1 or src.count(self._end) != 1:
                    problems.append(f"{_label(i, cell)} 应该恰好有一对 BEGIN/END SOLUTION 标记")
            if is_test(cell):
                if src.count("### BEGIN HIDDEN TESTS") != 1 or src.count("### END HIDDEN TESTS") != 1:
                    problems.append(f"{_label(i, cell)} 应该恰好有一段 BEGIN/END HIDDEN TESTS 隐藏测试")
                visible = re.sub(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", "", src, flags=re.S)
                if "kefu.checks." not in visible:
                    problems.append(f"{_label(i, cell)} 的可见部分应当用 kefu.checks 做格式检查")
                if re.search(r"^\s*assert\b", visible, flags=re.M):
                    problems.append(f"{_label(i, cell)} 的可见部分有 assert:可见测试只能检查格式,不能透露答案")
        return problems


class PythonKernel:
    """The notebook names the python3 kernel, which nbgrader uses to autograde."""

    def check(self, nb) -> list[str]:
        name = nb.metadata.get("kernelspec", {}).get("name")
        return [] if name == "python3" else [f"kernelspec.name 应为 'python3',现在是 {name!r}"]


RULES = [ValidSchema(), CleanOutputs(), UniqueCellIds(), GradeMetadata(), PointsOnGradedCells(),
         TestAfterAnswer(), SolutionMarkers(), PythonKernel()]

"""Turn nbgrader's tracebacks and logs into short Chinese explanations."""

from __future__ import annotations

import re

# nbgrader refuses a submission whose grade cells' metadata no longer matches the gradebook; which step
# notices depends on the edit (a removed grade_id, a duplicated or new grade cell, an old metadata format).
METADATA_TAMPERED = (r"nbgrader metadata may be corrupted|old version\s+of the nbgrader metadata format"
                     r"|preprocessors/deduplicateids\.py|preprocessors/overwritecells\.py")

# (pattern in nbgrader's error or log, explanation). First match wins; order matters:
# specific causes before the generic ones.
KNOWN = [
    (r"No such file or directory: 'alembic'|alembic: (command )?not found",
     "找不到 alembic 命令:nbgrader 要用它建立成绩簿。请通过 make 或 .venv/bin/kefu 运行,"
     "或先执行 export PATH=$PWD/.venv/bin:$PATH。"),
    (r"CellTimeoutError|Cell execution timed out|Timeout waiting for execute reply",
     "有单元格运行超时(可能是死循环或长时间等待),该单元格记 0 分。"),
    (r"DeadKernelError|Kernel died|kernel died",
     "笔记本运行时内核意外退出(代码里可能调用了 sys.exit() / os._exit() 或耗尽了内存)。"),
    (METADATA_TAMPERED,
     "学员改动了评分单元格的 nbgrader 元数据(题号、分值、单元格类型,或复制、新增了评分单元格),"
     "nbgrader 无法与成绩簿核对,这份作业没有评分。请让学员重新获取学生版,把答案抄进未改动的笔记本后重新提交。"),
    (r"NotJSONError|JSONDecodeError|Notebook does not appear to be JSON",
     "提交的笔记本文件已损坏,不是有效的 JSON。请让学员重新保存并提交。"),
    (r"UnicodeDecodeError", "笔记本文件不是 UTF-8 编码,无法读取。"),
    (r"NotebookValidationError|ValidationError", "笔记本不符合 nbformat 格式规范。"),
    (r"MissingEntry", "成绩簿里缺少这份作业或这名学员的记录:请先运行 kefu release 生成作业。"),
    (r"No notebooks were matched|No notebooks found|does not exist.*source|Source assignment .* does not exist",
     "没有找到对应的笔记本:请检查作业名和 source/ 或 submitted/ 下的文件夹。"),
    # A test cell's source always differs (the release hides its hidden tests), so only other
    # attributes of test cells, and any attribute of other read-only cells, mean a learner's edit.
    (r"Attribute '(?!source')\w+' for cell \S+ has changed|Attribute 'source' for cell (?!\S+_test\b)\S+ has changed",
     "学员改动了只读单元格或测试单元格;评分时已换回原始版本。"),
    (r"Missing grade cell \S+ encountered",
     "学员删除了评分单元格;评分时已补回原始版本。"),
    (r"No submitted file:",
     "提交中缺少笔记本文件(可能被改名或删除),该笔记本记 0 分。"),
    (r"is -?[\d.]+ seconds late", "这份作业迟交了。"),
    (r"database is locked", "成绩簿正被另一个进程占用(例如正在运行的 formgrader),请稍后重试。"),
]


def explain(text: str | None) -> list[str]:
    """Chinese explanations for every known problem found in ``text``."""
    if not text:
        return []
    found = []
    for pattern, message in KNOWN:
        if re.search(pattern, text) and message not in found:
            found.append(message)
    return found


_GENERIC = "NbGraderException"


def last_error_line(text: str | None) -> str:
    """The last specific ``SomeError: message`` line of a traceback, for context.

    nbgrader ends every failure with a generic NbGraderException; the cause
    is the error line before it.
    """
    if not text:
        return ""
    lines = [l.strip() for l in text.strip().splitlines() if l.strip()]
    errors = [l for l in lines if re.match(r"^[\w.]+(Error|Exception|Exit|Interrupt)\b", l)]
    specific = [l for l in errors if _GENERIC not in l]
    chosen = (specific or errors or lines[-1:] or [""])[-1]
    return chosen[:300]


def describe_warnings(result: dict) -> list[str]:
    """Explanations for known warnings in the log of a successful run."""
    return explain(result.get("log"))


def describe_failure(result: dict) -> str:
    """One paragraph for a failed ``{success, error, log}`` result of NbGraderAPI."""
    blob = (result.get("error") or "") + "\n" + (result.get("log") or "")
    sandbox = re.search(r"(?:SandboxUnavailable|SubmissionRefused): (.+)", blob)
    if sandbox:  # our own Chinese sentence, raised inside nbgrader's pipeline
        return sandbox.group(1).strip()
    if re.search(METADATA_TAMPERED, blob):  # the whole story: nothing was graded, nothing restored
        return next(message for pattern, message in KNOWN if pattern == METADATA_TAMPERED)
    reasons = explain(blob)
    detail = last_error_line(result.get("log")) or last_error_line(result.get("error"))
    if _GENERIC in detail:
        detail = last_error_line(result.get("error"))
    text = ";".join(reasons) if reasons else "nbgrader 报告了一个未识别的错误。"
    return text + (f"\n    原始信息:{detail}" if detail else "")

"""Execute one submission: learner cells in the sandbox, test cells in the grader.

Cells run in notebook order, as a kernel would run them. A learner's cell is
sent to the learner's sandboxed process. A test cell (an nbgrader grade cell
that is not a solution) never leaves the grader: the grader asks the learner's
process only for the values the test reads, as plain data, binds them in a
namespace of its own where the libraries the instructor's setup cells import
are the grader's genuine copies, and runs the test there. Outputs land in the
notebook exactly where a kernel would have put them, so nbgrader's own
``SaveAutoGrades`` scores them unchanged.

Whatever the learner's code does (exit, loop, exhaust memory, kill its
process, print without end, send garbage) ends in a status and a sentence for
the instructor; the remaining cells still get outputs and the run completes.
"""

from __future__ import annotations

import ast
import base64
import builtins
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from .launcher import Limits, Sandbox
from .remote import LearnerConnection, LearnerProcessGone
from .shell import CapturingShell
from .zygote import BROKE_ITSELF

FILE_LIMIT = 8 * 1024 * 1024
MESSAGE_LIMIT = 64 * 1024 * 1024
BUILTIN_NAMES = frozenset(dir(builtins))


@dataclass
class RunReport:
    """How the run went, for the instructor."""

    status: str = "ok"  # ok | errors | timeout | died | limit
    problems: list[str] = field(default_factory=list)
    errored_cells: int = 0

    def escalate(self, status: str, problem: str) -> None:
        order = ["ok", "errors", "limit", "died", "timeout"]
        if order.index(status) > order.index(self.status):
            self.status = status
        if problem not in self.problems:
            self.problems.append(problem)


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_test_cell(cell) -> bool:
    meta = _nbgrader(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_setup_cell(cell) -> bool:
    meta = _nbgrader(cell)
    return cell.cell_type == "code" and bool(meta.get("locked")) and not meta.get("grade") \
        and not meta.get("solution")


def free_names(source: str) -> set[str]:
    """Every name the code reads (at any depth), minus builtins; empty when it does not parse."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} \
        - BUILTIN_NAMES


def import_statements(source: str) -> tuple[str, set[str]]:
    """The top-level imports of an instructor's setup cell, and the names they bind."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return "", set()
    nodes = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    names = set()
    for node in nodes:
        for alias in node.names:
            if alias.name != "*":
                names.add(alias.asname or alias.name.split(".")[0])
    return "\n".join(ast.unparse(n) for n in nodes), names


def _label(index: int, cell) -> str:
    grade_id = _nbgrader(cell).get("grade_id")
    return f"第 {index + 1} 个单元格" + (f"({grade_id})" if grade_id else "")


def _error_output(ename: str, evalue: str) -> dict:
    return {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": [f"{ename}: {evalue}"]}


SIGNAL_NAMES = {getattr(signal, n): n for n in dir(signal) if n.startswith("SIG") and not n.startswith("SIG_")}


def describe_exit(status: dict, limits: Limits) -> tuple[str, str]:
    """(status, sentence) for how the learner's process ended."""
    if status.get("sandbox_died"):
        return "died", "评分沙箱意外退出(学员代码可能结束了沙箱内的所有进程),已重新启动"
    if "signal" in status:
        sig = status["signal"]
        name = SIGNAL_NAMES.get(sig, f"信号 {sig}")
        if sig == signal.SIGXCPU:
            return "timeout", f"CPU 时间超过 {limits.notebook_seconds:g} 秒,学员进程被终止({name})"
        if sig == signal.SIGXFSZ:
            return "limit", f"写入的文件超过 {limits.file_bytes // 1024 ** 2} MiB,学员进程被终止({name})"
        return "died", f"学员进程被信号 {name} 终止(可能是学员代码自己结束了进程,或内存耗尽)"
    code = status.get("code")
    if code == BROKE_ITSELF:
        return "died", "学员代码破坏了学员进程自身的运行环境(例如改写了内置函数),进程无法继续"
    return "died", f"学员进程退出了(退出码 {code};例如调用了 os._exit())"


class SubmissionRun:
    """Runs one notebook; ``run()`` fills the cells' outputs and returns a RunReport."""

    def __init__(self, nb, folder: Path, sandbox: Sandbox, shell: CapturingShell):
        self.nb = nb
        self.folder = Path(folder)
        self.sandbox = sandbox
        self.limits = sandbox.limits
        self.shell = shell
        self.report = RunReport()
        self.conn: LearnerConnection | None = None
        self.gone_reported = False
        self.trusted_names: set[str] = set()
        self.count = 0

    # --- learner's process ---------------------------------------------------------------
    def _files(self) -> dict:
        files = {}
        for path in sorted(self.folder.rglob("*")):
            if path.is_file() and not path.is_symlink() and path.stat().st_size <= FILE_LIMIT:
                files[str(path.relative_to(self.folder))] = base64.b64encode(path.read_bytes()).decode("ascii")
        return files

    def _start(self) -> None:
        self.conn = LearnerConnection(self.sandbox.spawn(), message_limit=MESSAGE_LIMIT,
                                      interrupt=self.sandbox.interrupt)
        self.conn.deadline = time.monotonic() + 30
        self.conn.request({"op": "setup", "files": self._files()})

    def _process_gone(self, where: str) -> None:
        """The learner's process stopped answering: say why, once."""
        if self.gone_reported:
            return
        self.gone_reported = True
        why = self.conn.ended if self.conn else "closed"
        if why == "timeout":
            self.sandbox.reap()
            if self.notebook_deadline <= time.monotonic():
                self.report.escalate("timeout", f"{where}:整份作业运行超过 {self.limits.notebook_seconds:g} 秒,"
                                                "已终止学员进程;之后的单元格不再运行")
            else:
                self.report.escalate("timeout", f"{where}:超过 {self.limits.cell_seconds:g} 秒仍未结束"
                                                "(死循环或等待过久),已终止学员进程;之后的单元格不再运行")
            return
        if why in ("overflow", "garbage"):
            self.sandbox.reap()
            self.report.escalate("limit", f"{where}:学员进程送回的数据超过 {MESSAGE_LIMIT // 1024 ** 2} MiB"
                                          "或无法读取,已终止学员进程")
            return
        status, sentence = describe_exit(self.sandbox.reap(), self.limits)
        self.report.escalate(status, f"{where}:{sentence};之后的单元格不再运行")

    def _deadline(self) -> float:
        """The current cell's deadline; a cell's own limit interrupts, the notebook's limit kills."""
        cell = time.monotonic() + self.limits.cell_seconds
        if self.conn is not None:
            self.conn.interruptible = cell < self.notebook_deadline
        return min(cell, self.notebook_deadline)

    def _note_interrupts(self, where: str, before: int) -> bool:
        """Report an interrupt during this cell; True when there was one."""
        if self.conn is None or self.conn.interrupts <= before:
            return False
        self.report.escalate("timeout", f"{where}:超过 {self.limits.cell_seconds:g} 秒仍未结束(死循环或等待过久),"
                                        "已中断(KeyboardInterrupt),本单元格按出错处理,后面的单元格照常运行")
        if self.sandbox.pruned:
            self.report.escalate("limit", f"{where}:学员代码启动的 {self.sandbox.pruned} 个其他进程"
                                          "(例如 fork 炸弹或后台进程)已被全部结束")
        return True

    # --- cells -----------------------------------------------------------------------------
    def _run_learner_cell(self, index: int, cell) -> list[dict]:
        where = _label(index, cell)
        if self.conn is None or self.conn.ended:
            return [_error_output("DeadKernelError", "学员进程已终止,这个单元格没有运行")]
        self.conn.deadline = self._deadline()
        interrupts = self.conn.interrupts
        try:
            reply = self.conn.request({"op": "run", "code": cell.source, "limit": self.limits.output_chars})
            interrupted = self._note_interrupts(where, interrupts)
        except LearnerProcessGone:
            self._process_gone(where)
            ename = "CellTimeoutError" if self.conn.ended == "timeout" else "DeadKernelError"
            return [_error_output(ename, self.report.problems[-1] if self.report.problems else "学员进程已终止")]
        outputs = reply.get("outputs") if isinstance(reply.get("outputs"), list) else []
        outputs = [o for o in outputs if isinstance(o, dict) and o.get("output_type") in
                   ("stream", "display_data", "execute_result", "error")]
        ename = reply.get("ename")
        if ename == "SystemExit":
            self.report.escalate("errors", f"{where}:调用了 sys.exit()(或 raise SystemExit),按出错处理")
        elif ename == "KeyboardInterrupt" and not interrupted:
            self.report.escalate("errors", f"{where}:抛出了 KeyboardInterrupt,按出错处理")
        elif ename == "MemoryError":
            self.report.escalate("limit", f"{where}:内存超过 {self.limits.memory_bytes // 1024 ** 2} MiB 的上限"
                                          "(MemoryError)")
        if any(o.get("output_type") == "stream" and "输出过长" in str(o.get("text", ""))[-200:] for o in outputs):
            self.report.escalate("limit", f"{where}:输出超过 {self.limits.output_chars} 个字符,已截断")
        return outputs

    def _run_test_cell(self, index: int, cell) -> list[dict]:
        where = _label(index, cell)
        namespace = self.shell.user_ns
        wanted = sorted(free_names(cell.source) - self.trusted_names)
        if self.conn is not None and not self.conn.ended and wanted:
            self.conn.deadline = self._deadline()
            try:
                reply = self.conn.request({"op": "export", "names": wanted})
                values = reply.get("values") if isinstance(reply.get("values"), dict) else {}
                for name in wanted:
                    namespace.pop(name, None)
                    if name in values:
                        try:
                            namespace[name] = self.conn.decoder().decode(values[name])
                        except Exception as exc:  # noqa: BLE001 - any malformed value simply stays unbound
                            self.report.escalate("errors", f"{where}:{name} 的值无法读取({exc}),按未作答处理")
            except LearnerProcessGone:
                self._process_gone(where)
        elif wanted:
            for name in wanted:
                namespace.pop(name, None)
        ended_before = self.conn.ended if self.conn is not None else "closed"
        interrupts = self.conn.interrupts if self.conn is not None else 0
        if self.conn is not None:
            self.conn.deadline = self._deadline()
        before = {name: id(value) for name, value in namespace.items()}
        outputs, _error = self.shell.run(cell.source, limit=self.limits.output_chars)
        # What the test itself defined (helpers, expected frames) stays the grader's: a later test that
        # reads it must never get a learner's value of the same name instead.
        self.trusted_names |= {name for name, value in namespace.items()
                               if not name.startswith("_i") and before.get(name) != id(value)}
        if self.conn is not None and ended_before is None and self.conn.ended == "timeout" and not any(
                o.get("output_type") == "error" for o in outputs):
            outputs.append(_error_output("CellTimeoutError", "学员函数运行超时,本题不得分"))
        self._note_interrupts(where, interrupts)
        if self.conn is not None and self.conn.ended and not self.gone_reported:
            self._process_gone(where)
        return outputs

    def _trusted_imports(self, cell) -> None:
        code, names = import_statements(cell.source)
        if code:
            outputs, error = self.shell.run(code)
            if error is None:
                self.trusted_names |= names

    def run(self) -> RunReport:
        started = time.monotonic()
        self.notebook_deadline = started + self.limits.notebook_seconds
        self._fresh_namespace()
        previous = os.getcwd()
        os.chdir(self.folder)
        try:
            try:
                self._start()
            except LearnerProcessGone:
                self._process_gone("准备运行环境时")
            for index, cell in enumerate(self.nb.cells):
                if cell.cell_type != "code":
                    continue
                self.count += 1
                if is_test_cell(cell):
                    outputs = self._run_test_cell(index, cell)
                else:
                    if is_setup_cell(cell):
                        self._trusted_imports(cell)
                    outputs = self._run_learner_cell(index, cell)
                for output in outputs:
                    if output.get("output_type") == "execute_result":
                        output["execution_count"] = self.count
                if any(o.get("output_type") == "error" for o in outputs):
                    self.report.errored_cells += 1
                    if self.report.status == "ok":
                        self.report.status = "errors"
                cell.outputs = [_node(o) for o in outputs]
                cell.execution_count = self.count
        finally:
            os.chdir(previous)
            self._finish()
        return self.report

    def _fresh_namespace(self) -> None:
        """An empty namespace for this submission's tests (IPython's reset() also runs a slow gc.collect)."""
        self.shell.user_ns.clear()
        self.shell.user_ns_hidden.clear()
        self.shell.init_user_ns()
        self.shell.execution_count = 1

    def _finish(self) -> None:
        if self.conn is not None and not self.conn.ended:
            self.conn.deadline = time.monotonic() + 5
            try:
                self.conn.request({"op": "bye"})
            except LearnerProcessGone:
                pass
        if self.conn is not None:
            self.conn.close()
            if not self.gone_reported:
                self.sandbox.reap()


def _node(output: dict):
    from nbformat import from_dict

    return from_dict(output)


_trusted_shell: CapturingShell | None = None


def trusted_shell() -> CapturingShell:
    """The grader's own shell for test cells (one per grading process)."""
    global _trusted_shell
    if _trusted_shell is None:
        import sys
        import types

        # IPython registers its user module in sys.modules under that module's name; a name of our own
        # keeps the grading process's real __main__ (multiprocessing and Dask need it to start workers).
        main = sys.modules.get("__main__")
        _trusted_shell = CapturingShell.instance(user_module=types.ModuleType("__kefu_tests__"))
        if main is not None:
            sys.modules["__main__"] = main
    return _trusted_shell

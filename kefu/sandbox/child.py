"""The learner's side: a process that runs one submission's cells and answers the grader.

It holds the learner's namespace and serves requests from the grader over one
socket: run a cell, export named values as plain data, call a learner's
function or read an attribute of a learner's object. It never sees a hidden
test: test cells run in the grader, which only asks this process for data.
Everything it sends back is decoded by the grader as untrusted plain data,
so code that tampers with this module gains nothing it could not have typed
as an answer.
"""

from __future__ import annotations

import base64
import io
import os
import signal
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

from .codec import CodecError, Decoder, Encoder
from .protocol import ChannelClosed, receive, send

CALL_OUTPUT_LIMIT = 200_000
FILES_LIMIT = 32 * 1024 * 1024


class _CappedText(io.StringIO):
    def write(self, text):
        if self.tell() < CALL_OUTPUT_LIMIT:
            super().write(str(text)[: CALL_OUTPUT_LIMIT - self.tell()])
        return len(text)


@contextmanager
def _interruptible():
    """SIGINT raises KeyboardInterrupt while learner code runs; at any other moment it is ignored."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def describe_exception(exc: BaseException) -> dict:
    """Name, message and builtin ancestry of an exception, as plain data."""
    import builtins

    mro = [k.__name__ for k in type(exc).__mro__
           if getattr(builtins, k.__name__, None) is k and isinstance(k, type) and issubclass(k, BaseException)]
    try:
        message = str(exc)[:10_000]
    except Exception:
        message = ""
    return {"ename": type(exc).__name__[:200], "evalue": message, "mro": mro}


def _interrupted_reply(op: str) -> dict:
    error = {"output_type": "error", "ename": "KeyboardInterrupt", "evalue": "", "traceback": ["KeyboardInterrupt"]}
    if op == "run":
        return {"ok": True, "outputs": [error], "ename": "KeyboardInterrupt", "count": 0}
    return {"ok": False, "error": {"ename": "KeyboardInterrupt", "evalue": "",
                                   "mro": ["KeyboardInterrupt", "BaseException"]},
            "stdout": "", "stderr": "", "warnings": []}


class LearnerProcess:
    """Serves the grader's requests until it says goodbye or the socket closes."""

    def __init__(self, sock, shell):
        self.sock = sock
        self.shell = shell
        self.handles: dict[int, object] = {}

    # handles: the learner's objects that are not plain data stay here, the grader gets a number
    def _to_handle(self, obj) -> int:
        ident = len(self.handles) + 1
        self.handles[ident] = obj
        return ident

    def _from_handle(self, ident: int, _type: str):
        if ident not in self.handles:
            raise CodecError(f"unknown handle {ident}")
        return self.handles[ident]

    def encode(self, value):
        return Encoder(self._to_handle).encode(value)

    def serve(self) -> None:
        while True:
            try:
                request = receive(self.sock)
            except ChannelClosed:
                return
            op = request.get("op")
            if op == "bye":
                send(self.sock, {"ok": True})
                return
            handler = getattr(self, f"op_{op}", None) if isinstance(op, str) else None
            if handler is None:
                send(self.sock, {"ok": False, "error": {"ename": "ProtocolError", "evalue": repr(op), "mro": []}})
                continue
            try:
                reply = handler(request)
            except KeyboardInterrupt:  # the grader's interrupt landed just outside the learner's code
                reply = _interrupted_reply(op)
            send(self.sock, reply)

    def op_setup(self, request):
        """Write the submission's files (not the notebooks' hidden parts: the grader sends none)."""
        total = 0
        for relative, encoded in request.get("files", {}).items():
            data = base64.b64decode(encoded)
            total += len(data)
            target = Path(relative)
            if target.is_absolute() or ".." in target.parts or total > FILES_LIMIT:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return {"ok": True}

    def op_run(self, request):
        with _interruptible():
            outputs, error = self.shell.run(str(request.get("code", "")), limit=int(request.get("limit", 1_000_000)))
        return {"ok": True, "outputs": outputs, "ename": error["ename"] if error else None,
                "count": self.shell.execution_count - 1}

    def op_export(self, request):
        values, problems = {}, {}
        namespace = self.shell.user_ns
        for name in request.get("names", []):
            if not isinstance(name, str) or name not in namespace:
                continue
            try:
                values[name] = self.encode(namespace[name])
            except Exception as exc:  # a learner's object that breaks while being read
                problems[name] = describe_exception(exc)
        return {"ok": True, "values": values, "problems": problems}

    def _capture(self, action):
        out, err = _CappedText(), _CappedText()
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        try:
            with warnings.catch_warnings(record=True) as caught, _interruptible():
                warnings.simplefilter("always")
                try:
                    reply = {"ok": True, "value": self.encode(action())}
                except CodecError as exc:
                    reply = {"ok": False, "error": {"ename": "CodecError", "evalue": str(exc), "mro": []}}
                except BaseException as exc:  # the learner's code may raise anything, even SystemExit
                    reply = {"ok": False, "error": describe_exception(exc)}
        finally:
            sys.stdout, sys.stderr = saved
        reply["stdout"], reply["stderr"] = out.getvalue(), err.getvalue()
        reply["warnings"] = [{"category": w.category.__name__, "module": w.category.__module__,
                              "message": str(w.message)[:2000], "filename": str(w.filename)[:500],
                              "lineno": int(w.lineno or 0)} for w in caught[:50]]
        return reply

    def op_call(self, request):
        try:
            decoder = Decoder(self._from_handle)
            func = self._from_handle(request["handle"], "")
            args = [decoder.decode(a) for a in request.get("args", [])]
            kwargs = {str(k): decoder.decode(v) for k, v in request.get("kwargs", [])}
        except (CodecError, KeyError, TypeError, ValueError) as exc:
            return {"ok": False, "error": {"ename": "ProtocolError", "evalue": str(exc), "mro": []},
                    "stdout": "", "stderr": "", "warnings": []}
        return self._capture(lambda: func(*args, **kwargs))

    def op_getattr(self, request):
        try:
            obj = self._from_handle(request["handle"], "")
        except (CodecError, KeyError) as exc:
            return {"ok": False, "error": {"ename": "ProtocolError", "evalue": str(exc), "mro": []},
                    "stdout": "", "stderr": "", "warnings": []}
        name = str(request.get("name", ""))
        return self._capture(lambda: getattr(obj, name))


def run_child(sock, shell) -> None:
    """Entry point in a freshly forked process: detach, then serve until told to stop."""
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    work = Path(os.environ.get("KEFU_SANDBOX_WORK", "/tmp/work"))
    work.mkdir(parents=True, exist_ok=True)
    os.chdir(work)
    try:
        import numpy

        numpy.random.seed()  # a fork copies the parent's random state; a fresh kernel would not share it
    except ImportError:
        pass
    LearnerProcess(sock, shell).serve()

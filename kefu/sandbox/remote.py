"""The grader's side of a learner's process: requests with deadlines, and proxies for learner objects.

A hidden test that calls a learner's function (``score_cases(stage_summary, …)``)
gets a ``LearnerObject`` instead of the function: calling it sends plain-data
arguments to the learner's process, runs the function there, and decodes the
plain-data result here. The proxy defines no comparison, truth or conversion of
its own that the learner controls, so the grader's scorers (which check exact
types) can never be talked into a match. Errors come back as exceptions with
the learner's exception name on the nearest builtin base class; output the
function printed and warnings it raised are replayed here, as a kernel would
have shown them.
"""

from __future__ import annotations

import builtins
import socket
import sys
import time
import warnings

from .codec import CodecError, Decoder, Encoder
from .protocol import ChannelClosed, ChannelGarbage, ChannelOverflow, ChannelTimeout, receive, send


class LearnerProcessGone(Exception):
    """The learner's process has ended (it exited, was killed, or ran out of time)."""


class LearnerConnection:
    """Requests to one learner's process, each bounded by the current deadline."""

    def __init__(self, sock: socket.socket, *, message_limit: int, interrupt=None, grace: float = 5.0):
        self.sock = sock
        self.message_limit = message_limit
        self.deadline: float | None = None
        # At the deadline, first interrupt (KeyboardInterrupt in the learner's code, as a kernel would get)
        # and wait ``grace`` seconds for the reply; only a process that still does not answer is killed.
        self.interrupt = interrupt
        self.interruptible = True
        self.grace = grace
        self.interrupts = 0
        self.ended: str | None = None  # why the process can no longer answer: timeout, closed, overflow, garbage

    def request(self, message: dict) -> dict:
        if self.ended:
            raise LearnerProcessGone(self.ended)
        timeout = None if self.deadline is None else max(self.deadline - time.monotonic(), 0.0)
        try:
            send(self.sock, message)
            try:
                return receive(self.sock, timeout=timeout, limit=self.message_limit)
            except ChannelTimeout:
                if self.interrupt is None or not self.interruptible or not self.interrupt():
                    raise
                self.interrupts += 1
                return receive(self.sock, timeout=self.grace, limit=self.message_limit)
        except ChannelTimeout:
            self.ended = "timeout"
        except (ChannelClosed, BrokenPipeError, ConnectionResetError):
            self.ended = "closed"
        except ChannelOverflow:
            self.ended = "overflow"
        except ChannelGarbage:
            self.ended = "garbage"
        raise LearnerProcessGone(self.ended)

    def decoder(self) -> Decoder:
        return Decoder(lambda ident, label: LearnerObject(self, ident, label))

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


class LearnerObject:
    """A learner's object that is not plain data: it can only be called or have attributes read."""

    __slots__ = ("_conn", "_handle", "_label")

    def __init__(self, conn: LearnerConnection, handle: int, label: str):
        object.__setattr__(self, "_conn", conn)
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_label", label)

    def __repr__(self):
        return f"<学员对象 {self._label}>"

    def __call__(self, *args, **kwargs):
        encoder = Encoder(_handle_of)
        reply = self._conn.request({"op": "call", "handle": self._handle,
                                    "args": [encoder.encode(a) for a in args],
                                    "kwargs": [[k, encoder.encode(v)] for k, v in kwargs.items()]})
        return _result(self._conn, reply)

    def __getattr__(self, name):
        if name.startswith("_"):  # never let Python's or a library's protocol lookups reach learner code
            raise AttributeError(name)
        reply = self._conn.request({"op": "getattr", "handle": self._handle, "name": name})
        return _result(self._conn, reply)

    def __setattr__(self, name, value):
        raise AttributeError("learner objects are read-only here")


def _handle_of(value) -> int:
    if isinstance(value, LearnerObject):
        return value._handle
    raise CodecError(f"cannot send {type(value).__name__} to the learner's process")


def _result(conn: LearnerConnection, reply: dict):
    _replay_output(reply)
    if reply.get("ok") is True and "value" in reply:
        try:
            return conn.decoder().decode(reply["value"])
        except CodecError as exc:
            raise LearnerDataError(f"学员代码返回的数据无法读取:{exc}") from None
    raise exception_from(reply.get("error"))


class LearnerDataError(Exception):
    """What the learner's process sent back is not plain data."""


def _replay_output(reply: dict) -> None:
    for name, stream in (("stdout", sys.stdout), ("stderr", sys.stderr)):
        text = reply.get(name)
        if isinstance(text, str) and text:
            stream.write(text)
    for record in reply.get("warnings") or []:
        if isinstance(record, dict):
            _replay_warning(record)


def _replay_warning(record: dict) -> None:
    category = _warning_class(str(record.get("category", "")), str(record.get("module", "")))
    lineno = record.get("lineno") if type(record.get("lineno")) is int else 0
    warnings.warn_explicit(str(record.get("message", ""))[:2000], category,
                           str(record.get("filename", "<learner>"))[:500], lineno)


def _warning_class(name: str, module: str) -> type:
    if module == "builtins":
        found = getattr(builtins, name, None)
    elif module.startswith("pandas."):
        import pandas.errors

        found = getattr(pandas.errors, name, None)
    else:
        found = None
    return found if isinstance(found, type) and issubclass(found, Warning) else UserWarning


def exception_from(error) -> BaseException:
    """An exception like the learner's: same name, the nearest builtin base class, same message."""
    if not isinstance(error, dict):
        return LearnerDataError("学员进程的回复无法读取")
    name = error.get("ename") if isinstance(error.get("ename"), str) else "Exception"
    message = error.get("evalue") if isinstance(error.get("evalue"), str) else ""
    base = Exception
    for candidate in error.get("mro") or []:
        found = getattr(builtins, candidate, None) if isinstance(candidate, str) else None
        if isinstance(found, type) and issubclass(found, BaseException):
            base = found
            break
    if base.__name__ == name:
        return base(message)
    if not name.isidentifier():
        name = "LearnerError"
    try:
        cls = type(name, (base,), {"__module__": "learner"})
    except TypeError:  # a builtin base that cannot be subclassed
        cls = type(name, (Exception,), {"__module__": "learner"})
    return cls(message)

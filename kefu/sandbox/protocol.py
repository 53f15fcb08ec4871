"""Length-prefixed JSON messages over a stream socket, with a size cap and a deadline.

Both ends of every socket between the grader, the zygote and a learner's
process use these two functions. The reading side never trusts the other:
a frame over ``limit`` bytes, invalid JSON, a non-object, a closed socket or
a missed deadline each raise a distinct error the grader turns into a status.
"""

from __future__ import annotations

import json
import select
import socket
import struct
import time

HEADER = struct.Struct("!Q")
DEFAULT_LIMIT = 64 * 1024 * 1024


class ChannelClosed(ConnectionError):
    """The other end went away (its process exited or was killed)."""


class ChannelTimeout(TimeoutError):
    """No complete message before the deadline."""


class ChannelOverflow(ValueError):
    """The other end sent more than the allowed number of bytes."""


class ChannelGarbage(ValueError):
    """The other end sent something that is not a JSON object."""


def send(sock: socket.socket, message: dict) -> None:
    body = json.dumps(message, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    sock.sendall(HEADER.pack(len(body)) + body)


def receive(sock: socket.socket, *, timeout: float | None = None, limit: int = DEFAULT_LIMIT) -> dict:
    deadline = None if timeout is None else time.monotonic() + timeout
    (size,) = HEADER.unpack(_read_exact(sock, HEADER.size, deadline))
    if size > limit:
        raise ChannelOverflow(f"message of {size} bytes exceeds the limit of {limit}")
    body = _read_exact(sock, size, deadline)
    try:
        message = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ChannelGarbage(str(exc)) from None
    if type(message) is not dict:
        raise ChannelGarbage("message is not an object")
    return message


def _read_exact(sock: socket.socket, size: int, deadline: float | None) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChannelTimeout("no reply before the deadline")
            ready, _, _ = select.select([sock], [], [], left)
            if not ready:
                raise ChannelTimeout("no reply before the deadline")
        try:
            chunk = sock.recv(min(size - len(chunks), 1 << 20))
        except (ConnectionResetError, BrokenPipeError):
            chunk = b""
        if not chunk:
            raise ChannelClosed("the other end closed the connection")
        chunks += chunk
    return bytes(chunks)

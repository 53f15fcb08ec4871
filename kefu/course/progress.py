"""Plain, line-based progress output (works in a terminal, a log and CI)."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager


class Progress:
    """Prints ``[i/n] label … 完成 (1.2 s)`` lines."""

    def __init__(self, total: int, stream=None):
        self.total = total
        self.done = 0
        self.stream = stream or sys.stdout

    @contextmanager
    def step(self, label: str):
        self.done += 1
        start = time.perf_counter()
        print(f"[{self.done}/{self.total}] {label} …", end="", flush=True, file=self.stream)
        outcome = {"status": "完成"}
        try:
            yield outcome
        except BaseException:
            print(" 出错", file=self.stream, flush=True)
            raise
        print(f" {outcome['status']}({time.perf_counter() - start:.1f} 秒)", file=self.stream, flush=True)

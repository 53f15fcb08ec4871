"""An IPython shell that records a cell's outputs as nbformat dicts, as a Jupyter kernel would.

Used on both sides of the trust boundary: the learner's sandboxed process runs
the learner's cells with it, and the grader runs the hidden tests with it. The
outputs have the shape nbclient writes into a notebook (``stream``,
``display_data``, ``execute_result``, ``error``), so nbgrader scores them the
same way. Each cell's output is capped; past the cap a single note says so.
"""

from __future__ import annotations

import io
import sys

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

OUTPUT_LIMIT = 1_000_000  # characters of output kept per cell
TRUNCATED = "\n…(输出过长,已截断:每个单元格最多保留 {} 个字符)\n"


class _Outputs:
    """The outputs of one cell, with a size budget."""

    def __init__(self, limit: int):
        self.items: list[dict] = []
        self.left = limit
        self.limit = limit
        self.truncated = False

    def _spend(self, size: int) -> bool:
        if size <= self.left:
            self.left -= size
            return True
        if not self.truncated:
            self.truncated = True
            self.items.append({"output_type": "stream", "name": "stdout", "text": TRUNCATED.format(self.limit)})
        return False

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        if len(text) > self.left:
            text = text[: max(self.left, 0)]
            if text:
                self._append_stream(name, text)
                self.left = 0
            self._spend(1 << 62)
            return
        self.left -= len(text)
        self._append_stream(name, text)

    def _append_stream(self, name: str, text: str) -> None:
        last = self.items[-1] if self.items else None
        if last and last["output_type"] == "stream" and last["name"] == name and not self.truncated:
            last["text"] += text
        else:
            self.items.append({"output_type": "stream", "name": name, "text": text})

    def rich(self, output: dict) -> None:
        size = sum(len(v) if isinstance(v, str) else len(str(v)) for v in output.get("data", {}).values())
        if self._spend(size):
            self.items.append(output)

    def clear(self) -> None:
        self.items.clear()


class _StreamCapture(io.TextIOBase):
    def __init__(self, shell: "CapturingShell", name: str):
        self._shell, self._name = shell, name

    @property
    def encoding(self):
        return "utf-8"

    def writable(self):
        return True

    def isatty(self):
        return False

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._shell.current.stream(self._name, text)
        return len(text)


class _Publisher(DisplayPublisher):
    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        self.shell.current.rich({"output_type": "display_data", "data": _jsonable(data),
                                 "metadata": _jsonable(metadata or {})})

    def clear_output(self, wait=False):
        self.shell.current.clear()


class _ResultHook(DisplayHook):
    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        self.shell.current.rich({"output_type": "execute_result", "data": _jsonable(format_dict),
                                 "metadata": _jsonable(md_dict or {}), "execution_count": self.prompt_count})

    def finish_displayhook(self):
        pass


def _jsonable(mapping):
    """MIME bundles as JSON-safe dicts (a bytes image becomes base64 text, as ipykernel sends it)."""
    import base64

    out = {}
    for key, value in dict(mapping).items():
        if isinstance(value, bytes):
            value = base64.b64encode(value).decode("ascii")
        elif not isinstance(value, (str, int, float, bool, list, dict, type(None))):
            value = str(value)
        out[str(key)] = value
    return out


class CapturingShell(InteractiveShell):
    """InteractiveShell whose outputs go to ``self.current`` instead of a terminal."""

    def __init__(self, **kwargs):
        config = Config()
        config.HistoryManager.enabled = False
        super().__init__(config=config, colors="neutral", **kwargs)
        self.current = _Outputs(OUTPUT_LIMIT)
        self.display_pub = _Publisher(shell=self, parent=self)
        self.displayhook = _ResultHook(shell=self, cache_size=self.cache_size, parent=self)
        self.display_trap.hook = self.displayhook

    def init_io(self):  # no terminal
        pass

    def _showtraceback(self, etype, evalue, stb):
        self.current.items.append({"output_type": "error", "ename": getattr(etype, "__name__", str(etype)),
                                   "evalue": _safe_str(evalue), "traceback": [str(line) for line in stb]})

    def run(self, code: str, *, limit: int = OUTPUT_LIMIT) -> tuple[list[dict], dict | None]:
        """Run one cell; its outputs and, when it raised, the error output."""
        self.current = _Outputs(limit)
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _StreamCapture(self, "stdout"), _StreamCapture(self, "stderr")
        try:
            self.run_cell(code, store_history=True)
        finally:
            sys.stdout, sys.stderr = saved
        outputs = self.current.items
        error = next((o for o in outputs if o["output_type"] == "error"), None)
        return outputs, error


def _safe_str(value) -> str:
    try:
        return str(value)[:10_000]
    except Exception:  # a learner's exception whose __str__ raises
        return f"<{type(value).__name__}>"

"""Deterministic generator of the course's fictional practice data.

``python -m kefu.datagen`` rewrites ``data/chat_sessions.csv``, ``data/orders.csv``,
``data/violations.csv``, ``data/carts.csv`` and ``data/complaints.csv``. The same seed always gives
byte-identical files: only ``random.Random`` is used, one generator per dataset (seed + 1, + 2, …),
so changing or adding one dataset never shifts the others. The vocabulary lives in
``data/generator_vocab.yaml``.

The KPI month of M10 (``kpi_sessions.csv``, ``kpi_messages.csv``, ``kpi_orders.csv``) is three
files of one plan: they share the offset + 10, each rebuilds the same plan from its own fresh
generator and writes its part (see :mod:`kefu.datagen.kpi_month`).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

from . import carts, chats, complaints, kpi_messages, kpi_orders, kpi_sessions, orders, violations
from ._common import write_csv
from ._vocab import load_vocab

__all__ = ["DEFAULT_SEED", "DEFAULT_OUT_DIR", "DATASETS", "generate", "main"]

DEFAULT_SEED = 20261126
DEFAULT_OUT_DIR = Path(__file__).resolve().parents[2] / "data"
# (module, seed offset): each dataset draws from its own random.Random(seed + offset).
DATASETS = ((chats, 1), (orders, 2), (violations, 3), (carts, 4), (complaints, 5))
# M10's KPI month: three files of one plan, hence one shared offset.
DATASETS += ((kpi_sessions, 10), (kpi_messages, 10), (kpi_orders, 10))


def _write_all(out_dir: Path, seed: int) -> list[tuple[Path, int]]:
    """Write every dataset; return (path, number of rows) pairs."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    vocab = load_vocab()
    written = []
    for module, offset in DATASETS:
        rows = module.build(random.Random(seed + offset), vocab)
        path = out_dir / module.FILENAME
        written.append((path, write_csv(path, module.COLUMNS, rows)))
    return written


def generate(out_dir: Path, *, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the practice CSV files into ``out_dir`` and return their paths."""
    return [path for path, _ in _write_all(out_dir, seed)]


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when it lies below it."""
    try:
        return Path(os.path.relpath(path)).as_posix() if path.resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


def main(*, out_dir: Path | str | None = None, seed: int = DEFAULT_SEED) -> int:
    """Generate the files, print one Chinese line per file, return 0."""
    target = Path(out_dir) if out_dir is not None else DEFAULT_OUT_DIR
    for path, count in _write_all(target, seed):
        print(f"已生成 {_shown(path)}({count} 行)")
    return 0

"""``python -m kefu.datagen [--out DIR] [--seed N]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import DEFAULT_OUT_DIR, DEFAULT_SEED, main


def _parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m kefu.datagen",
        description="生成课程练习用的虚构数据(chat_sessions.csv、orders.csv、violations.csv、carts.csv、complaints.csv,"
                    "以及 M10 的 kpi_sessions.csv、kpi_messages.csv、kpi_orders.csv)。")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"输出文件夹(默认:{DEFAULT_OUT_DIR})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"随机种子(默认:{DEFAULT_SEED});同一种子总是生成相同的文件")
    return parser.parse_args(argv)


if __name__ == "__main__":
    args = _parse()
    raise SystemExit(main(out_dir=args.out, seed=args.seed))

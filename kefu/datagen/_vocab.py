"""Load the generator's vocabulary from ``data/generator_vocab.yaml``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

VOCAB_NAME = "generator_vocab.yaml"
_PACKAGE = Path(__file__).resolve().parents[1]
# A checkout keeps data/ beside the package; a wheel ships it as kefu/_data.
_CANDIDATES = (_PACKAGE.parent / "data" / VOCAB_NAME, _PACKAGE / "_data" / VOCAB_NAME)


def vocab_path() -> Path:
    """The vocabulary file that will be read."""
    for path in _CANDIDATES:
        if path.is_file():
            return path
    searched = "、".join(str(p) for p in _CANDIDATES)
    raise FileNotFoundError(f"找不到生成器词表 {VOCAB_NAME}(已查找:{searched})")


@lru_cache(maxsize=1)
def load_vocab() -> dict[str, Any]:
    """The parsed vocabulary (cached; treat it as read-only)."""
    return yaml.safe_load(vocab_path().read_text(encoding="utf-8"))

"""What counts as a plain real number in an answer."""

from __future__ import annotations

import numpy as np

# Exact types only: a subclass could lie about its value.
REAL_TYPES = (int, float, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
              np.uint64, np.float16, np.float32, np.float64)


def is_real_number(value) -> bool:
    """True for ints, floats and numpy's (pandas' ``.sum()`` gives np.int64); never for bool."""
    return type(value) in REAL_TYPES

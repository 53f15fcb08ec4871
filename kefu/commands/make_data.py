"""kefu make-data — regenerate the practice tables in data/ (fixed seed)."""

from __future__ import annotations


def main(*, out_dir=None, seed: int | None = None) -> int:
    from ..datagen import main as generate_main

    kwargs = {"out_dir": out_dir}
    if seed is not None:
        kwargs["seed"] = seed
    return generate_main(**kwargs)

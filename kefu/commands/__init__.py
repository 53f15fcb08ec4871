"""One module per command; each exposes a keyword-only ``main(*, ...) -> int``."""

"""The stylesheet as a widget (see :mod:`kefu._style`)."""

from __future__ import annotations

import ipywidgets as w

from .._style import STYLE_TAG


def style_tag() -> w.HTML:
    """An invisible widget carrying the stylesheet; repeating it is harmless."""
    return w.HTML(STYLE_TAG, layout=w.Layout(display="none"))

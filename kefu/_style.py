"""The one stylesheet of kefu's notebook output: Chinese text in a Simplified Chinese font.

JupyterLab's page language is English, so without a font list Chrome may draw
Chinese with a Japanese CJK face (different glyph shapes for some characters).
"""

from __future__ import annotations

FONT_STACK = ("'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', "
              "'Microsoft YaHei', sans-serif")

CSS = (f".kefu-chat, .kefu-quiz, .kefu-graded-choice, .kefu-practice-card, .kefu-review, .kefu-progress, "
       f".kefu-tryout, .kefu-multichat {{ font-family: {FONT_STACK}; }}")

STYLE_TAG = f"<style>{CSS}</style>"

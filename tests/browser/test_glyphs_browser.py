"""Every release notebook, run in JupyterLab in chromium with the course's fonts, draws every character.

A learner's machine has the fonts the README installs (fonts-noto-cjk); an emoji or symbol that none of the
installed fonts has is drawn as an empty box. Each notebook is opened and run (so widget outputs, chat
scenarios and checker messages are on the page too), then every distinct character is checked in the font
the page really uses for it (tests/browser/glyphs.py). The course's lab settings must also keep JupyterLab's
"get notified about official Jupyter news?" prompt from covering the notebook.
"""

from __future__ import annotations

import nbformat
import pytest

from conftest import ASSIGNMENTS

from .glyphs import describe, missing_glyphs

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"


def test_the_detector_flags_a_missing_emoji_and_passes_ordinary_text(page):
    page.set_content('<div id="t" style="font-family: sans-serif">客服 ✓ × ABC ①</div>'
                     '<div id="u" style="font-family: sans-serif">回复 ✅ ❌</div>')
    ok = missing_glyphs(page, "#t")
    assert ok["checked"] == 8 and ok["missing"] == []
    bad = missing_glyphs(page, "#u")
    assert [m["code"] for m in bad["missing"]] == ["U+2705", "U+274C"]


def unanswered_copy(course, assignment: str) -> str:
    """The release notebook as a learner opens it, every code cell tagged ``raises-exception``.

    JupyterLab's Run All then goes on past the unanswered cells (NotImplementedError), as a learner does
    cell by cell, so every later cell's output (widgets, checker messages) is drawn too.
    """
    nb = nbformat.read(str(course / "release" / assignment / f"{assignment}.ipynb"), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            tags = cell.metadata.setdefault("tags", [])
            if "raises-exception" not in tags:
                tags.append("raises-exception")
    folder = course / "learner" / "glyphs" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / f"{assignment}.ipynb"))
    return f"learner/glyphs/{assignment}/{assignment}.ipynb"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_notebook_draws_every_character_and_no_news_prompt(assignment, lab, open_notebook, artifacts):
    nb = open_notebook(unanswered_copy(lab.course, assignment))
    nb.run_all(timeout_s=180)
    nb.page.wait_for_timeout(500)  # widget views render just after their output message
    result = missing_glyphs(nb.page, NOTEBOOK)
    if result["missing"]:
        nb.page.screenshot(path=str(artifacts / f"tofu-{assignment}.png"), full_page=False)
    assert result["checked"] > 300  # the text of the whole notebook was seen, not an empty panel
    assert result["missing"] == [], f"{assignment} 中有字体缺字(显示为方框):{describe(result['missing'])}"
    news = nb.page.locator(".Toastify__toast", has_text="Jupyter news")
    assert news.count() == 0, "JupyterLab 的“是否接收 Jupyter 新闻”提示遮住了笔记本:课程的 lab 设置没有生效"

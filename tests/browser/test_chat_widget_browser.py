"""The chat simulator in a real JupyterLab: play a compliant path to the scorecard, check Chinese renders.

A one-cell notebook ``kefu.simulate("size_advice")`` is run in chromium. The path is chosen from the
scenario data (``all_paths`` + ``Session``): the first path whose scorecard is compliant. Each step clicks
the ``.kefu-choice`` button carrying that reply's text, so the test follows the buttons the learner sees.
The chat window is saved as test-artifacts/chat_widget.png.
"""

from __future__ import annotations

import nbformat
import pytest

from kefu import data_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCENARIO = "size_advice"

# Runs as soon as the simulator and its scenario have landed; until then it is skipped, saying why.
pytest.importorskip("kefu.widgets.chat", reason="聊天模拟器 kefu/widgets/chat.py 还没有加入")
if not (data_dir() / "scenarios" / f"{SCENARIO}.yaml").is_file():
    pytest.skip(f"情景 data/scenarios/{SCENARIO}.yaml 还没有加入", allow_module_level=True)

from kefu.scenarios import Session, all_paths, load_scenario  # noqa: E402


def compliant_path(scenario):
    """The first path (in index order) whose scorecard is compliant, with that scorecard."""
    for path in all_paths(scenario):
        session = Session(scenario)
        for index in path:
            session.choose(index)
        card = session.scorecard()
        if card.compliant:
            return path, card
    raise AssertionError(f"scenario {scenario.id} has no compliant path")


def chat_notebook(course) -> str:
    folder = course / "learner" / "chat"
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(f'import kefu\nkefu.simulate("{SCENARIO}")')]
    nbformat.write(nb, str(folder / "chat.ipynb"))
    return "learner/chat/chat.ipynb"


# How we know the Chinese text is really drawn, not shown as "tofu" (missing-glyph boxes):
# - document.fonts.check("16px 'Noto Sans CJK SC'") is NOT used: for fonts that are not web fonts it
#   returns true whether or not the font is installed, so it proves nothing.
# - Primary check: Chrome's own answer. CSS.getPlatformFontsForNode (DevTools protocol) lists the
#   platform fonts the renderer actually used for the text of an element, with glyph counts. We require
#   a CJK font (Noto Sans/Serif CJK from fonts-noto-cjk) to have drawn the CJK characters of the title.
# - Independent check: draw each distinct CJK character of the title on a canvas in the element's own
#   font stack. Tofu boxes look the same for every character, so real glyphs must all differ from each
#   other and from the glyph drawn for an unassigned code point (U+0378, always a missing-glyph box).
_GLYPHS_JS = """([selector, chars]) => {
  const font = getComputedStyle(document.querySelector(selector)).fontFamily;
  const draw = ch => {
    const c = document.createElement('canvas');
    c.width = c.height = 40;
    const g = c.getContext('2d');
    g.font = `32px ${font}`;
    g.textBaseline = 'top';
    g.fillText(ch, 4, 4);
    const alpha = g.getImageData(0, 0, 40, 40).data.filter((_, i) => i % 4 === 3);
    return {ink: alpha.filter(a => a > 0).length, bits: Array.from(alpha).join(',')};
  };
  const tofu = draw('\\u0378');
  const drawn = chars.map(draw);
  return {font, tofuInk: tofu.ink,
          inks: drawn.map(d => d.ink),
          distinct: new Set(drawn.map(d => d.bits)).size,
          sameAsTofu: drawn.filter(d => d.bits === tofu.bits).length};
}"""


def cjk(text: str) -> list[str]:
    """The distinct CJK ideographs of ``text``, in order."""
    return list(dict.fromkeys(ch for ch in text if "\u4e00" <= ch <= "\u9fff"))


def test_compliant_path_reaches_the_scorecard(lab, open_notebook, artifacts):
    """Does clicking through a compliant path end at a scorecard, with the Chinese text really drawn?"""
    from playwright.sync_api import expect

    scenario = load_scenario(SCENARIO)
    path, card = compliant_path(scenario)
    nb = open_notebook(chat_notebook(lab.course))
    page = nb.page
    page.set_viewport_size({"width": 1400, "height": 1600})
    nb.run_all()
    chat = nb.panel.locator(".kefu-chat")
    expect(chat).to_have_count(1)
    expect(chat).to_contain_text(scenario.title)

    node = scenario.start_node
    for index in path:
        buttons = chat.locator(".kefu-choice")
        expect(buttons).to_have_count(len(node.choices))
        reply = node.choices[index].reply
        # auto-retrying: waits until the buttons of *this* turn have replaced the previous turn's
        expect(buttons.nth(index)).to_contain_text(reply)
        buttons.nth(index).click()
        node = scenario.nodes[node.choices[index].next]
        for message in node.buyer_messages:
            expect(chat).to_contain_text(message)

    assert node.is_end
    expect(chat.locator(".kefu-choice")).to_have_count(0)
    expect(chat).to_contain_text(node.end.outcome)
    expect(chat).to_contain_text("扣分")
    assert card.penalty_points == 0
    restart = chat.locator("button", has_text="重新开始")
    expect(restart).to_be_visible()
    chat.screenshot(path=str(artifacts / "chat_widget.png"))

    # Chinese is drawn with a CJK font (see the comment above _GLYPHS_JS).
    title = chat.locator("h4").first
    expect(title).to_have_text(scenario.title)
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node_id = cdp.send("DOM.querySelector", {"nodeId": root, "selector": ".kefu-chat h4"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node_id})["fonts"]
    finally:
        cdp.detach()
    used = {f["familyName"]: f["glyphCount"] for f in fonts}
    chars = cjk(scenario.title)
    assert chars, "the scenario title should contain Chinese"
    assert sum(n for name, n in used.items() if "CJK" in name) >= len(chars), used
    glyphs = page.evaluate(_GLYPHS_JS, [".kefu-chat h4", chars])
    assert all(ink > 0 for ink in glyphs["inks"]), glyphs
    assert glyphs["distinct"] == len(chars) and glyphs["sameAsTofu"] == 0, glyphs

    # 重新开始 starts the chat again: the first turn's replies are back, the end-of-chat controls gone.
    restart.click()
    first = scenario.start_node
    expect(chat.locator(".kefu-choice")).to_have_count(len(first.choices))
    expect(chat.locator(".kefu-choice").first).to_contain_text(first.choices[0].reply)
    expect(restart).to_have_count(0)

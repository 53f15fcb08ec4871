"""Find characters that the browser draws as empty boxes ("tofu"): no installed font has a glyph for them.

Chromium draws a character no font covers with the ".notdef" box of the element's font. For every distinct
character in the text under a root element, in the font that element really uses (its computed style), the
detector draws it on a canvas and compares the pixels with those of two unassigned code points, which are
tofu by definition. A character whose drawing equals the box is missing. The self-test in
test_glyphs_browser.py proves the detector flags a known missing emoji and passes ordinary text.
"""

from __future__ import annotations

TOFU_JS = r"""(selector) => {
  const root = document.querySelector(selector);
  if (!root) return {error: `no element matches ${selector}`};
  const size = 40;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size * 2;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const fingerprint = (font, ch) => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.font = font;
    ctx.textBaseline = 'top';
    ctx.fillStyle = '#000';
    ctx.fillText(ch, 4, 4);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let hash = 0, ink = 0;
    for (let i = 3; i < data.length; i += 4) {
      if (data[i]) { ink++; hash = (hash * 31 + i * 7 + data[i]) | 0; }
    }
    return `${ink}:${hash}`;
  };
  // zero-width and formatting characters draw nothing on their own; variation selectors modify the previous one
  const invisible = /[\s\u00ad\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufe00-\ufe0f\ufeff]/u;
  const seen = new Map();
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el) continue;
    const style = getComputedStyle(el);
    const font = `${style.fontStyle} ${style.fontWeight} ${size}px ${style.fontFamily}`;
    const text = node.textContent;
    for (const ch of text) {
      if (invisible.test(ch)) continue;
      const key = font + '\u0000' + ch;
      if (!seen.has(key)) {
        const at = text.indexOf(ch);
        seen.set(key, {ch, font: style.fontFamily, context: text.slice(Math.max(0, at - 12), at + 12)});
      }
    }
  }
  const boxes = new Map();
  const missing = [];
  let checked = 0;
  for (const [key, item] of seen) {
    const font = key.split('\u0000')[0];
    if (!boxes.has(font)) {
      const a = fingerprint(font, '\u0378'), b = fingerprint(font, '\u0379');
      if (a !== b || a.startsWith('0:')) return {error: `unassigned code points do not draw one box in ${font}`};
      boxes.set(font, a);
    }
    checked++;
    if (fingerprint(font, item.ch) === boxes.get(font)) {
      missing.push({char: item.ch, code: 'U+' + item.ch.codePointAt(0).toString(16).toUpperCase().padStart(4, '0'),
                    font: item.font, context: item.context});
    }
  }
  return {checked, missing};
}"""


def missing_glyphs(page, selector: str) -> dict:
    """``{"checked": n, "missing": [{char, code, font, context}, …]}`` for the text under ``selector``."""
    result = page.evaluate(TOFU_JS, selector)
    if "error" in result:
        raise AssertionError(f"glyph check could not run: {result['error']}")
    return result


def describe(missing: list[dict]) -> str:
    return "; ".join(f"{m['char']} ({m['code']}, font {m['font']!s:.40}) in “{m['context']}”" for m in missing)

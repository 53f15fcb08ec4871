"""HTML pieces of the chat simulator: header, bubbles, feedback, scorecard. All text is escaped."""

from __future__ import annotations

from html import escape

from ..scenarios import Scenario, Scorecard, Step, TranscriptEntry
from ..scenarios.rulebook import RuleBook

CLOCK_START_S = 10 * 3600  # the simulated chat starts at 10:00:00
GOOD, BAD = ("#1a7f37", "#eaf6ec"), ("#b42318", "#fdecea")

# Buttons keep their full reply readable: wrap long Chinese text instead of cutting it off.
STYLE = """<style>
.kefu-chat .kefu-choice { white-space: normal !important; height: auto !important; min-height: 36px;
  text-align: left; line-height: 1.5; padding: 6px 12px; overflow: visible; text-overflow: clip; }
.kefu-chat .kefu-choice:focus-visible, .kefu-chat .kefu-restart:focus-visible {
  outline: 3px solid #1f6feb; outline-offset: 2px; }
</style>"""

_AVATAR = ("<div aria-hidden='true' style='flex:none;width:34px;height:34px;border-radius:50%;"
           "background:{bg};color:#fff;text-align:center;line-height:34px;font-weight:bold'>{label}</div>")
_BUBBLE = ("<div class='kefu-msg kefu-{who}' style='display:flex;flex-direction:{direction};gap:8px;"
           "align-items:flex-start;margin:8px 0'>{avatar}<div style='max-width:80%;text-align:{align}'>"
           "<div style='font-size:12px;color:#666'>{name} <span class='kefu-time'>{time}</span></div>"
           "<div style='display:inline-block;text-align:left;{bubble};border-radius:10px;"
           "padding:8px 12px;line-height:1.6;word-break:break-word'>{text}</div></div></div>")


def clock(elapsed_s: int) -> str:
    """The simulated time ``HH:MM:SS`` after ``elapsed_s`` seconds of chat."""
    total = CLOCK_START_S + int(elapsed_s)
    return f"{total // 3600 % 24:02d}:{total // 60 % 60:02d}:{total % 60:02d}"


def header(scenario: Scenario) -> str:
    buyer = scenario.buyer
    profile = (f"买家:{escape(buyer.nickname)} · 性格:{escape(buyer.personality)} · "
               f"购买行为:{escape(buyer.behaviour)} · 商品:{escape(buyer.product)}")
    note = f"<div style='color:#666'>{escape(buyer.note)}</div>" if buyer.note else ""
    return (f"{STYLE}<div style='border-bottom:1px solid #ddd;padding-bottom:6px;margin-bottom:6px'>"
            f"<h4 style='margin:4px 0'>{escape(scenario.title)}</h4>"
            f"<div>{escape(scenario.summary)}</div>"
            f"<div style='color:#444;font-size:13px;margin-top:4px'>{profile}</div>{note}"
            f"<div style='color:#444;font-size:13px'>你是客服 {escape(scenario.agent)}:"
            "读买家的消息,从下面的回复中选一条发送。</div></div>")


def entry(scenario: Scenario, item: TranscriptEntry) -> str:
    """One transcript entry: a buyer bubble (left), an agent bubble (right) or a system line."""
    time = clock(item.elapsed_s)
    if item.speaker == "system":
        return (f"<div class='kefu-system' style='text-align:center;color:#666;font-size:13px;margin:8px 0'>"
                f"—— {escape(item.text)}({time})——</div>")
    buyer = item.speaker == "buyer"
    return _BUBBLE.format(
        who=item.speaker, direction="row" if buyer else "row-reverse", align="left" if buyer else "right",
        avatar=_AVATAR.format(bg="#f08c3c" if buyer else "#2f6fd6", label="买" if buyer else "客"),
        name=escape(scenario.buyer.nickname if buyer else scenario.agent), time=time,
        bubble="background:#fff;border:1px solid #e3e5e8" if buyer else "background:#d9ecff", text=escape(item.text))


def feedback(step: Step, book: RuleBook) -> str:
    """Green when the reply broke no rule and did not upset the buyer, red otherwise."""
    choice = step.choice
    colour, background = GOOD if step.ok else BAD
    verdict = "✓ 这样回复合适" if step.ok else "× 这样回复有问题"
    principle = f"【{escape(choice.principle)}】" if choice.principle else ""
    notes = []
    if choice.violation is not None:
        name, points = book.rules[choice.violation]
        notes.append(f"违反平台规则:{escape(name)},扣 {points} 分")
    if choice.major is not None:
        notes.append(f"平台重大违规:{escape(book.major[choice.major])}")
    if choice.mood:
        notes.append(f"买家情绪 {choice.mood:+d}")
    extra = f"<div style='font-size:12px;margin-top:2px'>{';'.join(notes)}</div>" if notes else ""
    return (f"<div class='kefu-feedback kefu-{'good' if step.ok else 'bad'}' style='border-left:4px solid "
            f"{colour};background:{background};padding:6px 10px;margin:4px 0 10px;font-size:13px;"
            f"line-height:1.6'><b style='color:{colour}'>{verdict}</b>{principle} {escape(choice.feedback)}"
            f"{extra}</div>")


def log(entries: list[str]) -> str:
    """The scrolling chat log; column-reverse keeps the newest message in view."""
    return ("<div class='kefu-log' role='log' aria-live='polite' style='display:flex;flex-direction:"
            "column-reverse;max-height:360px;overflow-y:auto;background:#f5f6f8;border-radius:6px;"
            f"padding:4px 10px'><div>{''.join(entries)}</div></div>")


def scorecard(card: Scorecard) -> str:
    rows = "".join(f"<tr><th style='text-align:left;padding:4px 12px 4px 0;white-space:nowrap;"
                   f"vertical-align:top'>{escape(k)}</th><td style='padding:4px 0'>{escape(v)}</td></tr>"
                   for k, v in card.rows())
    colour = GOOD[0] if card.compliant else BAD[0]
    return (f"<div class='kefu-scorecard' style='border:2px solid {colour};border-radius:6px;"
            f"padding:8px 12px;margin:8px 0'><b style='color:{colour}'>成绩单</b>"
            f"<table style='border-collapse:collapse;margin-top:4px;font-size:14px'>{rows}</table></div>")

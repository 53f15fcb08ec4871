"""The rules a reply is checked against: one class per concern.

Rules are built from ``data/reply_rules.yaml``; adding a word or a task
needs no code.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Finding:
    """One observation about a reply."""

    rule: str
    ok: bool
    message: str
    advice: str = ""


@dataclass
class ForbiddenTerms:
    """Flags terms that break advertising law or platform rules."""

    id: str
    name: str
    terms: list
    basis: str = ""
    advice: str = ""
    allow: list = field(default_factory=list)

    def hits(self, text: str) -> list[str]:
        """Terms present in ``text``, ignoring allowed phrases that contain them."""
        masked = text
        for phrase in sorted(self.allow, key=len, reverse=True):
            masked = masked.replace(phrase, "\0" * len(phrase))
        found = [t for t in self.terms if t and t in masked]
        # "返现" inside "好评返现" is one problem, not two
        return [t for t in found if not any(t != o and t in o for o in found)]

    def mask(self, text: str) -> str:
        """``text`` with this rule's hits blanked, so later rules don't report them again."""
        for term in sorted(self.hits(text), key=len, reverse=True):
            text = text.replace(term, "\0" * len(term))
        return text

    def check(self, text: str) -> list[Finding]:
        found = self.hits(text)
        if not found:
            return []
        words = "、".join(f"“{w}”" for w in found)
        return [Finding(self.id, False, f"{self.name}:{words}。依据:{self.basis}", self.advice)]


@dataclass
class RequiredElement:
    """Wants at least one of several phrases that signal an element of a good reply."""

    id: str
    name: str
    any_of: list
    none_of: list = field(default_factory=list)

    def check(self, text: str) -> list[Finding]:
        # "不能开发票" contains "能开": a phrase from none_of cancels the element
        cancelled = [p for p in self.none_of if p in text]
        if cancelled:
            return [Finding(self.id, False, f"没做到:{self.name}(出现了“{cancelled[0]}”)")]
        ok = any(p in text for p in self.any_of)
        return [Finding(self.id, ok, f"{'包含' if ok else '缺少'}:{self.name}")]


@dataclass
class LengthLimit:
    """Keeps a chat reply short enough to read at a glance (KISS)."""

    max_chars: int

    def check(self, text: str) -> list[Finding]:
        size = len("".join(text.split()))
        if size <= self.max_chars:
            return [Finding("length", True, f"长度合适:{size} 字(上限 {self.max_chars})")]
        return [Finding("length", False, f"太长:{size} 字,超过 {self.max_chars} 字",
                        "聊天回复要简洁(KISS),把要点拆成两三句短句。")]

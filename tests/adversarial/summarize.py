"""The closing-note table of the adversarial corpus, from the last run's JSON.

    python tests/adversarial/summarize.py [test-artifacts/adversarial/last_run.json] [--details]

Prints markdown: one row per class (cases, how many held, statuses seen, points stolen), then, with
``--details``, one row per case (expected and actual score and status, the first message, verdict).
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

CLASSES = {1: "fake answers", 2: "tampering with the checking", 3: "reading what it must not",
           4: "writing what it must not", 5: "stopping the run", 6: "broken notebooks"}
DEFAULT = Path(__file__).resolve().parents[2] / "test-artifacts" / "adversarial" / "last_run.json"


def _expected_score(expect: dict) -> str:
    return f"{expect['score']:g}" if "score" in expect else f"≤ {expect['max_score_le']:g}"


def _stolen(row: dict) -> float:
    """Points above the case's expectation (0 when it held)."""
    expect, score = row["case"]["expect"], row.get("score") or 0.0
    limit = expect.get("score", expect.get("max_score_le", 0))
    return max(0.0, float(score) - float(limit))


def class_table(rows: list[dict]) -> list[str]:
    by_class = defaultdict(list)
    for row in rows:
        by_class[row["case"]["class"]].append(row)
    lines = ["| class | cases | held | statuses seen | points stolen | defects (case ids) |",
             "|---|---:|---:|---|---:|---|"]
    for number in sorted(by_class):
        group = by_class[number]
        held = sum(1 for r in group if not r["failures"])
        statuses = Counter(r["status"] for r in group)
        seen = ", ".join(f"{s} {n}" for s, n in sorted(statuses.items()))
        stolen = sum(_stolen(r) for r in group)
        defects = ", ".join(r["case"]["id"] for r in group if r["failures"]) or "—"
        lines.append(f"| {number}. {CLASSES[number]} | {len(group)} | {held} | {seen} | {stolen:g} | {defects} |")
    total = len(rows)
    lines.append(f"| **all** | **{total}** | **{sum(1 for r in rows if not r['failures'])}** | | "
                 f"**{sum(_stolen(r) for r in rows):g}** | |")
    return lines


def case_table(rows: list[dict]) -> list[str]:
    lines = ["| class | case | expected | got | message (first) | verdict |", "|---:|---|---|---|---|---|"]
    for row in sorted(rows, key=lambda r: (r["case"]["class"], r["case"]["id"])):
        expect = row["case"]["expect"]
        statuses = expect["status"] if isinstance(expect["status"], list) else [expect["status"]]
        message = (row.get("problems") or [""])[0].replace("|", "\\|").replace("\n", " ")[:90]
        score = "—" if row.get("score") is None else f"{row['score']:g}"
        verdict = "held" if not row["failures"] else "**DEFECT**: " + "; ".join(row["failures"]).replace("|", "\\|")
        lines.append(f"| {row['case']['class']} | `{row['case']['id']}` | {_expected_score(expect)} · "
                     f"{'/'.join(statuses)} | {score} · {row['status']} | {message} | {verdict} |")
    return lines


def control_table(rows: list[dict]) -> list[str]:
    lines = ["| control | module | score | status |", "|---|---|---:|---|"]
    for row in rows:
        lines.append(f"| {row['student']} | {row['assignment']} | {row['score']:g} | {row['status']} |")
    return lines


def main(argv=None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    details = "--details" in args
    paths = [a for a in args if not a.startswith("--")]
    data = json.loads(Path(paths[0] if paths else DEFAULT).read_text(encoding="utf-8"))
    cases = [r for r in data["results"] if r.get("case")]
    controls = [r for r in data["results"] if not r.get("case")]
    out = class_table(cases) + [""] + control_table(controls)
    if details:
        out += [""] + case_table(cases)
    out.append("")
    out.append(f"Batch wall time (s), first run and re-run: {', '.join(f'{s:g}' for s in data.get('seconds', []))}")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())

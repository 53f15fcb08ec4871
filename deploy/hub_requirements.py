"""Print the requirements of the course server's venv: the course's pins, adapted, plus the hub's.

Usage: python3 deploy/hub_requirements.py > combined.txt   (deploy/install.sh does this)

- every ``name==version`` line of requirements.txt, except the test tools (the server runs no tests);
- then every pin of deploy/requirements-hub.txt; a package pinned there replaces the course's pin.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
TEST_TOOLS = {"pytest", "pytest-xdist", "playwright", "greenlet", "execnet", "iniconfig"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)$")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    """``{canonical name: line}`` of a requirements file; anything but a pin or a comment is an error."""
    found = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = PIN.match(line)
        if match is None:
            raise SystemExit(f"错误:{path} 第 {number} 行不是 “包名==版本” 形式的锁定版本:{line}")
        found[canonical(match.group(1))] = line
    return found


def combined(course: Path, hub: Path) -> list[str]:
    merged = {name: line for name, line in pins(course).items() if name not in TEST_TOOLS}
    merged.update(pins(hub))
    return [merged[name] for name in sorted(merged)]


if __name__ == "__main__":
    print("\n".join(combined(DEPLOY.parent / "requirements.txt", DEPLOY / "requirements-hub.txt")))
    sys.exit(0)

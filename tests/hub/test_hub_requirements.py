"""The server's venv follows the course's pins (deploy/hub_requirements.py)."""

from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "deploy"))
from hub_requirements import TEST_TOOLS, canonical, combined, pins  # noqa: E402


def test_every_course_pin_reaches_the_server_except_test_tools_and_overrides():
    course = pins(ROOT / "requirements.txt")
    hub = pins(ROOT / "deploy" / "requirements-hub.txt")
    lines = combined(ROOT / "requirements.txt", ROOT / "deploy" / "requirements-hub.txt")
    server = {canonical(line.split("==")[0]): line for line in lines}
    for name, line in course.items():
        if name in TEST_TOOLS:
            assert name not in server
        else:
            assert server[name] == hub.get(name, line)
    assert server["jupyterhub"].startswith("jupyterhub==") and "psycopg2-binary" in server
    assert all("==" in line for line in lines)


def test_a_line_that_is_not_a_pin_is_refused(tmp_path):
    bad = tmp_path / "requirements.txt"
    bad.write_text("jupyterhub>=5\n", encoding="utf-8")
    try:
        pins(bad)
    except SystemExit as exc:
        assert "第 1 行" in str(exc) and "包名==版本" in str(exc)
    else:
        raise AssertionError("a range was accepted as a pin")

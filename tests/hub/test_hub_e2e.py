"""The course server end to end: two trainees and an instructor on a real JupyterHub with Postgres.

In chromium, through the hub on a loopback port: both trainees log in with their roster passwords, see
the Chinese UI, fetch M01 from nbgrader's Assignments tab; one puts the correct answers into her copy
(through the Jupyter contents API, as herself) and runs it, the other changes nothing; both submit from
the Assignments tab. The instructor collects and autogrades with the kit's commands, as the grader
account. The scores are read straight from Postgres: exactly all auto points for the correct trainee,
exactly 0 for the blank one. A trainee gets 403 from formgrader and cannot reach the other's files or
submission. After the whole stack is stopped and started again (make hub-down / make hub-up), every
submission and grade is still there.
"""

from __future__ import annotations

import json
import re
import time

import nbformat
import pytest
from playwright.sync_api import expect

from kefu.answers import ANSWERS_FILE, KEY_FILE

from notebook_tools import fill_answers, grader_cells, nbgrader_meta

from conftest import ROOT

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]

ASSIGNMENT = "m01_role"
WIDGET = "m01_q6"
SCORES_SQL = f"""
SELECT sa.student_id, SUM(COALESCE(g.auto_score, 0)), COUNT(g.id)
FROM grade g
JOIN submitted_notebook sn ON g.notebook_id = sn.id
JOIN submitted_assignment sa ON sn.assignment_id = sa.id
JOIN assignment a ON sa.assignment_id = a.id
WHERE a.name = '{ASSIGNMENT}'
GROUP BY sa.student_id ORDER BY sa.student_id
"""


def auto_points(stack) -> float:
    """The assignment's autograded points, from the source notebook of the server's course."""
    nb = nbformat.read(str(stack.course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4)
    return float(sum(nbgrader_meta(c)["points"] for c in grader_cells(nb)))


def correct_submission(stack) -> tuple[dict, str]:
    """The release notebook with every answer cell replaced by the instructor's solution, and the
    answers file of the graded widget holding the key (what a trainee who got everything right has)."""
    folder = stack.course / "source" / ASSIGNMENT
    source = nbformat.read(str(folder / f"{ASSIGNMENT}.ipynb"), as_version=4)
    solutions = {nbgrader_meta(c)["grade_id"]: c.source for c in source.cells if nbgrader_meta(c).get("solution")}
    nb = fill_answers(stack.course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", solutions)
    return nbformat.from_dict(nb), (folder / KEY_FILE).read_text(encoding="utf-8")


def widget_key(stack) -> str:
    doc = json.loads((stack.course / "source" / ASSIGNMENT / KEY_FILE).read_text(encoding="utf-8"))
    return doc["answers"][WIDGET]["value"]


# ---------------------------------------------------------------------------------------------------------
# What a person does in the browser


def log_in(browser, stack, user: str, then: str | None = None):
    """A new browser (own cookies) logs in on the hub's form. Without ``then``, returns the page once the
    person's own JupyterLab is up; with ``then`` (a path on the hub), once the hub has sent them there."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(f"{stack.url}/hub/login" + (f"?next={then}" if then else ""))
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", stack.passwords[user])
    page.click("#login_submit")
    if then:
        page.wait_for_url(re.compile(re.escape(then)), timeout=120_000)
        return page
    page.wait_for_url(re.compile(rf"/user/{user}/lab"), timeout=120_000)
    expect(page.locator(".lm-MenuBar-itemLabel").first).to_be_visible(timeout=120_000)
    return page


def open_assignments(page):
    """Nbgrader → Assignment List: the Assignments tab."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Nbgrader$")).click()
    page.locator('.lm-Menu-item[data-command="nbgrader:open-assignment-list"]').click()
    page.locator("#released_assignments_list").wait_for()


def click_in_list(page, listing: str, button: str, then: str):
    """Click ``button`` in one list (the assignment's only button there); wait for the assignment to
    appear in the list ``then``."""
    buttons = page.locator(f"#{listing} button").filter(has_text=re.compile(rf"^{button}$"))
    expect(buttons).to_have_count(1, timeout=60_000)
    expect(page.locator(f"#{listing}")).to_contain_text(ASSIGNMENT)
    buttons.click()
    expect(page.locator(f"#{then} .list_item").filter(has_text=ASSIGNMENT).first).to_be_visible(timeout=60_000)


def fetch(page):
    click_in_list(page, "released_assignments_list", "Fetch", then="fetched_assignments_list")


def submit(page):
    click_in_list(page, "fetched_assignments_list", "Submit", then="submitted_assignments_list")


def put_file(page, stack, user: str, path: str, model: dict) -> None:
    """PUT a file into the trainee's home through her own server's contents API, with her login."""
    xsrf = next(c["value"] for c in page.context.cookies() if c["name"] == "_xsrf"
                and c["path"].startswith(f"/user/{user}"))
    response = page.request.put(f"{stack.url}/user/{user}/api/contents/{path}", data=json.dumps(model),
                                headers={"X-XSRFToken": xsrf, "Content-Type": "application/json"})
    assert response.status in (200, 201), response.text()


def run_all_and_see_chinese_output(page, stack, user: str) -> None:
    """Open the notebook, 运行 → 运行所有单元格; the graded widget shows the saved key, in Chinese."""
    page.goto(f"{stack.url}/user/{user}/lab/tree/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    expect(panel.locator(".jp-Cell").first).to_be_visible(timeout=60_000)
    page.wait_for_function("""() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]
        .some(e => /空闲|Idle/.test(e.textContent))""", timeout=90_000)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^运行$")).click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    status = panel.locator(".kefu-graded-choice").filter(has_text=WIDGET).locator(".kefu-graded-status")
    expect(status).to_have_text(f"已保存的答案:{widget_key(stack)}", timeout=120_000)


# ---------------------------------------------------------------------------------------------------------


def test_cohort_fetches_submits_and_is_graded_in_postgres(hub_stack, hub_browser):
    stack = hub_stack
    good, blank, teacher = f"{stack.prefix}s1", f"{stack.prefix}s2", f"{stack.prefix}t1"
    points = auto_points(stack)
    assert points == 23.0

    # The instructor releases M01 to the shared exchange (as the grader account).
    stack.course_command(f"nbgrader release_assignment {ASSIGNMENT}")

    # Trainee 1 logs in: the UI is Chinese, and nbgrader offers her the Assignments tab only.
    page = log_in(hub_browser, stack, good)
    stack.timings["nothing_to_logged_in_trainee_s"] = round(time.monotonic() - stack.timings["t0"], 1)
    menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    assert {"文件", "编辑", "运行", "内核"} <= set(menus), menus
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Nbgrader$")).click()
    visible = [e.get_attribute("data-command") for e in page.locator(".lm-Menu-item").all() if e.is_visible()]
    assert visible == ["nbgrader:open-assignment-list"], visible
    page.keyboard.press("Escape")
    open_assignments(page)
    fetch(page)
    notebook, key = correct_submission(stack)
    put_file(page, stack, good, f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb",
             {"type": "notebook", "format": "json", "content": notebook})
    put_file(page, stack, good, f"{ASSIGNMENT}/{ANSWERS_FILE}", {"type": "file", "format": "text", "content": key})
    run_all_and_see_chinese_output(page, stack, good)
    open_assignments(page)
    submit(page)

    # Trainee 2 fetches and submits the assignment untouched.
    other = log_in(hub_browser, stack, blank)
    open_assignments(other)
    fetch(other)
    submit(other)
    submitted_at = time.monotonic()

    # The instructor collects and autogrades with the kit's commands; the scores are read from Postgres.
    stack.course_command(f"nbgrader collect {ASSIGNMENT}")
    stack.course_command(f"kefu autograde {ASSIGNMENT}")
    scores = stack.sql(SCORES_SQL)
    stack.timings["submission_to_score_in_postgres_s"] = round(time.monotonic() - submitted_at, 1)
    assert [(s, float(total)) for s, total, _ in scores] == [(good, points), (blank, 0.0)]
    grade_rows = {s: int(n) for s, _, n in scores}
    assert grade_rows[good] == grade_rows[blank] > 0

    # Formgrader and the gradebook: the instructor's, never a trainee's.
    response = page.goto(f"{stack.url}/services/kefu/formgrader/")
    assert response.status == 403
    assert page.goto(f"{stack.url}/user/{good}/formgrader/").status == 404  # not even in her own server
    teacher_page = log_in(hub_browser, stack, teacher, then="/services/kefu/formgrader/")
    response = teacher_page.goto(f"{stack.url}/services/kefu/formgrader/")
    assert response.status == 200
    row = teacher_page.locator("tr").filter(has_text=ASSIGNMENT).first
    column = teacher_page.locator("th").all_inner_texts().index("# Submissions")
    expect(row.locator("td").nth(column)).to_have_text("2")  # both trainees, collected

    # One trainee cannot read the other's files or submission: not through the hub …
    response = page.request.get(f"{stack.url}/user/{blank}/api/contents/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
    assert response.status in (403, 404), response.status
    assert ASSIGNMENT not in response.text()
    # … and not on the server's disk, where her kernels and terminals run as her own Unix user.
    theirs = stack.home(blank) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert theirs.is_file()
    denied = stack.as_user(good, "cat", str(theirs))
    assert denied.returncode != 0 and "Permission denied" in denied.stderr
    inbound = stack.exchange / "kefu" / "inbound"
    denied = stack.as_user(good, "ls", str(inbound))
    assert denied.returncode != 0 and "Permission denied" in denied.stderr
    submissions = sorted(p.name for p in inbound.iterdir())
    assert [name.split("+")[0] for name in submissions] == sorted([good, blank])
    assert all(len(name.split("+")[-1]) >= 12 for name in submissions)  # a random part: cannot be guessed
    for folder in (stack.course / "submitted" / blank, stack.home(blank) / ".local"):
        denied = stack.as_user(good, "ls", str(folder))
        assert denied.returncode != 0 and "Permission denied" in denied.stderr, folder
    for context in (page.context, other.context, teacher_page.context):
        context.close()

    # A restart of the whole stack (hub, proxy, servers, Postgres) loses no submission and no grade.
    stack.make("hub-down")
    assert not stack.database_answers()
    stack.make("hub-up")
    assert stack.sql(SCORES_SQL) == scores
    assert sorted(p.name for p in inbound.iterdir()) == submissions
    for student in (good, blank):
        assert (stack.course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
        assert (stack.course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    again = log_in(hub_browser, stack, good)
    open_assignments(again)
    expect(again.locator("#submitted_assignments_list .list_item").filter(has_text=ASSIGNMENT).first
           ).to_be_visible(timeout=60_000)
    again.context.close()

    (ROOT / "test-artifacts" / "hub-timings.json").write_text(
        json.dumps({k: v for k, v in stack.timings.items() if k != "t0"}, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8")
    print(f"\n课程服务器计时:{ {k: v for k, v in stack.timings.items() if k != 't0'} }")

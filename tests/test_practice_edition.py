"""The self-study edition: practice twins, their widgets, try_function, progress, and the built notebooks."""

from __future__ import annotations

import ast
import json
import re
import shutil
import textwrap

import nbformat
import pandas as pd
import pytest

import kefu
from kefu import progress
from kefu._style import STYLE_TAG
from kefu.course.practice_edition import BANNER, GRADED_TAG, PRACTICE_TAG, build_practice, is_graded_item
from kefu.errors import DataFileMalformed
from kefu.tryout import try_function
from kefu.widgets import LabelsQuiz, NumberQuiz, OrderQuiz, load_practice
from kefu.widgets.practice_bank import FunctionItem, LabelsItem, NumberItem, OrderItem, PracticeItem, ShiftItem

from conftest import ASSIGNMENTS, ROOT
from notebook_tools import HIDDEN, SOLUTION, errors, execute

MODULE = {name: name[:3] for name in ASSIGNMENTS}  # m01_role -> m01
TWIN_REF = re.compile(r"""kefu\.(?:practice|try_function)\([^)]*["'](m\d{2}_t\d+)["']""")
CHECK_CALL = re.compile(r"kefu\.checks\.check_(\w+)\(")
TYPE_OF_CHECK = {"labels": LabelsItem, "order": OrderItem, "number": NumberItem, "function": FunctionItem,
                 "choice": PracticeItem, "stored_choice": PracticeItem, "shift_record": ShiftItem}


# ---------------------------------------------------------------- helpers

def _source_nb(name):
    return nbformat.read(str(ROOT / "source" / name / f"{name}.ipynb"), as_version=4)


def _text(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", []) or []


def _practice_cells(nb):
    return [c for c in nb.cells if PRACTICE_TAG in _tags(c)]


def _answer_lines(nb) -> set:
    """Stripped lines (12 characters or more) of every solution and hidden-test region of a source notebook."""
    lines = set()
    for cell in nb.cells:
        for region in SOLUTION.findall(_text(cell)) + HIDDEN.findall(_text(cell)):
            lines |= {line.strip() for line in region.splitlines() if len(line.strip()) >= 12}
    return lines


def _twin_ids(name) -> list:
    """Practice twin ids used by the kefu-practice cells of a source notebook."""
    return sorted({m for c in _practice_cells(_source_nb(name)) for m in TWIN_REF.findall(_text(c))})


def _graded_items(nb) -> dict:
    """{item number: [cells]} of the graded items, from their grade ids."""
    items = {}
    for cell in nb.cells:
        grade_id = (cell.get("metadata", {}).get("nbgrader", {}) or {}).get("grade_id", "")
        match = re.match(r"m\d{2}_q(\d+)_", grade_id)
        if match:
            items.setdefault(int(match.group(1)), []).append(cell)
    return items


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The practice edition of every assignment, built now from source/ into a throw-away folder."""
    out = tmp_path_factory.mktemp("practice")
    for name in ASSIGNMENTS:
        build_practice(ROOT, name, out_dir=out)
    return out


# ---------------------------------------------------------------- (a) the built practice edition

@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_practice_edition_holds_no_graded_item(built, name):
    """Does the fresh practice edition hold no nbgrader cell, no solution or hidden-test marker or line?"""
    path = built / name / f"{name}.ipynb"
    text = path.read_text(encoding="utf-8")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "kefu.grading"):
        assert marker not in text, marker
    nb = nbformat.read(str(path), as_version=4)
    assert [c.id for c in nb.cells if "nbgrader" in c.metadata] == []
    assert [c.id for c in nb.cells if is_graded_item(c)] == []
    assert not [c.id for c in nb.cells if _text(c).lstrip().startswith("## 评分练习")], "graded heading left in"
    lines = {line.strip() for c in nb.cells for line in _text(c).splitlines()}
    leaked = sorted(_answer_lines(_source_nb(name)) & lines)
    assert leaked == []


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_practice_edition_keeps_every_practice_cell_and_the_banner(built, name):
    """Does the practice edition keep every kefu-practice cell of the source, unchanged and in order, and the banner?"""
    nb = nbformat.read(str(built / name / f"{name}.ipynb"), as_version=4)
    source = _practice_cells(_source_nb(name))
    assert source, "the source has no kefu-practice cell"
    kept = {c.id: c for c in nb.cells}
    for cell in source:
        assert cell.id in kept, cell.id
        assert _text(kept[cell.id]) == _text(cell) and kept[cell.id].cell_type == cell.cell_type
    order = [c.id for c in nb.cells if c.id in {s.id for s in source}]
    assert order == [c.id for c in source]
    banner = [c for c in nb.cells if c.id == "kefu-practice-banner"]
    assert len(banner) == 1 and _text(banner[0]) == BANNER and nb.cells[1].id == "kefu-practice-banner"
    assert all(c.outputs == [] and c.execution_count is None for c in nb.cells if c.cell_type == "code")


# ---------------------------------------------------------------- (b) the committed practice/ is up to date

@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_committed_practice_matches_a_fresh_build(built, name):
    """Is the committed practice/ exactly what kefu release --practice makes from source/?"""
    committed = sorted(p.name for p in (ROOT / "practice" / name).iterdir())
    fresh = sorted(p.name for p in (built / name).iterdir())
    assert committed == fresh, "practice/ 与 source/ 不同步:请运行 kefu release --practice"
    for notebook in fresh:
        assert (json.loads((ROOT / "practice" / name / notebook).read_text(encoding="utf-8"))
                == json.loads((built / name / notebook).read_text(encoding="utf-8"))), (
            f"practice/{name}/{notebook} 与 source/ 不同步:请运行 kefu release --practice")


# ---------------------------------------------------------------- (c) the graded release has no twin

@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_graded_release_holds_no_practice_twin(name):
    """Does the committed graded release hold no kefu-practice cell and none of the twins' ids?"""
    path = ROOT / "release" / name / f"{name}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    assert [c.id for c in nb.cells if PRACTICE_TAG in _tags(c)] == []
    assert not [c.id for c in nb.cells if c.id.startswith(f"{MODULE[name]}-pr-")]
    twins = _twin_ids(name)
    assert twins
    text = path.read_text(encoding="utf-8")
    for twin in twins + ["try_function", "show_progress", "practice_reply"]:
        assert twin not in text, twin


# ---------------------------------------------------------------- the source: where and what the twins are

@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_practice_section_sits_between_graded_items_and_summary(name):
    """Are the kefu-practice cells one block after the last graded cell and before 小结, without nbgrader metadata?"""
    nb = _source_nb(name)
    index = {c.id: i for i, c in enumerate(nb.cells)}
    practice = _practice_cells(nb)
    positions = [index[c.id] for c in practice]
    assert positions == list(range(positions[0], positions[0] + len(positions))), "practice cells are not one block"
    last_graded = max(i for i, c in enumerate(nb.cells) if is_graded_item(c))
    summary = next(i for i, c in enumerate(nb.cells) if _text(c).startswith("## 小结"))
    assert last_graded < positions[0] and positions[-1] < summary
    assert _text(practice[0]).startswith("## 自测练习(自学版)")
    assert "show_progress" in _text(practice[-1])
    for cell in practice:
        assert "nbgrader" not in cell.metadata and cell.id.startswith(f"{MODULE[name]}-pr-"), cell.id
    heading = [c for c in nb.cells if _text(c).startswith("## 评分练习")]
    assert heading and all(GRADED_TAG in _tags(c) for c in heading)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_graded_item_has_a_twin_of_its_type(name):
    """Has each autograded item a practice twin of the same type, and each manual reply a practice review cell?"""
    module = MODULE[name]
    nb = _source_nb(name)
    items = {i.id: i for i in load_practice(module)}
    practice_text = "\n".join(_text(c) for c in _practice_cells(nb))
    for number, cells in _graded_items(nb).items():
        manual = [c for c in cells if c.metadata["nbgrader"].get("solution") and c.metadata["nbgrader"].get("grade")]
        if manual:
            task = re.search(r'task="(\w+)"', "\n".join(_text(c) for c in nb.cells if re.search(
                rf"^{module}-q{number}-", c.id) and "review_reply" in _text(c))).group(1)
            assert re.search(rf'review_reply\(practice_reply, task="{task}"\)', practice_text), number
            continue
        checks = CHECK_CALL.findall("\n".join(_text(c) for c in cells))
        assert checks, f"q{number} has no format check"
        twin = items.get(f"{module}_t{number}")
        assert twin is not None, f"{module}_t{number} is missing"
        assert isinstance(twin, TYPE_OF_CHECK[checks[0]]), (number, checks[0], type(twin).__name__)
        assert twin.id in _twin_ids(name)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_twins_reuse_no_graded_message(name):
    """Do the practice files quote no message, reply or situation of a graded task (no answer given away)?"""
    nb = _source_nb(name)
    quoted = set()
    for cell in nb.cells:
        if is_graded_item(cell) and cell.cell_type == "markdown":
            text = _text(cell)
            quoted |= {q for q in re.findall(r"“([^”]{8,})”", text)}
            quoted |= {line.split("**", 2)[-1].strip() for line in text.splitlines()
                       if re.match(r"- \*\*[A-D]\.\*\*", line.strip())}
            quoted |= {re.sub(r"^\d+\.\s*", "", line.strip()) for line in text.splitlines()
                       if re.match(r"\d+\.", line.strip())}
    yaml_text = (ROOT / "data" / "practice" / f"{MODULE[name]}.yaml").read_text(encoding="utf-8")
    assert quoted
    assert sorted(q for q in quoted if len(q) >= 8 and q in yaml_text) == []


def test_every_course_practice_file_loads_with_an_answer_per_item():
    """Does every practice file load, with a correct option, a listed answer, distinct steps or cases per item?"""
    for path in sorted((ROOT / "data" / "practice").glob("*.yaml")):
        items = load_practice(path.stem)
        assert items
        for item in items:
            if isinstance(item, PracticeItem):
                assert any(o.correct for o in item.options), item.id
            elif isinstance(item, LabelsItem):
                assert item.questions and all(q.answer in item.labels for q in item.questions), item.id
            elif isinstance(item, OrderItem):
                assert len(set(item.steps)) == len(item.steps) >= 3, item.id
            elif isinstance(item, FunctionItem):
                assert item.cases and all(c.expected and c.explanation for c in item.cases), item.id
            elif isinstance(item, ShiftItem):
                assert isinstance(item.seed, int) and item.prompt, item.id
            else:
                assert isinstance(item, NumberItem) and item.tolerance >= 0, item.id


def test_order_twin_is_not_the_graded_flow():
    """Does the M01 order twin use steps other than the five-step buyer flow that q2 grades?"""
    nb = _source_nb("m01_role")
    setup = next(_text(c) for c in _graded_items(nb)[2] if "FLOW_STEPS =" in _text(c))
    graded_steps = set(ast.literal_eval(setup.split("=", 1)[1].strip()))
    twin = next(i for i in load_practice("m01") if i.id == "m01_t2")
    assert isinstance(twin, OrderItem) and not graded_steps & set(twin.steps)


def test_number_twins_match_the_data():
    """Are the M02 number twins the values pandas computes from violations.csv for their store?"""
    rules = kefu.load_yaml("platform_rules.yaml")["rules"]
    v = kefu.load_table("violations.csv")
    store = "悦动运动专营店"
    items = {i.id: i for i in load_practice("m02")}
    assert store in items["m02_t5"].title and store in items["m02_t6"].title
    upheld = v[(v["store"] == store) & (v["status"] == "成立")]
    unit = upheld["rule_code"].map(lambda c: rules[c]["points"])
    per_order = upheld["rule_code"].map(lambda c: rules[c]["per_order"])
    total = int((unit * upheld["orders_affected"].where(per_order, 1)).sum())
    assert items["m02_t5"].answer == total and items["m02_t5"].tolerance == 0
    assert items["m02_t6"].answer == round(total / len(upheld), 2) and items["m02_t6"].tolerance == 0.01
    assert "云裳女装旗舰店" not in items["m02_t5"].prompt  # the graded items' store


# ---------------------------------------------------------------- (d) the practice notebook runs

@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_practice_notebook_runs_top_to_bottom(tmp_path, name):
    """Does the committed practice notebook run without errors in a copy of its folder, listing every item?"""
    folder = tmp_path / name
    shutil.copytree(ROOT / "practice" / name, folder)
    nb = execute(folder / f"{name}.ipynb")
    failing = [(c.id, errors(c)) for c in nb.cells if c.cell_type == "code" and errors(c)]
    assert failing == []
    progress_cell = [c for c in nb.cells if c.id == f"{MODULE[name]}-pr-progress"]
    assert len(progress_cell) == 1
    shown = progress_cell[0].outputs[0]["data"]["text/plain"]
    for item in load_practice(MODULE[name]):
        assert item.title in shown, item.id
    assert "[未做]" in shown and "已掌握 0/" in shown
    tried = [c for c in nb.cells if "kefu.try_function(" in _text(c)]
    assert tried and all("函数还没有实现" in c.outputs[0]["data"]["text/plain"] for c in tried)
    assert not (folder / progress.PROGRESS_FILE).exists(), "running the untouched stubs counted as attempts"


# ---------------------------------------------------------------- (e) widgets, try_function, progress, YAML

QUIZZES = textwrap.dedent("""\
    items:
      - id: tq_labels
        type: labels
        title: 分类练习
        prompt: 判断阶段
        labels: [售前, 售中, 售后]
        questions:
          - text: 还没拍,能便宜点吗?
            answer: 售前
            explanation: 还没付款属于售前
          - text: 收到的杯子碎了
            answer: 售后
            explanation: 收货之后属于售后
      - id: tq_order
        type: order
        title: 排序练习
        prompt: 排好顺序
        steps: [第一步, 第二步, 第三步, 第四步]
        explanation: 顺序就是一二三四
      - id: tq_number
        type: number
        title: 计算练习
        prompt: 算一算
        answer: 4.32
        tolerance: 0.01
        unit: 分
        explanation: 108 ÷ 25 = 4.32
    """)


@pytest.fixture
def quiz_dir(tmp_path, monkeypatch):
    """A copy of data/ with a test practice file, and a working directory for the progress file."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    (target / "practice" / "tq.yaml").write_text(QUIZZES, encoding="utf-8")
    monkeypatch.setenv("KEFU_DATA_DIR", str(target))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def test_labels_quiz_explains_every_message(quiz_dir):
    """Does the labels quiz ask for every label, then explain each message and record the attempt?"""
    quiz = kefu.practice("tq", "tq_labels")
    assert isinstance(quiz, LabelsQuiz)
    quiz.answer(["售前", None])
    assert quiz.check() is False and "每一条都要选一个标签" in quiz.feedback.value
    assert progress.load_progress() == {}, "an incomplete check is not an attempt"
    quiz.answer(["售前", "售中"])
    assert quiz.check() is False
    assert "答对 1/2" in quiz.feedback.value
    assert "还没付款属于售前" in quiz.feedback.value and "收货之后属于售后" in quiz.feedback.value
    quiz.answer(["售前", "售后"])
    quiz.check_button.click()
    assert "答对 2/2" in quiz.feedback.value
    assert progress.load_progress()["tq_labels"]["attempts"] == 2
    assert progress.load_progress()["tq_labels"]["correct"] is True


def test_order_quiz_moves_steps_up_and_down(quiz_dir):
    """Does the order quiz start shuffled, move the chosen step within bounds, and accept the right order?"""
    quiz = kefu.practice("tq", "tq_order")
    assert isinstance(quiz, OrderQuiz)
    right = ["第一步", "第二步", "第三步", "第四步"]
    assert sorted(quiz.steps) == sorted(right) and quiz.steps != right
    assert kefu.practice("tq", "tq_order").steps == quiz.steps, "the same order every time"
    quiz.arrange(["第二步", "第一步", "第三步", "第四步"])
    quiz.list.value = "第一步"
    quiz.move(-1)
    assert quiz.steps == right and quiz.list.value == "第一步"
    quiz.move(-1)  # already at the top
    assert quiz.steps == right
    quiz.list.value = "第四步"
    quiz.move(1)  # already at the bottom
    assert quiz.steps == right
    quiz.move(-1)
    assert quiz.steps == ["第一步", "第二步", "第四步", "第三步"] and quiz.list.value == "第四步"
    assert quiz.check() is False and "从第 3 步开始顺序不对" in quiz.feedback.value
    quiz.move(1)
    assert quiz.check() is True and "顺序就是一二三四" in quiz.feedback.value
    entry = progress.load_progress()["tq_order"]
    assert entry["attempts"] == 2 and entry["correct"] is True


def test_order_quiz_can_be_solved_with_the_buttons_alone(quiz_dir):
    """Can a learner reach the right order from the shuffled start using only select and move up?"""
    quiz = kefu.practice("tq", "tq_order")
    right = list(load_practice("tq")[1].steps)
    for target, step in enumerate(right):
        quiz.list.value = step
        while quiz.steps.index(step) > target:
            quiz.move(-1)
    assert quiz.steps == right and quiz.check() is True


@pytest.mark.parametrize("typed, verdict, counted", [
    ("", "请先填一个数字", False),
    ("   ", "请先填一个数字", False),
    ("四点三", "不是一个数字", False),
    ("nan", "不是一个数字", False),
    ("4.32", "正确", True),
    ("4.33", "正确", True),
    ("4.31", "正确", True),
    ("4.3", "还不对", True),
    ("4.34", "还不对", True),
    ("0", "还不对", True),
], ids=["empty", "blank", "words", "nan", "exact", "above-within", "below-within", "below-outside", "above-outside",
        "zero"])
def test_number_quiz_checks_within_tolerance(quiz_dir, typed, verdict, counted):
    """Does the number quiz ask for a number when the box is empty or not numeric, and judge within tolerance?"""
    quiz = kefu.practice("tq", "tq_number")
    assert isinstance(quiz, NumberQuiz)
    quiz.answer(typed)
    result = quiz.check()
    assert verdict in quiz.feedback.value
    assert result is (verdict == "正确")
    assert ("tq_number" in progress.load_progress()) is counted
    if result:
        assert "108 ÷ 25 = 4.32" in quiz.feedback.value


def test_number_quiz_untouched_box_is_not_an_answer_of_zero(quiz_dir, tmp_path):
    """Is an untouched number box treated as empty, even when the right answer is 0?"""
    (tmp_path / "data" / "practice" / "tq.yaml").write_text(
        QUIZZES.replace("answer: 4.32", "answer: 0"), encoding="utf-8")
    quiz = kefu.practice("tq", "tq_number")
    assert quiz.check() is False and "请先填一个数字" in quiz.feedback.value
    quiz.answer(0)
    assert quiz.check() is True


def _stage_summary(sessions):
    order = {"售前": 0, "售中": 1, "售后": 2, "未分类": 3}
    columns = ["stage", "sessions", "share"]
    if len(sessions) == 0:
        return pd.DataFrame(columns=columns)
    stage = sessions["stage"].astype(object)
    stage = stage.where(stage.notna() & (stage.astype(str) != ""), "未分类")
    counts = stage.value_counts()
    out = pd.DataFrame({"stage": list(counts.index), "sessions": [int(n) for n in counts]})
    out["share"] = (out["sessions"] / len(sessions)).round(3)
    out["rank"] = out["stage"].map(order)
    return out.sort_values(["sessions", "rank"], ascending=[False, True])[columns].reset_index(drop=True)


def _penalty_by_store(incidents, rules):
    columns = ["store", "incidents", "points"]
    kept = incidents[(incidents["status"] == "成立") & incidents["rule_code"].isin(list(rules))]
    if kept.empty:
        return pd.DataFrame(columns=columns)
    points = kept["rule_code"].map(lambda c: rules[c]["points"])
    orders = pd.to_numeric(kept["orders_affected"], errors="coerce").fillna(1)
    per_order = kept["rule_code"].map(lambda c: bool(rules[c]["per_order"]))
    deducted = points.where(~per_order, points * orders)
    out = (pd.DataFrame({"store": kept["store"], "d": deducted}).groupby("store", as_index=False)
           .agg(incidents=("d", "size"), points=("d", "sum")))
    return out.sort_values(["points", "store"], ascending=[False, True])[columns].reset_index(drop=True)


CORRECT = {("m01", "m01_t4"): _stage_summary, ("m02", "m02_t7"): _penalty_by_store}


@pytest.mark.parametrize("module, item_id", list(CORRECT))
def test_a_correct_function_passes_every_twin_case(tmp_path, monkeypatch, module, item_id):
    """Does a correct function pass every case of the function twin, and count as mastered?"""
    monkeypatch.chdir(tmp_path)
    report = try_function(CORRECT[(module, item_id)], module, item_id)
    item = next(i for i in load_practice(module) if i.id == item_id)
    assert 4 <= len(item.cases) <= 5
    assert report.passed == len(item.cases), str(report)
    assert "提示" not in str(report) and f"通过 {len(item.cases)}/{len(item.cases)}" in str(report)
    assert progress.load_progress()[item_id] == {**progress.load_progress()[item_id], "attempts": 1, "correct": True}


def test_a_wrong_function_fails_with_the_case_explanation(tmp_path, monkeypatch):
    """Does a function that ignores missing stages fail those cases with their explanations and the difference?"""
    monkeypatch.chdir(tmp_path)

    def drops_missing(sessions):
        result = _stage_summary(sessions.dropna(subset=["stage"]))
        return result

    report = try_function(drops_missing, "m01", "m01_t4")
    item = next(i for i in load_practice("m01") if i.id == "m01_t4")
    failed = [case for case, (ok, *_rest) in zip(item.cases, report.results) if not ok]
    assert failed and len(failed) < len(item.cases)
    text = str(report)
    for case in failed:
        assert f"× {case.name}" in text and f"提示:{case.explanation}" in text
    assert "[你的结果]" in text and "[期望]" in text
    assert report._repr_html_().startswith(STYLE_TAG + f"<pre class='kefu-tryout'><b>{item.title}:通过")
    assert progress.load_progress()["m01_t4"]["correct"] is False


def test_try_function_reports_stub_and_wrong_return_type(tmp_path, monkeypatch):
    """Is the untouched stub reported as not implemented (not an attempt), and a non-DataFrame named?"""
    monkeypatch.chdir(tmp_path)

    def stub(incidents, rules):
        raise NotImplementedError()

    report = try_function(stub, "m02", "m02_t7")
    assert "函数还没有实现" in str(report) and report.passed == 0
    assert progress.load_progress() == {}
    report = try_function(lambda incidents, rules: incidents["store"], "m02", "m02_t7")
    assert "应返回 DataFrame,实际返回 Series" in str(report)
    assert progress.load_progress()["m02_t7"]["attempts"] == 1
    with pytest.raises(KeyError, match="没有函数练习"):
        try_function(stub, "m02", "m02_t5")


def test_progress_counts_attempts_and_keeps_correct(tmp_path):
    """Does record count attempts, keep an item correct after a later wrong try, and stamp the time?"""
    progress.record("a", False, folder=tmp_path)
    progress.record("a", True, folder=tmp_path)
    progress.record("a", False, folder=tmp_path)
    progress.record("b", False, folder=tmp_path)
    done = progress.load_progress(tmp_path)
    assert done["a"]["attempts"] == 3 and done["a"]["correct"] is True and done["a"]["last"]
    assert done["b"] == {**done["b"], "attempts": 1, "correct": False}
    raw = json.loads((tmp_path / progress.PROGRESS_FILE).read_text(encoding="utf-8"))
    assert raw["format"] == progress.FORMAT
    assert not list(tmp_path.glob(".kefu-progress-*")), "no temporary file left behind"


@pytest.mark.parametrize("content", [
    "{not json", "", "[]", '{"format": "other/1", "items": {"a": {"attempts": 2}}}',
    '{"format": "kefu-progress/1", "items": [1, 2]}', '{"format": "kefu-progress/1", "items": null}',
], ids=["not-json", "empty", "a-list", "other-format", "items-a-list", "items-null"])
def test_damaged_progress_file_counts_as_empty(tmp_path, content):
    """Is a damaged or foreign progress file read as empty, and replaced by the next attempt?"""
    (tmp_path / progress.PROGRESS_FILE).write_text(content, encoding="utf-8")
    assert progress.load_progress(tmp_path) == {}
    progress.record("a", True, folder=tmp_path)
    assert progress.load_progress(tmp_path)["a"]["attempts"] == 1


def test_damaged_progress_entries_are_tolerated(tmp_path):
    """Are bad entries (not a mapping, attempts not a number) ignored or counted as zero, never raised?"""
    doc = {"format": progress.FORMAT, "items": {"a": {"attempts": "many", "correct": "yes"}, "b": 3,
                                                 "c": {"attempts": 2, "correct": True}}}
    (tmp_path / progress.PROGRESS_FILE).write_text(json.dumps(doc), encoding="utf-8")
    done = progress.load_progress(tmp_path)
    assert set(done) == {"a", "c"} and done["a"]["attempts"] == 0 and done["a"]["correct"] is False
    progress.record("a", False, folder=tmp_path)
    assert progress.load_progress(tmp_path)["a"]["attempts"] == 1


def test_record_never_raises_on_a_missing_folder(tmp_path):
    """Does record quietly skip a folder it cannot write to?"""
    progress.record("a", True, folder=tmp_path / "missing")
    assert not (tmp_path / "missing").exists()


def test_progress_view_statuses(tmp_path):
    """Does the progress view list every practice item of the module with 未做 / 做过,还没做对 / 已掌握?"""
    progress.record("m01_t1", True, folder=tmp_path)
    progress.record("m01_t2", False, folder=tmp_path)
    progress.record("m01_t2", False, folder=tmp_path)
    view = progress.ProgressView("m01", folder=tmp_path)
    items = load_practice("m01")
    assert len(view.rows) >= len(items)
    rows = {title: (kind, status, n) for title, kind, status, n in view.rows}
    titles = {i.id: i.title for i in items}
    assert rows[titles["m01_t1"]] == ("分类", "已掌握", 1)
    assert rows[titles["m01_t2"]] == ("排序", "做过,还没做对", 2)
    assert rows[titles["m01_t4"]] == ("pandas 函数", "未做", 0)
    assert view.mastered == 1
    assert str(view).startswith(f"M01 自学进度:已掌握 1/{len(view.rows)}")
    html = view._repr_html_()
    assert "已掌握" in html and "做过,还没做对" in html and html.count("<tr>") == len(view.rows) + 1


BROKEN_TYPES = "items:\n  - id: tb_1\n    type: {type}\n    title: 题目\n    prompt: 说明\n"


@pytest.mark.parametrize("kind, body, message", [
    ("quiz", "", "第 1 项(tb_1)的 type “quiz” 不认识,只能是 choice、labels、order、number、function"),
    ("labels", "    labels: [售前, 售后]\n    questions:\n      - {text: 一条, answer: 售中, explanation: 解释}\n",
     "第 1 项(tb_1)的第 1 个问题的 answer “售中” 不在 labels 中"),
    ("labels", "    labels: [售前, 售后]\n    questions:\n      - {text: 一条, answer: 售前}\n",
     "第 1 项(tb_1)的第 1 个问题要有 text、answer 和 explanation"),
    ("order", "    steps: [拍下, 付款, 拍下]\n    explanation: 解释\n", "第 1 项(tb_1)的 steps 中有重复的步骤"),
    ("order", "    steps: [拍下, 付款]\n    explanation: 解释\n", "第 1 项(tb_1)的 steps 必须是至少 3 项的列表"),
    ("number", "    answer: 很多\n    explanation: 解释\n", "第 1 项(tb_1)的 answer 必须是数字"),
    ("function", "    function: f\n    cases:\n      - {name: 空表, args: [], explanation: 解释}\n",
     "第 1 项(tb_1)的第 1 个用例要有 name、args、expected 和 explanation"),
    ("function", "    function: f\n    cases:\n      - {name: 空表, args: [], expected: [1], explanation: 解释}\n",
     "第 1 项(tb_1)的第 1 个用例:args 必须是列表,expected 必须是“列名: 值列表”的映射"),
], ids=["bad-type", "answer-not-in-labels", "question-without-explanation", "duplicate-steps", "too-few-steps",
        "answer-not-a-number", "case-without-expected", "expected-not-a-mapping"])
def test_malformed_practice_item_types(quiz_dir, tmp_path, kind, body, message):
    """Is each broken item of the new types named with its file, item and problem?"""
    (tmp_path / "data" / "practice" / "tb.yaml").write_text(BROKEN_TYPES.format(type=kind) + body,
                                                            encoding="utf-8")
    with pytest.raises(DataFileMalformed) as caught:
        load_practice("tb")
    assert "data/practice/tb.yaml" in str(caught.value) and message in str(caught.value)


def _graded_solution(module: str, function: str):
    """The instructor's solution of the graded function a twin mirrors, taken from source/."""
    import kefu as kefu_module

    (path,) = sorted((ROOT / "source").glob(f"{module}_*/{module}_*.ipynb"))
    namespace = {"pd": pd, "kefu": kefu_module}
    for cell in nbformat.read(str(path), as_version=4).cells:
        for region in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, flags=re.S):
            if f"def {function}(" in region:
                exec(compile(textwrap.dedent(region), str(path), "exec"), namespace)  # noqa: S102
    return namespace.get(function)


FUNCTION_TWINS = [(p.stem, item.id, item.function) for p in sorted((ROOT / "data" / "practice").glob("*.yaml"))
                  for item in load_practice(p.stem) if item.kind == "pandas 函数"]


@pytest.mark.parametrize("module, item_id, function", FUNCTION_TWINS, ids=[t[1] for t in FUNCTION_TWINS])
def test_graded_solution_passes_its_twin(tmp_path, monkeypatch, module, item_id, function):
    """Does the instructor's solution of the graded function pass every case of its self-study twin?"""
    monkeypatch.chdir(tmp_path)
    graded = function.removeprefix("my_")  # twins name their stub my_<graded function>
    solution = _graded_solution(module, graded)
    assert callable(solution), f"source/{module}_*: no solution defines {graded}()"
    report = try_function(solution, module, item_id)
    assert report.passed == len(report.results), str(report)

"""Tests of the source-notebook rules behind `kefu check`."""

from __future__ import annotations

from kefu.nbcheck import check_course, check_notebook

from factories import answer_cell, good_notebook, grader_cell, notebook, write


def problems_of(nb, tmp_path, **kw):
    return check_notebook(write(nb, tmp_path / "a" / "a.ipynb"), **kw).problems


def test_good_notebook_passes_and_counts_points(tmp_path):
    """Does a well-formed notebook pass with its points counted?"""
    report = check_notebook(write(good_notebook(), tmp_path / "a" / "a.ipynb"))
    assert report.problems == []
    assert report.auto_points == 2 and report.manual_points == 0


def test_outputs_are_reported_and_fixed(tmp_path):
    """Are stored outputs reported, and does --fix remove them?"""
    nb = good_notebook()
    nb.cells[0].outputs = [{"output_type": "stream", "name": "stdout", "text": "x"}]
    nb.cells[0].execution_count = 3
    path = write(nb, tmp_path / "a" / "a.ipynb")
    assert any("有输出或执行计数" in p for p in check_notebook(path).problems)
    fixed = check_notebook(path, fix=True)
    assert fixed.fixed and fixed.problems == []
    assert check_notebook(path).problems == []


def test_answer_without_test_cell_is_reported(tmp_path):
    """Is an answer cell with no test cell after it reported by grade id?"""
    nb = notebook(answer_cell("t_q1_answer"), answer_cell("t_q2_answer", "b = 1"), grader_cell("t_q2_test"))
    assert problems_of(nb, tmp_path) == ["第 2 个单元格(t_q1_answer) 是答题单元格,但后面没有测试单元格"]


def test_duplicate_cell_ids_and_grade_ids(tmp_path):
    """Are repeated cell ids and grade ids both reported?"""
    nb = notebook(answer_cell("t_q1_answer"), grader_cell("t_q1_test"), grader_cell("t_q1_test"))
    found = problems_of(nb, tmp_path)
    assert any("单元格 id 't-q1-test' 重复" in p for p in found)
    assert any("grade_id 't_q1_test' 重复" in p for p in found)


def test_missing_points_and_visible_assert(tmp_path):
    """Are a graded cell without points and a visible assert reported?"""
    nb = notebook(answer_cell("t_q1_answer"),
                  grader_cell("t_q1_test", points=0, visible='assert answer == "A"'))
    found = problems_of(nb, tmp_path)
    assert any("分值 points 不是正数" in p for p in found)
    assert any("可见部分有 assert" in p for p in found)
    assert any("应当用 kefu.checks 做格式检查" in p for p in found)


def test_test_cell_without_hidden_region(tmp_path):
    """Is a test cell without a hidden-test region reported?"""
    cell = grader_cell("t_q1_test")
    cell.source = 'kefu.checks.check_choice(answer, ["A"], name="a")'
    found = problems_of(notebook(answer_cell("t_q1_answer"), cell), tmp_path)
    assert any("BEGIN/END HIDDEN TESTS" in p for p in found)


def test_broken_json_is_a_problem_not_a_crash(tmp_path):
    """Does a file that is not JSON give a readable problem instead of a traceback?"""
    path = tmp_path / "a" / "a.ipynb"
    path.parent.mkdir()
    path.write_text("{ not json", encoding="utf-8")
    (problem,) = check_notebook(path).problems
    assert problem.startswith("无法读取为笔记本")


def test_grade_ids_unique_across_course(tmp_path):
    """Are grade ids shared by two notebooks of the course reported?"""
    write(good_notebook(), tmp_path / "a" / "a.ipynb")
    write(good_notebook(), tmp_path / "b" / "b.ipynb")
    reports = check_course(tmp_path)
    assert any("grade_id 't_q1_answer' 与" in p for p in reports[1].problems)


def test_answers_file_in_source_and_missing_key(tmp_path):
    """Is a learner's answers file in source/ refused, and a graded widget without a key reported?"""
    from kefu.answers import save_answer

    nb = notebook(grader_cell("t_q6_test", visible='kefu.checks.check_stored_choice("t_q6", ["A", "B"])',
                              hidden='kefu.grading.score_stored_choice("t_q6", "A", 2, ["A", "B"])'))
    path = write(nb, tmp_path / "a" / "a.ipynb")
    (problem,) = check_course(tmp_path)[0].problems
    assert problem.startswith("选择题组件 t_q6 在 kefu-answers.key.json 中没有有效的答案键")
    save_answer("t_q6", "A", folder=path.parent)
    (problem,) = check_course(tmp_path)[0].problems
    assert problem.startswith("a/kefu-answers.json 不应放在 source/ 中")
    (path.parent / "kefu-answers.json").rename(path.parent / "kefu-answers.key.json")
    assert check_course(tmp_path)[0].problems == []

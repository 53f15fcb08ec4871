"""The grading sandbox and the plain-data codec, tested directly (the corpus tests them through nbgrader)."""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import pytest

from kefu.sandbox.codec import CodecError, Decoder, Encoder
from kefu.sandbox.launcher import Limits, Sandbox, bwrap_path
from kefu.sandbox.protocol import receive, send
from kefu.sandbox.remote import LearnerConnection, LearnerObject

from conftest import ROOT


def roundtrip(value):
    handles = []
    data = json.loads(json.dumps(Encoder(lambda v: handles.append(v) or len(handles)).encode(value)))
    return Decoder(lambda ident, label: ("handle", ident, label)).decode(data)


def test_frames_and_scalars_come_back_with_the_same_dtypes():
    frame = pd.DataFrame({"i": [1, 2, 3], "f": [1.5, np.nan, -0.0], "s": ["a", None, "中文"],
                          "t": pd.to_datetime(["2026-01-01 08:00", None, "2026-03-01 09:30"]),
                          "n": pd.array([1, None, 3], dtype="Int64"), "c": pd.Categorical(["x", "y", "x"]),
                          "z": pd.to_datetime(["2026-01-01", "2026-01-02", None]).tz_localize("Asia/Shanghai")},
                         index=pd.Index([10, 20, 30], name="k"))
    back = roundtrip(frame)
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    assert type(roundtrip(np.float64(0.1))) is np.float64
    assert roundtrip(pd.Timestamp("2026-10-20 20:00")) == pd.Timestamp("2026-10-20 20:00")
    assert roundtrip({"a": [1, (2, 3)], 4: {5}}) == {"a": [1, (2, 3)], 4: {5}}


def test_lying_objects_never_cross_as_data():
    class Always(str):
        def __eq__(self, other):
            return True

    class Frame(pd.DataFrame):
        def equals(self, other):
            return True

    assert roundtrip(Always("A"))[0] == "handle"
    assert roundtrip(Frame({"a": [1]}))[0] == "handle"
    assert roundtrip([Always("A")])[0][0] == "handle"


@pytest.mark.parametrize("data", [
    {"nd": {"dtype": "O", "shape": [1], "items": [{"x": 1}]}},  # unknown tag inside
    {"nd": {"dtype": "V8", "shape": [1], "raw": "AAAAAAAAAAA="}},  # void dtype is not plain data
    {"nd": {"dtype": "<f8", "shape": [3], "raw": "AAAAAAAAAAA="}},  # size does not match the shape
    {"i": 5},  # wrong field type
    {"pickle": "gASV"},  # no such tag: nothing is ever unpickled
])
def test_decoder_rejects_anything_but_plain_data(data):
    with pytest.raises(CodecError):
        Decoder().decode(data)


needs_bwrap = pytest.mark.skipif(bwrap_path() is None, reason="bubblewrap (bwrap) is not installed")


@pytest.fixture(scope="module")
def sandbox():
    box = Sandbox(Limits(cell_seconds=5, notebook_seconds=20, processes=32))
    yield box
    box.stop()


def run(sock, code, timeout=10):
    send(sock, {"op": "run", "code": code})
    return receive(sock, timeout=timeout)


def text(reply):
    return "".join(o.get("text", "") for o in reply["outputs"] if o["output_type"] == "stream")


@needs_bwrap
def test_learner_process_sees_only_what_it_needs(sandbox):
    sock = sandbox.spawn()
    try:
        reply = run(sock, "import os, socket\n"
                          f"print(os.path.exists({str(ROOT / 'source')!r}), os.path.exists({str(ROOT / 'gradebook.db')!r}))\n"
                          "print(os.getuid() != 0)\n"
                          "s = socket.socket()\n"
                          "s.settimeout(2)\n"
                          "try:\n    s.connect(('1.1.1.1', 80)); print('net')\nexcept OSError:\n    print('no net')\n"
                          f"try:\n    open({str(ROOT / 'kefu' / 'x')!r}, 'w')\nexcept OSError as e:\n    print(e.errno)\n")
        assert text(reply).split() == ["False", "False", "True", "no", "net", "30"]  # 30: read-only file system
    finally:
        sock.close()
        sandbox.reap()


@needs_bwrap
def test_nothing_survives_into_the_next_learner(sandbox):
    sock = sandbox.spawn()
    # the folder above kefu/ is first on the zygote's sys.path: a module left there would be imported by the next
    # learner. Outside /tmp the sandbox's root is read-only; under /tmp (a checkout there) the wipe removes it.
    planted = ROOT / "planted_module.py"
    run(sock, "import os, subprocess\n"
              "open('/tmp/secret', 'w').write('x')\n"
              f"try:\n    open({str(planted)!r}, 'w').write('x = 1')\nexcept OSError:\n    pass\n"
              "subprocess.Popen(['sleep', '300'], start_new_session=True)\n")
    sock.close()
    sandbox.reap()
    sock = sandbox.spawn()
    try:
        reply = run(sock, "import os\n"
                          "print(os.path.exists('/tmp/secret'))\n"
                          f"print(os.path.exists({str(planted)!r}))\n"
                          "print(sum(1 for p in os.listdir('/proc') if p.isdigit()))\n")
        exists, planted_exists, processes = text(reply).split()
        assert exists == planted_exists == "False"
        assert not planted.exists()  # and nothing reached the real checkout
        assert int(processes) <= 3  # the namespace's init, the zygote and this learner process
    finally:
        sock.close()
        sandbox.reap()


@needs_bwrap
def test_a_learner_function_runs_in_the_sandbox_and_returns_plain_data(sandbox):
    sock = sandbox.spawn()
    conn = LearnerConnection(sock, message_limit=1 << 20)
    try:
        run(sock, "def f(df):\n    print('hi')\n    return df.assign(b=df.a * 2)\nclass Liar(str):\n"
                  "    def __eq__(self, o): return True\nanswer = Liar('B')\n")
        conn.deadline = time.monotonic() + 10
        reply = conn.request({"op": "export", "names": ["f", "answer"]})
        decoder = conn.decoder()
        f, answer = decoder.decode(reply["values"]["f"]), decoder.decode(reply["values"]["answer"])
        assert isinstance(f, LearnerObject) and isinstance(answer, LearnerObject)
        assert answer != "A" and not isinstance(answer, str)
        result = f(pd.DataFrame({"a": [1, 2]}))
        pd.testing.assert_frame_equal(result, pd.DataFrame({"a": [1, 2], "b": [2, 4]}))
    finally:
        conn.close()
        sandbox.reap()


@pytest.mark.slow
def test_without_bubblewrap_grading_refuses_unless_told_and_then_says_so(tmp_path, monkeypatch, capsys):
    """No bwrap on PATH: kefu autograde stops with the install command; --no-sandbox grades and warns."""
    import os
    import sys
    from pathlib import Path

    from kefu.commands import autograde, release
    from kefu.course.gradebook import submission_scores
    from kefu.course.nbgrader_api import open_api

    from conftest import copy_course
    from notebook_tools import submit_cohort

    course = copy_course(tmp_path / "course", ["m01_role"])
    assert release.main(course=str(course), assignments=["m01_role"]) == 0
    submit_cohort(course, "m01_role")
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))  # the environment's bin/ only: no bwrap
    assert bwrap_path() is None
    assert autograde.main(course=str(course), assignments=["m01_role"]) == 2
    err = capsys.readouterr().err
    assert "没有找到 bubblewrap" in err and "apt-get install bubblewrap" in err and "--no-sandbox" in err
    assert autograde.main(course=str(course), assignments=["m01_role"], no_sandbox=True, jobs=2) == 0
    assert "学员代码不在沙箱中运行" in capsys.readouterr().err
    scores = {r.student: r.auto_score for r in submission_scores(open_api(course), "m01_role")}
    assert scores["alice"] == 23 and scores["bob"] == 0 and 0 < scores["carol"] < 23
    assert os.environ["PATH"] == str(Path(sys.executable).parent)


@pytest.mark.slow
def test_plain_nbgrader_autograde_refuses_a_submission_with_symbolic_links(tmp_path):
    """nbgrader copies a link's target with the grader's rights; the sandboxed step removes the copies and refuses."""
    import os
    import shutil

    from kefu.commands import release
    from kefu.course.messages import describe_failure
    from kefu.course.nbgrader_api import open_api

    from conftest import copy_course

    course = copy_course(tmp_path / "course", ["m01_role"])
    assert release.main(course=str(course), assignments=["m01_role"]) == 0
    folder = course / "submitted" / "mallory" / "m01_role"
    shutil.copytree(course / "release" / "m01_role", folder)
    os.symlink(course / "source" / "m01_role" / "kefu-answers.key.json", folder / "kefu-answers.json")
    os.symlink(course / "source" / "m01_role" / "m01_role.ipynb", folder / "notes.txt")
    result = open_api(course).autograde("m01_role", "mallory", force=True, create=True)
    assert not result["success"]
    message = describe_failure(result)
    assert message.startswith("提交中有符号链接 kefu-answers.json、notes.txt")
    graded = course / "autograded" / "mallory" / "m01_role"
    assert not (graded / "kefu-answers.json").exists() and not (graded / "notes.txt").exists()


@pytest.mark.slow
def test_a_runaway_cell_is_interrupted_and_later_answers_still_count_as_in_stock_nbgrader(tmp_path):
    """A cell over its time limit gets a KeyboardInterrupt, like nbgrader's interrupt_on_timeout; the run goes on."""
    import shutil

    import nbformat
    from traitlets.config import Config

    from kefu.commands import release
    from kefu.answers import submit_key
    from kefu.course.gradebook import submission_scores
    from kefu.course.nbgrader_api import open_api
    from kefu.grader.batch import grade

    from conftest import copy_course
    from test_parallel_grading import stock_overrides

    scores = {}
    for kind in ("kefu", "stock"):
        course = copy_course(tmp_path / kind, ["m01_role"])
        config = course / "nbgrader_config.py"
        config.write_text(config.read_text() + "\nc.SandboxedExecute.cell_timeout = 3\nc.Execute.timeout = 3\n")
        assert release.main(course=str(course), assignments=["m01_role"]) == 0
        folder = course / "submitted" / "loopy" / "m01_role"
        shutil.copytree(course / "source" / "m01_role", folder)
        submit_key(course / "source" / "m01_role", folder)
        path = folder / "m01_role.ipynb"
        nb = nbformat.read(str(path), as_version=4)
        answer = next(c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "m01_q1_answer")
        answer.source += "\nwhile True:\n    pass\n"
        nbformat.write(nb, str(path))
        if kind == "kefu":
            (outcome,) = grade(course, [("m01_role", "loopy")], jobs=1)
            assert outcome.status == "timeout"
            assert any("已中断(KeyboardInterrupt)" in p and "m01_q1_answer" in p for p in outcome.problems)
            api = open_api(course)
        else:
            api = open_api(course, Config(stock_overrides()))
            assert api.autograde("m01_role", "loopy", force=True, create=True)["success"]
        (row,) = submission_scores(api, "m01_role", ["loopy"])
        scores[kind] = row.auto_score
    assert scores == {"kefu": 23.0, "stock": 23.0}


def test_numpy_text_scalars_cross_as_plain_str():
    """Do numpy's own str scalars (what np.select and np.where give for text) cross as plain str, alone and in a
    frame column, while a learner's subclass of them stays a handle?"""
    class Sly(np.str_):
        def __eq__(self, other):
            return True

    back = roundtrip(np.str_("投诉客户"))
    assert type(back) is str and back == "投诉客户"
    group = np.select([np.array([True, False])], ["VIP"], default="潜在客户")
    frame = pd.DataFrame({"buyer": ["小桃", "小枣"], "group": list(group)})
    assert type(frame["group"].iloc[0]) is np.str_
    back = roundtrip(frame)
    assert [type(v) for v in back["group"]] == [str, str]
    pd.testing.assert_frame_equal(back, pd.DataFrame({"buyer": ["小桃", "小枣"], "group": ["VIP", "潜在客户"]}))
    assert roundtrip(Sly("A"))[0] == "handle"

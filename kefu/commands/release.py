"""kefu release — build the student versions in release/ (and optionally the exchange)."""

from __future__ import annotations

import re
from pathlib import Path

from ..course.env import find_course_root
from ..course.messages import describe_failure
from ..course.nbgrader_api import open_api
from ..course.progress import Progress
from .check import main as check_main

LEAK = re.compile(r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS|kefu\.grading\.")


def source_assignments(root: Path) -> list[str]:
    """Assignment folders under source/ that hold at least one notebook."""
    return sorted(p.name for p in (root / "source").iterdir()
                  if p.is_dir() and any(p.glob("*.ipynb")))


def leaks(folder: Path) -> list[str]:
    """Release notebooks that still contain solution or hidden-test text."""
    return [str(nb) for nb in sorted(folder.glob("*.ipynb")) if LEAK.search(nb.read_text(encoding="utf-8"))]


def build_practice_editions(root: Path, names) -> int:
    """Write the self-study edition of each assignment into practice/."""
    from ..course.practice_edition import build_practice

    progress = Progress(len(names))
    for name in names:
        with progress.step(f"生成自学版 practice/{name}"):
            build_practice(root, name)
    print("自学版已生成:打开 practice/ 中的笔记本即可练习(make study 会复制一份到 my_work/)。")
    return 0


def main(*, course: str | None = None, assignments=(), check: bool = True, exchange: bool = False,
         practice: bool = False) -> int:
    """Generate each assignment (or, with ``practice``, its self-study edition); 0 when all succeed."""
    root = find_course_root(course)
    if check and check_main(course=str(root)) != 0:
        print("源笔记本未通过检查,已停止生成。修正后再运行,或加 --no-check 跳过检查。")
        return 1
    names = list(assignments) or source_assignments(root)
    missing = [n for n in names if not (root / "source" / n).is_dir()]
    if missing:
        print(f"× source/ 下没有这些作业:{'、'.join(missing)};已有:{'、'.join(source_assignments(root))}")
        return 1
    if practice:
        return build_practice_editions(root, names)
    api = open_api(root)
    progress = Progress(len(names) * (2 if exchange else 1))
    failures = 0
    for name in names:
        with progress.step(f"生成学生版 release/{name}") as step:
            result = api.generate_assignment(name, force=True, create=True)
            leaked = leaks(root / "release" / name) if result["success"] else []
            if not result["success"] or leaked:
                step["status"] = "失败"
        if not result["success"]:
            failures += 1
            print("    " + describe_failure(result))
            continue
        if leaked:
            failures += 1
            print(f"    × 学生版仍含有答案或隐藏测试:{', '.join(leaked)}。请检查源笔记本的标记。")
            continue
        if exchange:
            with progress.step(f"发布到交换目录 {name}") as step:
                result = api.release_assignment(name)
                if not result["success"]:
                    step["status"] = "失败"
            if not result["success"]:
                failures += 1
                print("    " + describe_failure(result))
    print("全部完成。" if not failures else f"{failures} 项失败,见上方说明。")
    return 0 if not failures else 1

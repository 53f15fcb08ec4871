"""kefu check — validate the source notebooks and the data files."""

from __future__ import annotations

from pathlib import Path

from ..course.env import find_course_root
from ..errors import KefuError
from ..nbcheck import check_course


def _check_data() -> list[str]:
    """Load every data file the way the notebooks do; return the problems."""
    from .. import data
    from ..review import review_reply
    from ..widgets.practice_bank import load_practice
    from .._paths import data_dir

    problems = []
    steps = [("data/standards.yaml", data.load_standards),
             ("data/platform_rules.yaml", lambda: data.load_yaml("platform_rules.yaml")),
             ("data/reply_rules.yaml", lambda: [review_reply("您好", t) for t in
                                                (data.load_yaml("reply_rules.yaml").get("tasks") or {})])]
    folder = data_dir()
    steps += [(f"data/practice/{p.name}", lambda p=p: load_practice(p.stem))
              for p in sorted((folder / "practice").glob("*.yaml"))]
    steps += [(f"data/{p.name}", lambda p=p: data.load_table(p.name)) for p in sorted(folder.glob("*.csv"))]
    if (folder / "quick_replies.yaml").is_file():
        from ..quick_replies import load_quick_replies

        steps.append(("data/quick_replies.yaml", load_quick_replies))
    if (folder / "shift").is_dir():
        from ..shift.pool import check_files

        steps.append(("data/shift/", check_files))
    for name, load in steps:
        try:
            load()
        except (KefuError, KeyError, TypeError, ValueError) as exc:
            problems.append(f"{name}:{exc}")
    return problems + _check_scenarios(folder / "scenarios")


def _check_scenarios(folder: Path) -> list[str]:
    """Every problem of every scenario file (docs/SCENARIOS.md §2), one line each."""
    from ..scenarios import validate_file

    misnamed = [f"data/scenarios/{p.name}:扩展名应为 .yaml,请改名为 {p.stem}.yaml(否则不会被读取)"
                for p in sorted(folder.glob("*.yml"))]
    return misnamed + [problem for path in sorted(folder.glob("*.yaml")) for problem in validate_file(path)]


def main(*, course: str | None = None, fix: bool = False) -> int:
    """Print a line per notebook and data problem; 0 when everything passes."""
    root = find_course_root(course)
    reports = check_course(root / "source", fix=fix)
    if not reports:
        print(f"× {root / 'source'} 下没有笔记本(应为 source/<作业名>/<笔记本>.ipynb)")
        return 1
    failed = 0
    for report in reports:
        shown = report.path.relative_to(root)
        if report.ok:
            note = "(已清除输出)" if report.fixed else ""
            print(f"✓ {shown}:自动评分 {report.auto_points:g} 分 + 人工评分 {report.manual_points:g} 分{note}")
        else:
            failed += 1
            print(f"× {shown}:")
            for problem in report.problems:
                print(f"    - {problem}")
    data_problems = _check_data()
    for problem in data_problems:
        print(f"× {problem}")
    if not data_problems:
        print("✓ data/ 中的数据文件全部可以正常读取")
    total = failed + len(data_problems)
    print("检查通过。" if total == 0 else f"发现 {total} 处问题,请按上面的提示修正。")
    return 0 if total == 0 else 1

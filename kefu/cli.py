"""The ``kefu`` command line: parses arguments and forwards to kefu.commands.*."""

from __future__ import annotations

import argparse
import sys

from .errors import KefuError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kefu", description="电商客服实训课程工具(封装 nbgrader 的常用步骤)")
    parser.add_argument("--course", help="课程文件夹(含 nbgrader_config.py 和 source/),默认自动查找")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")

    p = sub.add_parser("check", help="检查源笔记本和数据文件")
    p.add_argument("--fix", action="store_true", help="顺便清除源笔记本中的输出和执行计数")

    p = sub.add_parser("release", help="生成学生版 release/(先自动检查)")
    p.add_argument("assignments", nargs="*", help="作业名,默认全部")
    p.add_argument("--no-check", dest="check", action="store_false", help="跳过检查")
    p.add_argument("--exchange", action="store_true", help="同时发布到交换目录,供学员 nbgrader fetch_assignment")
    p.add_argument("--practice", action="store_true", help="生成自学版 practice/(不计分,每题即时解析)")

    p = sub.add_parser("autograde", help="并行自动评分 submitted/ 中的作业(学员代码在沙箱中运行),显示成绩和问题")
    p.add_argument("assignments", nargs="*", help="作业名,默认所有有提交的作业")
    p.add_argument("--student", dest="students", action="append", default=[], help="只评这名学员(可重复)")
    p.add_argument("--jobs", "-j", type=int, help="并行进程数,默认等于 CPU 核数")
    p.add_argument("--scheduler", help="Dask 调度器地址(如 tcp://10.0.0.5:8786),在集群上评分")
    p.add_argument("--json", dest="json_out", help="把评分汇总写入这个 JSON 文件")
    p.add_argument("--no-sandbox", action="store_true", help="没有 bubblewrap 时仍然评分(学员代码不受隔离,不推荐)")

    p = sub.add_parser("feedback", help="生成 HTML 反馈并发放给学员")
    p.add_argument("assignment")
    p.add_argument("--student", dest="students", action="append", default=[], help="只处理这名学员(可重复)")
    p.add_argument("--no-release", dest="release", action="store_false", help="只生成,不发放到交换目录")

    p = sub.add_parser("export", help="导出全部作业的成绩(CSV,UTF-8 带 BOM,Excel 可直接打开)")
    p.add_argument("--out", help="输出文件,默认课程目录下的 grades.csv(--long 时为 grades_long.csv)")
    p.add_argument("--long", action="store_true", help="逐题导出:每名学员每道评分题一行")

    p = sub.add_parser("scores", help="显示某作业的成绩表")
    p.add_argument("assignment")
    p.add_argument("--csv", dest="as_csv", action="store_true", help="以 CSV 输出")

    p = sub.add_parser("grade-demo", help="在临时副本中提交解答版和空白版,验证评分是否正常")
    p.add_argument("assignments", nargs="*")

    p = sub.add_parser("analyze", help="题目分析:各题难度、区分度和最常见的错误选项(生成 HTML 报告)")
    p.add_argument("assignment", nargs="?", help="作业名,默认全部已评分的作业")
    p.add_argument("--out", help="报告文件,默认 reports/item_analysis.html")

    p = sub.add_parser("make-data", help="用固定随机种子重新生成 data/ 中的练习数据")
    p.add_argument("--out", dest="out_dir")
    p.add_argument("--seed", type=int)
    return parser


def _quiet_third_party_warnings() -> None:
    """nbgrader's gradebook code emits SQLAlchemy warnings that mean nothing to an instructor."""
    import warnings

    try:
        from sqlalchemy.exc import SAWarning
    except ImportError:  # pragma: no cover
        return
    warnings.filterwarnings("ignore", category=SAWarning)


def main(argv=None) -> int:
    _quiet_third_party_warnings()
    args = vars(_parser().parse_args(argv))
    command = args.pop("command")
    course = args.pop("course")
    from importlib import import_module

    module = import_module(f"kefu.commands.{command.replace('-', '_')}")
    if command != "make-data":
        args["course"] = course
    try:
        return module.main(**args)
    except KefuError as exc:
        print(f"× {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

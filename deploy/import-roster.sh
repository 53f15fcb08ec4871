#!/usr/bin/env bash
# Import a roster CSV: create the accounts it lists (new ones get a generated password, kept root-only in
# $KEFU_HUB_STATE/secrets/initial-passwords.csv) and register the trainees in the gradebook when the
# database is running (otherwise the next `make hub-up` does it). The hub picks the accounts up at their
# next login; no restart is needed.
# Usage (as root, from the repository):  make hub-roster ROSTER=名单.csv
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=deploy/lib.sh
. "$here/lib.sh"
require_root "导入名单"
load_settings
[ "$#" = 1 ] && [ -n "$1" ] || die "用法:make hub-roster ROSTER=名单.csv(格式见 deploy/roster.example.csv)"
roster="$(realpath -e "$1" 2>/dev/null)" || die "找不到名单文件 $1。"
cd /
py="$KEFU_HUB_VENV/bin/python"
[ -x "$py" ] || die "服务器 Python 环境 $KEFU_HUB_VENV 还没有安装。请先运行 make hub-install(或 make hub-up)。"

"$py" "$here/accounts.py" import "$roster"
if [ -d "$KEFU_COURSE_ROOT" ] && bash "$here/postgres.sh" status >/dev/null 2>&1; then
  bash "$here/course-command.sh" "$py" - "$STUDENTS_GROUP" <"$here/register_students.py"
else
  say "成绩簿数据库没有运行:下次 make hub-up 时会把学员登记到成绩簿。"
fi

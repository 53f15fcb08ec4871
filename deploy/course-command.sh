#!/usr/bin/env bash
# Run one course command as the grader account, in the course folder, with the server's gradebook
# (Postgres) and exchange — the same environment as the grading server instructors open in the hub.
# Usage (as root):  bash deploy/course-command.sh kefu autograde m01_role
#                   make hub-course CMD="nbgrader collect m01_role"
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=deploy/lib.sh
. "$here/lib.sh"
require_root "以评分账号运行课程命令"
load_settings
[ "$#" -gt 0 ] || die "用法:bash deploy/course-command.sh 命令 [参数…],例如:bash deploy/course-command.sh kefu autograde m01_role"
[ -d "$KEFU_COURSE_ROOT" ] || die "课程文件夹 $KEFU_COURSE_ROOT 不存在。请先运行 make hub-up。"
runuser_bin="$(command -v runuser)" || die "找不到 runuser(Debian 软件包 util-linux)。"
export_course_env
cd "$KEFU_COURSE_ROOT"
# runuser keeps this environment (KEFU_DB_URL included), so the password never shows in a process list
exec "$runuser_bin" -u "$GRADER" -- "$@"

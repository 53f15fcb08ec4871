#!/usr/bin/env bash
# Start the whole course server: gradebook database, course accounts, course folder, JupyterHub + proxy.
# Safe to rerun: what exists is kept (database, accounts and their passwords, submissions, grades).
# Usage (as root, from the repository):  make hub-up [ROSTER=名单.csv]
#   or:  bash deploy/hub-up.sh [名单.csv]
# Settings (environment, saved to $KEFU_HUB_STATE/hub.env at the first start): see deploy/lib.sh and
# docs/DEPLOY.md. The hub's log is $KEFU_HUB_STATE/hub/jupyterhub.log.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=deploy/lib.sh
. "$here/lib.sh"
require_root "启动课程服务器"
load_settings
roster="${1:-${KEFU_HUB_ROSTER:-}}"
if [ -n "$roster" ]; then roster="$(realpath -e "$roster" 2>/dev/null)" || die "找不到名单文件 ${1:-$KEFU_HUB_ROSTER}。"; fi
cd /

bash "$here/install.sh"
install -d -m 0755 "$STATE"
save_settings
install -d -m 0700 "$SECRETS" "$HUBDIR"
# the Jupyter settings of the servers (extensions per role, Chinese UI): a copy every account can read
rm -rf "$STATE/jupyter"
cp -r "$here/jupyter" "$STATE/jupyter"
chmod -R a+rX,go-w "$STATE/jupyter"
# the shared exchange as nbgrader expects it: everyone may write (0777); the sticky bit keeps people from
# deleting what others put there. Submissions land in inbound/, which nobody but the grader can list.
install -d -m 1777 "$KEFU_EXCHANGE"
chmod 1777 "$KEFU_EXCHANGE"

bash "$here/postgres.sh" start
py="$KEFU_HUB_VENV/bin/python"
"$py" "$here/accounts.py" course
if [ -n "$roster" ]; then "$py" "$here/accounts.py" import "$roster"; fi

# Every server runs this environment as another Unix user: they must be able to read it.
runuser -u "$GRADER" -- "$py" -c "import jupyterhub, psycopg2" >/dev/null 2>&1 || die "评分账号 $GRADER 无法使用服务器 Python 环境 $KEFU_HUB_VENV。所有账号都要能读取它:请把 KEFU_HUB_VENV 设在其他用户可进入的位置(默认 /opt/kefu-hub/venv),然后重新运行 make hub-up。"

# The course folder: the course's config and source/, owned by the grader account, closed to trainees.
if [ ! -f "$KEFU_COURSE_ROOT/nbgrader_config.py" ]; then
  say "建立课程文件夹 $KEFU_COURSE_ROOT"
  install -d -m 0700 -o "$GRADER" -g "$GRADER" "$KEFU_COURSE_ROOT"
  cp "$KEFU_REPO/nbgrader_config.py" "$KEFU_COURSE_ROOT/"
  cp -r "$KEFU_REPO/source" "$KEFU_COURSE_ROOT/source"
  find "$KEFU_COURSE_ROOT/source" -name .ipynb_checkpoints -prune -exec rm -rf {} +
  chown -R "$GRADER:$GRADER" "$KEFU_COURSE_ROOT"
fi
new_course=""
if [ ! -d "$KEFU_COURSE_ROOT/release" ]; then
  new_course=1
  say "生成学员版作业(release/)并在成绩簿中登记作业"
  bash "$here/course-command.sh" kefu release >"$HUBDIR/first-release.log" 2>&1 \
    || { rm -rf "$KEFU_COURSE_ROOT/release"; die "kefu release 失败,详见 $HUBDIR/first-release.log"; }
fi
if [ -n "$roster$new_course" ]; then
  # read by root and handed over on stdin: the grader account never needs to read this checkout
  bash "$here/course-command.sh" "$py" - "$STUDENTS_GROUP" <"$here/register_students.py"
fi

pidfile="$HUBDIR/jupyterhub.pid"
url="http://$KEFU_HUB_IP:$KEFU_HUB_PORT"
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  say "JupyterHub 已在运行(进程 $(cat "$pidfile")):$url"
  exit 0
fi
say "启动 JupyterHub:$url"
KEFU_DB_URL="$(gradebook_url)"
export KEFU_DB_URL
cd "$HUBDIR"
# setsid: the hub outlives this script and its terminal. env --default-signal=INT: a background job of a
# script starts with SIGINT ignored, which every server would inherit, and JupyterHub stops servers
# with SIGINT first (each would then hang until its 30 s timeout).
PATH="$KEFU_HUB_VENV/bin:/usr/local/bin:/usr/bin:/bin" LANG=C.UTF-8 \
  setsid env --default-signal=INT "$KEFU_HUB_VENV/bin/jupyterhub" -f "$here/jupyterhub_config.py" \
  >>"$HUBDIR/jupyterhub.log" 2>&1 </dev/null &
hub_pid=$!
unset KEFU_DB_URL
for _ in $(seq 1 600); do
  if ! kill -0 "$hub_pid" 2>/dev/null; then
    tail -n 30 "$HUBDIR/jupyterhub.log" >&2
    die "JupyterHub 没有启动(见上面的日志,完整日志:$HUBDIR/jupyterhub.log)。"
  fi
  if "$KEFU_HUB_VENV/bin/python" - "$url/hub/health" <<'PY' 2>/dev/null; then break; fi
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=2)
PY
  sleep 0.2
done
"$KEFU_HUB_VENV/bin/python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=5)" "$url/hub/health" \
  || die "JupyterHub 在 120 秒内没有响应,详见 $HUBDIR/jupyterhub.log"
say "课程服务器已启动:$url (学员和讲师用名单中的用户名和初始密码登录)"
say "初始密码:$SECRETS/initial-passwords.csv(仅 root 可读)。停止:make hub-down"

#!/usr/bin/env bash
# Stop the course server: JupyterHub (which stops the proxy, the grading service and every user's
# server) and then the gradebook database. Nothing is deleted: accounts, submissions and grades stay.
# Usage (as root, from the repository):  make hub-down   or   bash deploy/hub-down.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=deploy/lib.sh
. "$here/lib.sh"
require_root "停止课程服务器"
load_settings
cd /

pidfile="$HUBDIR/jupyterhub.pid"
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  pid="$(cat "$pidfile")"
  kill -TERM "$pid"
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    say "JupyterHub 30 秒内没有退出,强制结束进程 $pid"
    kill -KILL "$pid"
  fi
  say "JupyterHub 已停止。"
fi
rm -f "$pidfile"
if [ -f "$PGROOT/data/PG_VERSION" ]; then
  bash "$here/postgres.sh" stop
  say "成绩簿数据库已停止。"
fi

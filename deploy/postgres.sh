#!/usr/bin/env bash
# The gradebook's PostgreSQL cluster, owned by this deployment: Debian's postgresql binaries, data in
# $KEFU_HUB_STATE/postgres/data (owner postgres, 0700), listening on 127.0.0.1:$KEFU_HUB_PG_PORT and a unix
# socket in $KEFU_HUB_STATE/postgres/run. The database role gets a generated password that is kept in
# $KEFU_HUB_STATE/secrets/gradebook-password (root only, 0600) and never written anywhere else.
# Usage (as root): bash deploy/postgres.sh start|stop|status
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=deploy/lib.sh
. "$here/lib.sh"
require_root "管理成绩簿数据库"
load_settings
cd /

bindir="$(postgres_bindir)" || die "没有找到 PostgreSQL(Debian 软件包 postgresql)。请先运行 make hub-install。"
data="$PGROOT/data"
as_postgres() { runuser -u postgres -- "$@"; }
psql_admin() { as_postgres "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGROOT/run" -p "$KEFU_HUB_PG_PORT" -U postgres "$@"; }

init_cluster() {
  id postgres >/dev/null 2>&1 || die "系统里没有 postgres 账号。请重新安装 Debian 软件包 postgresql。"
  install -d -m 0755 "$STATE"
  install -d -m 0700 -o postgres -g postgres "$PGROOT" "$data"
  install -d -m 0700 -o postgres -g postgres "$PGROOT/run"
  say "初始化成绩簿数据库集群:$data"
  as_postgres "$bindir/initdb" -D "$data" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 >"$PGROOT/initdb.log" 2>&1 \
    || die "initdb 失败,详见 $PGROOT/initdb.log"
}

start() {
  [ -f "$data/PG_VERSION" ] || init_cluster
  install -d -m 0700 -o postgres -g postgres "$PGROOT/run"
  if ! as_postgres "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_postgres "$bindir/pg_ctl" -D "$data" -l "$PGROOT/postgres.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$KEFU_HUB_PG_PORT -c unix_socket_directories=$PGROOT/run" \
      start >/dev/null || die "PostgreSQL 没有启动,详见 $PGROOT/postgres.log(端口 $KEFU_HUB_PG_PORT 是否已被占用?)"
  fi
  ensure_database
}

ensure_database() {
  install -d -m 0700 "$SECRETS"
  if [ ! -s "$SECRETS/gradebook-password" ]; then
    (umask 077; head -c 32 /dev/urandom | sha256sum | cut -c1-40 > "$SECRETS/gradebook-password")
  fi
  local password exists
  password="$(cat "$SECRETS/gradebook-password")"
  exists="$(psql_admin -tA -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")"
  # the password goes through psql's stdin, so it never appears in a process list
  if [ "$exists" = 1 ]; then
    printf "ALTER ROLE \"%s\" WITH LOGIN PASSWORD '%s';\n" "$DB_USER" "$password" | psql_admin
  else
    printf "CREATE ROLE \"%s\" WITH LOGIN PASSWORD '%s';\n" "$DB_USER" "$password" | psql_admin
  fi
  exists="$(psql_admin -tA -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")"
  if [ "$exists" != 1 ]; then
    psql_admin -c "CREATE DATABASE \"$DB_NAME\" OWNER \"$DB_USER\" ENCODING 'UTF8'"
  fi
}

stop() {
  if [ -f "$data/PG_VERSION" ] && as_postgres "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_postgres "$bindir/pg_ctl" -D "$data" -w -t 60 -m fast stop >/dev/null
  fi
}

status() {
  if [ -f "$data/PG_VERSION" ] && as_postgres "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    say "成绩簿数据库正在运行:127.0.0.1:$KEFU_HUB_PG_PORT,数据库 $DB_NAME"
  else
    say "成绩簿数据库没有运行。"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "用法:bash deploy/postgres.sh start|stop|status" ;;
esac

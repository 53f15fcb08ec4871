# Shared by the deploy scripts (sourced, not run): messages, settings, paths of the course server.
# Settings come from the environment, then from $KEFU_HUB_STATE/hub.env (written by hub-up.sh), then from
# the defaults below. Nothing secret is ever in this file or in hub.env: secrets live in $STATE/secrets/.

say() { printf '%s\n' "$*"; }
die() { printf '错误:%s\n' "$*" >&2; exit 1; }

require_root() {
  [ "$(id -u)" = 0 ] || die "$1需要 root 权限(要创建系统账号、启动数据库并以各学员身份运行服务器)。请用 sudo 运行,例如:sudo make hub-up"
}

# The bin/ folder of Debian's newest installed PostgreSQL (initdb and pg_ctl are not on PATH there).
postgres_bindir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
}

# Load the settings into KEFU_* variables and derive the paths. Call once, before anything else.
load_settings() {
  KEFU_HUB_STATE="${KEFU_HUB_STATE:-/var/lib/kefu-hub}"
  if [ -f "$KEFU_HUB_STATE/hub.env" ]; then
    # shellcheck disable=SC1091
    . "$KEFU_HUB_STATE/hub.env"
  fi
  # explicit environment (saved before sourcing) wins over hub.env
  for name in "${!_KEFU_ENV_@}"; do printf -v "${name#_KEFU_ENV_}" '%s' "${!name}"; done
  : "${KEFU_HUB_IP:=127.0.0.1}" "${KEFU_HUB_PORT:=8000}" "${KEFU_HUB_API_PORT:=18081}"
  : "${KEFU_HUB_PROXY_API_PORT:=18001}" "${KEFU_HUB_SERVICE_PORT:=18002}" "${KEFU_HUB_PG_PORT:=15433}"
  : "${KEFU_HUB_PREFIX:=kefu}" "${KEFU_HUB_HOME_BASE:=/home}" "${KEFU_COURSE_ID:=kefu}"
  : "${KEFU_HUB_VENV:=/opt/kefu-hub/venv}"
  export KEFU_HUB_STATE KEFU_HUB_IP KEFU_HUB_PORT KEFU_HUB_API_PORT KEFU_HUB_PROXY_API_PORT \
    KEFU_HUB_SERVICE_PORT KEFU_HUB_PG_PORT KEFU_HUB_PREFIX KEFU_HUB_HOME_BASE KEFU_COURSE_ID KEFU_HUB_VENV
  STATE="$KEFU_HUB_STATE"
  SECRETS="$STATE/secrets"
  PGROOT="$STATE/postgres"
  HUBDIR="$STATE/hub"
  export KEFU_COURSE_ROOT="$STATE/course"
  export KEFU_EXCHANGE="$STATE/exchange"
  GRADER="$KEFU_HUB_PREFIX-grader"
  STUDENTS_GROUP="$KEFU_HUB_PREFIX-students"
  INSTRUCTORS_GROUP="$KEFU_HUB_PREFIX-instructors"
  DB_NAME="${KEFU_COURSE_ID}_gradebook"
  DB_USER="${KEFU_COURSE_ID}_grader"
}

# Remember the KEFU_* variables set by the caller, so hub.env cannot override them.
for _name in KEFU_HUB_IP KEFU_HUB_PORT KEFU_HUB_API_PORT KEFU_HUB_PROXY_API_PORT KEFU_HUB_SERVICE_PORT \
             KEFU_HUB_PG_PORT KEFU_HUB_PREFIX KEFU_HUB_HOME_BASE KEFU_COURSE_ID KEFU_HUB_VENV; do
  if [ -n "${!_name:-}" ]; then printf -v "_KEFU_ENV_$_name" '%s' "${!_name}"; fi
done
unset _name
KEFU_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

save_settings() {
  umask 022
  cat > "$STATE/hub.env" <<SETTINGS
# Settings of this course server, written by deploy/hub-up.sh; edit and rerun it to change them.
# No secret belongs here: passwords are in $SECRETS/ (root only).
KEFU_HUB_IP=$KEFU_HUB_IP
KEFU_HUB_PORT=$KEFU_HUB_PORT
KEFU_HUB_API_PORT=$KEFU_HUB_API_PORT
KEFU_HUB_PROXY_API_PORT=$KEFU_HUB_PROXY_API_PORT
KEFU_HUB_SERVICE_PORT=$KEFU_HUB_SERVICE_PORT
KEFU_HUB_PG_PORT=$KEFU_HUB_PG_PORT
KEFU_HUB_PREFIX=$KEFU_HUB_PREFIX
KEFU_HUB_HOME_BASE=$KEFU_HUB_HOME_BASE
KEFU_COURSE_ID=$KEFU_COURSE_ID
KEFU_HUB_VENV=$KEFU_HUB_VENV
SETTINGS
}

# The gradebook's SQLAlchemy URL, with the generated password read from the root-only secrets folder.
gradebook_url() {
  [ -f "$SECRETS/gradebook-password" ] || die "找不到成绩簿密码文件 $SECRETS/gradebook-password。请先运行 make hub-up。"
  printf 'postgresql+psycopg2://%s:%s@127.0.0.1:%s/%s' \
    "$DB_USER" "$(cat "$SECRETS/gradebook-password")" "$KEFU_HUB_PG_PORT" "$DB_NAME"
}

# The environment of every course command (the grader service, make hub-course): course, gradebook,
# exchange, tools on PATH, Chinese-friendly UTF-8 locale, the shared Jupyter config of the hub.
export_course_env() {
  KEFU_DB_URL="$(gradebook_url)"
  export KEFU_DB_URL
  export PATH="$KEFU_HUB_VENV/bin:/usr/local/bin:/usr/bin:/bin"
  export JUPYTER_CONFIG_PATH="$STATE/jupyter/common"
  export LANG=C.UTF-8 LC_ALL=C.UTF-8 PYTHONUTF8=1
}

#!/usr/bin/env bash
# Install what the course server needs, each part only when it is missing or changed (a second run
# changes nothing and needs no network):
#   - Debian packages: python3 + python3-venv (the hub's interpreter), postgresql (the gradebook),
#     nodejs + npm (JupyterHub's configurable-http-proxy);
#   - the hub's venv at $KEFU_HUB_VENV (default /opt/kefu-hub/venv), built on Debian's /usr/bin/python3
#     so that every Unix account can run it: the course's pins (requirements.txt) with the hub's packages
#     (deploy/requirements-hub.txt, composed by deploy/hub_requirements.py), plus the kefu package of
#     this checkout as a wheel (data included);
#   - configurable-http-proxy (deploy/proxy/package-lock.json) into $KEFU_HUB_VENV/kefu-hub-proxy/.
# Usage (as root, from the repository): make hub-install   or   bash deploy/install.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=deploy/lib.sh
. "$here/lib.sh"
require_root "安装课程服务器软件"
load_settings
cd /
venv="$KEFU_HUB_VENV"

missing=()
[ -x /usr/bin/python3 ] || missing+=(python3)
/usr/bin/python3 -c "import venv, ensurepip" >/dev/null 2>&1 || missing+=(python3-venv)
postgres_bindir >/dev/null 2>&1 || missing+=(postgresql)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
command -v useradd >/dev/null 2>&1 || missing+=(passwd)
if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || die "缺少系统软件包 ${missing[*]},而本机没有 apt-get。请用本机的包管理器安装它们后重试。"
  say "安装系统软件包:${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# One install at a time (two test sessions, or an admin and a test, may start together).
install -d -m 0755 "$(dirname "$venv")"
exec 9>"$(dirname "$venv")/.kefu-hub-install.lock"
flock 9

# Each part is redone only when what it is built from changed (kefu/ and data/ change most often).
digest() { (cd "$KEFU_REPO" && sha256sum "$@" | sha256sum | cut -c1-32); }
kefu_files() { (cd "$KEFU_REPO" && find kefu data -type f ! -path '*/__pycache__/*' ! -name '*.pyc' | sort; echo pyproject.toml); }
up_to_date() { [ -f "$venv/.kefu-hub-$1" ] && [ "$(cat "$venv/.kefu-hub-$1")" = "$2" ]; }
mark() { echo "$2" > "$venv/.kefu-hub-$1"; }

if [ ! -x "$venv/bin/python" ]; then
  say "创建服务器 Python 环境 $venv(Debian 的 /usr/bin/python3)"
  install -d -m 0755 "$(dirname "$venv")"
  /usr/bin/python3 -m venv "$venv"
fi
log="$venv/pip-install.log"

lock="$(digest requirements.txt deploy/requirements-hub.txt deploy/hub_requirements.py)"
if ! up_to_date lock "$lock"; then
  say "安装课程依赖、JupyterHub、Postgres 驱动和中文语言包(requirements.txt + deploy/requirements-hub.txt)"
  wanted="$venv/kefu-hub-requirements.txt"
  /usr/bin/python3 "$here/hub_requirements.py" >"$wanted"
  "$venv/bin/python" -m pip install --disable-pip-version-check -r "$wanted" >"$log" 2>&1 \
    || { tail -n 20 "$log" >&2; die "安装 $wanted 失败,完整输出见 $log"; }
  "$venv/bin/python" -m pip check >/dev/null || die "服务器 Python 环境的依赖不一致:请运行 $venv/bin/python -m pip check 查看。"
  mark lock "$lock"
fi

package="$(mapfile -t files < <(kefu_files); digest "${files[@]}")"
if ! up_to_date kefu "$package"; then
  say "安装 kefu 课程包(含 data/)"
  # a wheel, not an editable install: the servers of other Unix users never read this checkout
  build="$(mktemp -d)"
  cp -r "$KEFU_REPO/kefu" "$KEFU_REPO/data" "$KEFU_REPO/pyproject.toml" "$KEFU_REPO/README.md" "$build/"
  "$venv/bin/python" -m pip install --disable-pip-version-check --no-deps --no-build-isolation \
    --force-reinstall "$build" >"$log" 2>&1 || { tail -n 20 "$log" >&2; rm -rf "$build"; die "安装 kefu 课程包失败,完整输出见 $log"; }
  rm -rf "$build"
  "$venv/bin/python" -c "import kefu, kefu._paths as p; p.data_dir()" >/dev/null \
    || die "kefu 课程包没有正确安装到 $venv。"
  mark kefu "$package"
fi

proxy="$(digest deploy/proxy/package-lock.json)"
if ! up_to_date proxy "$proxy" || [ ! -x "$venv/kefu-hub-proxy/node_modules/.bin/configurable-http-proxy" ]; then
  say "安装 configurable-http-proxy"
  mkdir -p "$venv/kefu-hub-proxy"
  cp "$here/proxy/package.json" "$here/proxy/package-lock.json" "$venv/kefu-hub-proxy/"
  (cd "$venv/kefu-hub-proxy" && npm ci --silent --no-audit --no-fund --omit=dev >/dev/null)
  mark proxy "$proxy"
fi

chmod -R a+rX,go-w "$venv"

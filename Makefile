# 电商客服实训 —— the two commands: `make lab` and `make test`.
# Every recipe runs with the environment's bin/ first on PATH (nbgrader calls `alembic` by name).
# Paths are quoted in every recipe, so a checkout may live at a path with spaces or Chinese characters.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(abspath $(VENV))/bin
PORT   ?= 8888
IP     ?= 127.0.0.1
export PATH := $(BIN):$(PATH)

STAMP := $(VENV)/.kefu-installed

# The course's own JupyterLab settings (deploy/jupyter/lab: no "Jupyter news?" prompt over the first
# notebook, no update check), for make lab and make study as for the course server.
LAB_CONFIG := JUPYTER_CONFIG_PATH="$(CURDIR)/deploy/jupyter/lab$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}"
# JupyterLab refuses to start as root without --allow-root; many trainers run the kit in a container or VM as root.
AS_ROOT := if [ "$$(id -u)" = 0 ]; then echo "以 root 身份运行:已为 JupyterLab 加上 --allow-root"; \
  set -- --allow-root; else set --; fi

.PHONY: lab test install release practice check study clean-generated help

help:
	@echo "make lab    —— 创建环境、安装依赖、生成 release/,并启动 JupyterLab(课程根目录)"
	@echo "make test   —— 运行全部测试"
	@echo "make study  —— 自学:把自学版 practice/ 复制到 my_work/ 并在那里启动 JupyterLab"

$(STAMP): requirements.txt pyproject.toml
	test -x "$(BIN)/python" || $(PYTHON) -m venv "$(VENV)"
	"$(BIN)/python" -m pip install --quiet --upgrade pip
	"$(BIN)/python" -m pip install --quiet -r requirements.txt
	"$(BIN)/python" -m pip install --quiet --no-deps --no-build-isolation -e .
	touch "$(STAMP)"

install: $(STAMP)

release: install
	"$(BIN)/kefu" release

check: install
	"$(BIN)/kefu" check

lab: release
	@$(AS_ROOT); $(LAB_CONFIG) "$(BIN)/jupyter" lab --ip=$(IP) --port=$(PORT) --notebook-dir="$(CURDIR)" "$$@"

practice: install
	"$(BIN)/kefu" release --practice

study: practice
	@mkdir -p my_work
	@for d in practice/*/; do n=$$(basename "$$d"); \
	  if [ -d "my_work/$$n" ]; then echo "保留已有的 my_work/$$n"; else cp -r "$$d" "my_work/$$n" && echo "已复制 my_work/$$n"; fi; done
	@$(AS_ROOT); $(LAB_CONFIG) "$(BIN)/jupyter" lab --ip=$(IP) --port=$(PORT) --notebook-dir="$(CURDIR)/my_work" "$$@"

test: install
	"$(BIN)/python" -m pytest

clean-generated:
	rm -rf submitted autograded/*/ feedback gradebook.db .nbgrader.log exchange

# ---- Shared course server (JupyterHub + nbgrader + Postgres), see docs/DEPLOY.md. Run as root. ----------
# make hub-up [ROSTER=名单.csv]   install what is missing, start database + hub (+ import the roster)
# make hub-down                   stop hub, proxy, servers and database; nothing is deleted
# make hub-roster ROSTER=名单.csv  create the accounts of a roster (passwords: root-only file)
# make hub-course CMD="…"         run a course command as the grader, e.g. CMD="kefu autograde m01_role"
# make hub-install                only install (Debian packages, /opt/kefu-hub/venv, the proxy)
.PHONY: hub-install hub-up hub-down hub-roster hub-course

hub-install:
	bash deploy/install.sh

hub-up:
	bash deploy/hub-up.sh $(ROSTER)

hub-down:
	bash deploy/hub-down.sh

hub-roster:
	bash deploy/import-roster.sh "$(ROSTER)"

hub-course:
	bash deploy/course-command.sh $(CMD)

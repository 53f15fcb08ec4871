"""JupyterHub configuration of the kefu course server: one course, real Unix accounts, nbgrader.

Started by deploy/hub-up.sh, which exports the settings of deploy/lib.sh (KEFU_HUB_*). What it sets up:

- Login: PAM, i.e. the Unix accounts made from the roster by deploy/accounts.py. Only members of the
  groups ``<prefix>-students`` and ``<prefix>-instructors`` get in. At every login the hub groups follow
  those Unix groups: trainees are in ``nbgrader-<course>``, instructors in ``formgrade-<course>``.
- Each person's JupyterLab runs as that Unix user (LocalProcessSpawner) in their home folder (0700).
  Trainees get nbgrader's Assignments tab only; the formgrader, course list and create-assignment
  extensions are switched off for them (deploy/jupyter/student).
- Grading happens in one shared JupyterLab, the hub service ``<course>`` run as ``<prefix>-grader`` in
  the course folder, with formgrader on and the Postgres gradebook. Only the ``formgrade-<course>`` role
  has the scope ``access:services!service=<course>``; anyone else gets 403 from it. This is nbgrader's
  documented "one class, multiple graders" setup.
- The UI language defaults to Chinese (deploy/jupyter/common/labconfig/default_setting_overrides.json).
- The course's own lab settings (deploy/jupyter/lab, also used by ``make lab``): no "get notified about
  official Jupyter news?" prompt over the first notebook, no update check.
"""

import grp
import os
from pathlib import Path

from jupyterhub.auth import PAMAuthenticator

c = get_config()  # noqa: F821 - provided by traitlets when JupyterHub loads this file

env = os.environ
STATE = Path(env["KEFU_HUB_STATE"])
VENV = Path(env["KEFU_HUB_VENV"])
PREFIX = env["KEFU_HUB_PREFIX"]
COURSE = env["KEFU_COURSE_ID"]
UNIX_GROUPS = {"student": f"{PREFIX}-students", "instructor": f"{PREFIX}-instructors"}
HUB_GROUPS = {"student": f"nbgrader-{COURSE}", "instructor": f"formgrade-{COURSE}"}
JUPYTER_CONFIG = STATE / "jupyter"  # hub-up.sh copies deploy/jupyter there, readable by every account
PATH = f"{VENV / 'bin'}:/usr/local/bin:/usr/bin:/bin"


def roles_of(username: str) -> set[str]:
    """"student" and/or "instructor", from the Unix groups the roster import maintains (read live)."""
    found = set()
    for role, group in UNIX_GROUPS.items():
        try:
            if username in grp.getgrnam(group).gr_mem:
                found.add(role)
        except KeyError:
            pass
    return found


class CourseGroupsPAMAuthenticator(PAMAuthenticator):
    """PAM login whose hub groups are re-read from the course's Unix groups at every login.

    So a roster import takes effect at the next login, without restarting the hub.
    """

    async def authenticate(self, handler, data):
        result = await super().authenticate(handler, data)
        if result is None:
            return None
        name = result["name"] if isinstance(result, dict) else result
        groups = sorted(HUB_GROUPS[role] for role in roles_of(name))
        return {"name": name, "groups": groups}


# --- network: public proxy port, hub and proxy API on loopback --------------------------------------------
c.JupyterHub.bind_url = f"http://{env['KEFU_HUB_IP']}:{env['KEFU_HUB_PORT']}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env["KEFU_HUB_API_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env['KEFU_HUB_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [str(VENV / "kefu-hub-proxy" / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.debug = False

# --- the hub's own state (its user/token database, cookie secret): in the state folder, root only ---------
c.JupyterHub.db_url = f"sqlite:///{STATE / 'hub' / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "secrets" / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "hub" / "jupyterhub.pid")

# --- who gets in ------------------------------------------------------------------------------------------
c.JupyterHub.authenticator_class = CourseGroupsPAMAuthenticator
c.Authenticator.allowed_groups = set(UNIX_GROUPS.values())
c.Authenticator.manage_groups = True
c.LocalAuthenticator.create_system_users = False
c.Authenticator.admin_users = set()

c.JupyterHub.load_roles = [
    {
        # instructors: the grading server (formgrader, gradebook) and its listing for nbgrader's course list
        "name": f"formgrade-{COURSE}",
        "groups": [HUB_GROUPS["instructor"]],
        "scopes": [f"access:services!service={COURSE}", "list:services", f"read:services!service={COURSE}"],
    },
    {
        # a server's token acts with its owner's permissions, so the course list of an instructor's own
        # server can see the grading service (as in nbgrader's demos); a trainee's token gains nothing
        "name": "server",
        "scopes": ["inherit"],
    },
]

# --- everyone's own JupyterLab ------------------------------------------------------------------------------
c.Spawner.cmd = [str(VENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
c.Spawner.environment = {
    "PATH": PATH,
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "PYTHONUTF8": "1",
    "KEFU_EXCHANGE": str(STATE / "exchange"),
    "KEFU_COURSE_ID": COURSE,
}


def choose_jupyter_config(spawner):
    """Trainees' and instructors' servers get their own extension switches (deploy/jupyter/<role>)."""
    roles = roles_of(spawner.user.name)
    if not roles:
        raise PermissionError(f"{spawner.user.name} 不在课程名单中")
    role = "instructor" if "instructor" in roles else "student"
    # the first folder wins over the later ones, and all of them over the environment's own defaults
    spawner.environment["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        [str(JUPYTER_CONFIG / role), str(JUPYTER_CONFIG / "common"), str(JUPYTER_CONFIG / "lab")])


c.Spawner.pre_spawn_hook = choose_jupyter_config

# --- the shared grading server ------------------------------------------------------------------------------
c.JupyterHub.services = [
    {
        "name": COURSE,
        "display": True,
        "info": {"description": "评分(formgrader)与课程管理"},
        "url": f"http://127.0.0.1:{env['KEFU_HUB_SERVICE_PORT']}",
        "command": [str(VENV / "bin" / "jupyterhub-singleuser")],
        "user": f"{PREFIX}-grader",
        "cwd": str(STATE / "course"),
        "oauth_no_confirm": True,
        "environment": {
            "PATH": PATH,
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "PYTHONUTF8": "1",
            "JUPYTERHUB_DEFAULT_URL": "/lab",
            "JUPYTER_CONFIG_PATH": os.pathsep.join([str(JUPYTER_CONFIG / "common"), str(JUPYTER_CONFIG / "lab")]),
            "KEFU_COURSE_ROOT": str(STATE / "course"),
            "KEFU_EXCHANGE": str(STATE / "exchange"),
            "KEFU_COURSE_ID": COURSE,
            # built by hub-up.sh from the root-only secrets folder; only the grader's processes see it
            "KEFU_DB_URL": env["KEFU_DB_URL"],
        },
    }
]

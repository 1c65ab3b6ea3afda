"""`nox` with no argument runs `lint` then `tests` (what CI runs); `nox -s NAME` runs one session.

The gate's sessions (gate, smoke, the suites, demo, benchmarks) share one environment with only
the project installed; tests, fast and lint share another with the test and lint extras. Each
is made once and the project is installed (editable) again only when pyproject.toml changes,
so a warm session costs about as much as the command it runs. `rm -rf .nox` starts afresh.
Arguments after `--` pass through to `readiness-gate` or pytest.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import nox

nox.options.sessions = ["lint", "tests"]

if not sys.argv[1:]:  # bare `nox`: say what is about to run before the first session's output
    logging.getLogger("nox").info(
        "No session named: running the defaults, lint then tests (`nox -l` lists every session)"
    )

# Sessions run their commands in environments of their own making (below), not nox's
# per-session venvs: one venv per session meant one project install per session and per call.
_NO_NOX_VENV = "none"
GATE_ENV = "gate-env"  # the project only: the gate as users install it, no extra pytest plugins
DEV_ENV = "dev-env"  # plus the test and lint extras
DEV_EXTRAS = "[test,lint]"
_STAMP = "readiness-install.json"
REPO = Path(__file__).resolve().parent
_CHROMIUM_STAMP = "readiness-chromium.json"


class SharedEnv:
    """A venv under nox's envdir that several sessions use, installed when pyproject changes."""

    def __init__(self, session: nox.Session, name: str, extras: str) -> None:
        self.session = session
        # session.env_dir is <envdir>/<session>, so this follows `nox --envdir`.
        self.path = session.env_dir.parent.resolve() / name
        self.extras = extras
        self.bin = self.path / ("Scripts" if os.name == "nt" else "bin")
        self.python = self.bin / ("python.exe" if os.name == "nt" else "python")

    def exe(self, name: str) -> str:
        """A program of this venv."""
        return _shown(self.bin / name)

    @property
    def env(self) -> dict[str, str]:
        # What activating the venv does, for the programs the gate starts (Locust, Chromium).
        return {
            "VIRTUAL_ENV": os.fspath(self.path),
            "PATH": os.pathsep.join([os.fspath(self.bin), os.environ.get("PATH", "")]),
        }

    def run(self, program: str, *args: str) -> None:
        self.session.run(self.exe(program), *args, env=self.env, external=True)

    def _wanted(self) -> dict[str, str]:
        digest = hashlib.sha256((REPO / "pyproject.toml").read_bytes()).hexdigest()
        return {"pyproject.toml": digest, "extras": self.extras, "python": sys.version}

    def _installed(self) -> dict[str, str]:
        try:
            data = json.loads((self.path / _STAMP).read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def ensure(self) -> SharedEnv:
        """Create the venv if missing and install the project if pyproject.toml changed."""
        wanted = self._wanted()
        installed = self._installed()
        if installed == wanted and self.python.exists():
            return self  # the warm path: two small reads, no process
        with _locked(self.path.with_suffix(".lock")):  # parallel sessions share the env
            installed = self._installed()  # another session may have just installed it
            python_ok = self.python.exists()  # False for a dangling link after an upgrade
            if installed == wanted and python_ok:
                return self
            if not python_ok or installed.get("python", wanted["python"]) != wanted["python"]:
                self.session.log(f"Creating {_shown(self.path)}, shared by several sessions")
                self.session.run_install(sys.executable, "-m", "venv", "--clear", _shown(self.path))
            else:
                self.session.log(f"pyproject.toml changed: reinstalling into {_shown(self.path)}")
            (self.path / _STAMP).unlink(missing_ok=True)  # an interrupted install is redone
            self.session.run_install(
                self.exe("python"), "-m", "pip", "install", "-e", f".{self.extras}"
            )
            (self.path / _STAMP).write_text(json.dumps(wanted))
        return self


def _shown(path: Path) -> str:
    """Relative to the checkout when inside it: shorter log lines, and still a working path."""
    with contextlib.suppress(ValueError):
        return os.fspath(path.relative_to(REPO))
    return os.fspath(path)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # Windows: no concurrent sessions to guard against in practice
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _gate_env(session: nox.Session) -> SharedEnv:
    return SharedEnv(session, GATE_ENV, "").ensure()


def _dev_env(session: nox.Session) -> SharedEnv:
    return SharedEnv(session, DEV_ENV, DEV_EXTRAS).ensure()


def _known_chromium(env: SharedEnv) -> bool:
    """Whether this env already found a browser that still exists (no need to look again)."""
    try:
        data = json.loads((env.path / _CHROMIUM_STAMP).read_text())
    except (OSError, ValueError):
        return False
    path = data.get("path") if isinstance(data, dict) else None
    return (
        isinstance(path, str)
        and data.get("READINESS_CHROMIUM") == os.environ.get("READINESS_CHROMIUM")
        and os.path.isfile(path)
        and os.access(path, os.X_OK)
    )


def _remember_chromium(env: SharedEnv, path: str) -> None:
    record = {"path": path, "READINESS_CHROMIUM": os.environ.get("READINESS_CHROMIUM")}
    (env.path / _CHROMIUM_STAMP).write_text(json.dumps(record))


def _ensure_chromium(env: SharedEnv) -> None:
    """A browser for the suites and tests: Playwright's own, else the distribution's (as root).

    The headless shell is what the suites should measure with (Playwright runs it for
    headless launches; it opens pages several times faster than the full browser), so a
    machine that only has the full Chromium gets the shell added when that is possible.
    Looking costs a Python start and Playwright's driver (about 1 s), so the answer is kept
    in the env and reused while that browser is still there.
    """
    if _known_chromium(env):
        return
    session = env.session
    found = (
        session.run_install(
            env.exe("python"),
            "-c",
            "from readiness.browser.discovery import discover_chromium as d; print(d() or '')",
            env=env.env,
            external=True,
            silent=True,
        )
        or ""
    ).strip()
    if "headless" in Path(found).name:  # chrome-headless-shell, chromium-headless-shell, ...
        _remember_chromium(env, found)
        return
    as_root_with_apt = shutil.which("apt-get") is not None and os.geteuid() == 0
    if not found:
        try:  # with its headless shell; the next session looks again and remembers it
            session.run_install(env.exe("python"), "-m", "playwright", "install", "chromium")
            return
        except nox.command.CommandFailed:
            session.log("Playwright could not download its Chromium; trying the system package")
    if as_root_with_apt:
        packages = ["chromium-headless-shell"] + ([] if found else ["chromium"])
        session.run_install("apt-get", "update", "-qq", external=True)
        session.run_install("apt-get", "install", "-y", "-qq", *packages, external=True)
        return
    if found:
        _remember_chromium(env, found)
        return  # the full browser works; it is only slower
    session.error(
        "No Chromium: run `python -m playwright install chromium` or, on Debian,"
        " `sudo apt-get install -y chromium-headless-shell chromium`,"
        " or set READINESS_CHROMIUM=/path"
    )


def _run_gate(session: nox.Session, *args: str, browser: bool = False) -> None:
    env = _gate_env(session)
    if browser:
        _ensure_chromium(env)
    env.run("readiness-gate", *args, *session.posargs)


@nox.session(venv_backend=_NO_NOX_VENV)
def gate(session: nox.Session) -> None:
    """Run the whole gate (bundled demo target unless --target URL is given)."""
    _run_gate(session, browser=True)


@nox.session(venv_backend=_NO_NOX_VENV)
def smoke(session: nox.Session) -> None:
    """Run only the smoke suite."""
    _run_gate(session, "--component", "smoke")


@nox.session(venv_backend=_NO_NOX_VENV)
def security(session: nox.Session) -> None:
    """Run only the security suite (passive; active probes need security.active: true)."""
    _run_gate(session, "--component", "security")


@nox.session(venv_backend=_NO_NOX_VENV)
def performance(session: nox.Session) -> None:
    """Run only the performance suite (one shared Chromium)."""
    _run_gate(session, "--component", "performance", browser=True)


@nox.session(venv_backend=_NO_NOX_VENV)
def accessibility(session: nox.Session) -> None:
    """Run only the accessibility suite (axe-core in Chromium)."""
    _run_gate(session, "--component", "accessibility", browser=True)


@nox.session(venv_backend=_NO_NOX_VENV)
def load(session: nox.Session) -> None:
    """Run only the load suite (Locust in its own processes; loopback unless --allow-load-on)."""
    _run_gate(session, "--component", "load")


@nox.session(venv_backend=_NO_NOX_VENV, default=False)
def demo(session: nox.Session) -> None:
    """Serve the bundled demo target (healthy; `-- --mode broken` for the defects)."""
    _gate_env(session).run("python", "-m", "readiness.demo", *session.posargs)


@nox.session(venv_backend=_NO_NOX_VENV)
def tests(session: nox.Session) -> None:
    """Run the harness's own test suite (real servers on 127.0.0.1, real Chromium)."""
    env = _dev_env(session)
    _ensure_chromium(env)
    env.run("pytest", *session.posargs)


@nox.session(venv_backend=_NO_NOX_VENV, default=False)
def fast(session: nox.Session) -> None:
    """The pure and fast tests only (tests/unit: no server, no browser), for the dev loop."""
    _dev_env(session).run("pytest", "tests/unit", "-q", *session.posargs)


@nox.session(venv_backend=_NO_NOX_VENV)
def lint(session: nox.Session) -> None:
    """ruff (lint and formatting) and mypy on the engine."""
    env = _dev_env(session)  # mypy reads the dependencies' types (pydantic, pytest)
    env.run("ruff", "check", ".")
    env.run("ruff", "format", "--check", ".")
    env.run("mypy")


@nox.session(venv_backend=_NO_NOX_VENV, default=False)
def benchmarks(session: nox.Session) -> None:
    """Measure the gate's speed; figures go to docs/PERFORMANCE.md."""
    env = _gate_env(session)
    _ensure_chromium(env)
    env.run("python", "benchmarks/smoke_gate.py", *session.posargs)
    env.run("python", "benchmarks/security_suite.py")
    env.run("python", "benchmarks/browser_gate.py", "--runs", "3", "--pages", "1")
    env.run("python", "benchmarks/load_rps.py")
    env.run("python", "benchmarks/demo_server.py")
    env.run("python", "benchmarks/shard_merge.py")


@nox.session(venv_backend=_NO_NOX_VENV, default=False)
def lighthouse(session: nox.Session) -> None:
    """Our browser metrics beside Lighthouse 12.2.3's (needs node and npm)."""
    env = _gate_env(session)
    _ensure_chromium(env)
    env.run("python", "benchmarks/lighthouse_compare.py", *session.posargs)

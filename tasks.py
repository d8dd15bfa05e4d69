#!/usr/bin/env python3
"""Set up chaingrad in ./.venv and run the demo or the tests.

Needs nothing but python3, so it works on a fresh Debian/Ubuntu machine:

    python3 tasks.py demo    # set up, then run the tour (xor, blobs, worked example)
    python3 tasks.py test    # set up, then run the whole test suite
    python3 tasks.py setup   # only set up (what the tests need)

Setup creates .venv (installing Debian's python3-venv first when that is
missing and we are root), installs the Graphviz `dot` program with apt-get
when we are root (otherwise it says how; everything but rendering pictures
still works), and installs this package into .venv: the demo with only what
it needs (the `plot` extra), the tests with the `dev` extra and PyTorch's CPU
build (for the bridge's tests). The tests are lint (ruff), types (mypy),
doctests, unit and property tests and the notebooks.
Extra arguments after `test` go to pytest, after `demo` to the tour.
"""

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
# What each task installs; a stamp per set records that it is installed.
EXTRAS = {"demo": ".[plot]", "test": ".[dev]"}
# The CPU build, exactly this version: a looser pin makes pip fetch a multi-GB CUDA build.
TORCH = "torch==2.13.0"

DOT_ADVICE = """\
The Graphviz `dot` program is missing: pictures are saved as .gv source only.
Install it with one of:
  Debian/Ubuntu:  sudo apt-get install -y graphviz
  macOS:          brew install graphviz
  conda:          conda install -c conda-forge graphviz"""


def say(message):
    print(f"[tasks] {message}", flush=True)


def run(*cmd, **kwargs):
    say(" ".join(str(c) for c in cmd))
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def is_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


_apt_updated = False


def apt_install(*packages):
    """Install Debian packages when we are root and apt-get exists; say if not."""
    global _apt_updated
    if not (is_root() and shutil.which("apt-get")):
        return False
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if not _apt_updated:
        run("apt-get", "update", "-q", env=env)
        _apt_updated = True
    run("apt-get", "install", "-y", "-q", *packages, env=env)
    return True


def ensure_venv():
    if PYTHON.exists():
        return
    try:
        venv.create(VENV, with_pip=True)
    except (subprocess.CalledProcessError, OSError) as error:
        shutil.rmtree(VENV, ignore_errors=True)
        version = f"python3.{sys.version_info.minor}-venv"
        if not apt_install("python3-venv", version):
            sys.exit(
                f"Could not create .venv ({error}).\n"
                f"On Debian/Ubuntu run: sudo apt-get install -y python3-venv, then try again."
            )
        venv.create(VENV, with_pip=True)


def ensure_dot():
    if shutil.which("dot"):
        return
    try:
        installed = apt_install("graphviz")
    except subprocess.CalledProcessError:
        installed = False
    if not (installed and shutil.which("dot")):
        say(DOT_ADVICE)


def ensure_package(task):
    # Reinstall only when the dependency list changed since the last install for this task.
    stamp = VENV / f".chaingrad-installed-{task}"
    if stamp.exists() and stamp.stat().st_mtime >= (ROOT / "pyproject.toml").stat().st_mtime:
        return
    run(PYTHON, "-m", "pip", "install", "-q", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "-q", "-e", EXTRAS[task], cwd=ROOT)
    if task == "test":
        try:
            run(PYTHON, "-m", "pip", "install", "-q", TORCH)
        except subprocess.CalledProcessError:
            say(f"Could not install {TORCH}: the PyTorch bridge's tests will be skipped.")
    stamp.touch()


def setup(task="test"):
    ensure_venv()
    ensure_dot()
    ensure_package(task)


def run_tests(pytest_args):
    """Lint, format and types first (quick, and they name the line), then pytest with doctests."""
    if not pytest_args:
        run(PYTHON, "-m", "ruff", "check", ".", cwd=ROOT)
        run(PYTHON, "-m", "ruff", "format", "--check", ".", cwd=ROOT)
        run(PYTHON, "-m", "mypy", cwd=ROOT)  # autodiff, nn and viz, as [tool.mypy] in pyproject.toml says
    run(PYTHON, "-m", "pytest", *pytest_args, cwd=ROOT)


def main(argv):
    if not argv or argv[0] not in {"demo", "test", "setup"}:
        sys.exit(__doc__)
    task, rest = argv[0], argv[1:]
    setup("demo" if task == "demo" else "test")
    if task == "demo":
        run(PYTHON, ROOT / "examples" / "tour.py", *rest, cwd=ROOT)
    elif task == "test":
        run_tests(rest)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)

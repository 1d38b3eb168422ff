"""`make run`/`make test` set the venv up themselves, and set it up again when it is broken
(a first setup that failed for want of python3-venv left a venv without pip for good)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(folder, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *args], cwd=folder, capture_output=True, text=True,
        timeout=180,
    )  # fmt: skip


@pytest.fixture
def project(tmp_path):
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    return tmp_path


def test_a_venv_without_pip_is_set_up_again(project):
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(project / ".venv")],
                   check=True)  # fmt: skip
    done = make(project, ".venv/.installed", f"PYTHON={sys.executable}", "PIP_INSTALL=true")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Setting up .venv" in done.stdout and "Ready." in done.stdout  # progress is shown
    pip = subprocess.run([str(project / ".venv/bin/python"), "-m", "pip", "--version"])
    assert pip.returncode == 0
    again = make(project, ".venv/.installed", f"PYTHON={sys.executable}", "PIP_INSTALL=true")
    assert "Setting up" not in again.stdout  # a sound venv is left alone


def test_a_failed_venv_creation_leaves_nothing_half_made(project):
    done = make(project, ".venv/.installed", "PYTHON=/nonexistent/python3", "PIP_INSTALL=true")
    assert done.returncode != 0
    assert "python3-venv" in done.stderr
    assert not (project / ".venv").exists()


def test_make_help_lists_the_targets():
    shown = make(PROJECT_ROOT, "help")
    assert shown.returncode == 0
    for target in ("run", "test", "check", "clean"):
        assert any(line.startswith(target + "\t") for line in shown.stdout.splitlines())

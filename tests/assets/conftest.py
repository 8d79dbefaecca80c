"""A wheel built from a copy of the working tree, offline, with this environment's own setuptools.

Building from a copy keeps build/ and *.egg-info out of the checkout, and
builds exactly what a fresh clone would (files as git sees them).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.worktree import copy_working_tree


def build_wheel(source: Path, out: Path) -> Path:
    """``pip wheel`` of a source tree or sdist, with no index and no build isolation: no network."""
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index", "--no-build-isolation",
                           "--quiet", "--wheel-dir", str(out), str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-4000:]
    wheel, = out.glob("toolkiosk-*.whl")
    return wheel


@pytest.fixture(scope="session")
def source_tree(tmp_path_factory) -> Path:
    return copy_working_tree(tmp_path_factory.mktemp("source") / "toolkiosk")


@pytest.fixture(scope="session")
def wheel(source_tree, tmp_path_factory) -> Path:
    return build_wheel(source_tree, tmp_path_factory.mktemp("wheel"))

"""bench/compare checks its options before it installs anything: --help is
usage and exit 0, an unknown option one line, usage and exit 2."""
import os
import subprocess

import pytest

from nadoo_server import REPO

COMPARE = REPO / "bench" / "compare"


def run_compare(tmp_path, *args):
    """bench/compare with `npm`, `node` and `apt-get` that only leave a mark."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir(exist_ok=True)
    marks = tmp_path / "ran"
    for tool in ("npm", "node", "apt-get"):
        (fake_bin / tool).write_text(f"#!/bin/sh\necho {tool} >> '{marks}'\n")
        (fake_bin / tool).chmod(0o755)
    environment = {**os.environ, "PATH": f"{fake_bin}:{os.environ['PATH']}"}
    completed = subprocess.run([str(COMPARE), *args], env=environment, capture_output=True, text=True,
                               timeout=10)
    return completed, marks


def node_modules_dirs():
    return sorted(str(path) for path in (REPO / "bench" / "peers").glob("*/node_modules"))


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_prints_usage_and_exits_0_without_installing(tmp_path, flag):
    before = node_modules_dirs()
    completed, marks = run_compare(tmp_path, "--quick", flag)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("Usage: bench/compare ")
    assert "--workloads" in completed.stdout and completed.stderr == ""
    assert not marks.exists(), marks.read_text()
    assert node_modules_dirs() == before


def test_unknown_option_is_one_line_then_usage_and_exit_2(tmp_path):
    completed, marks = run_compare(tmp_path, "--fast")
    assert completed.returncode == 2
    first, *rest = completed.stderr.splitlines()
    assert first == "bench/compare: unknown option '--fast'"
    assert rest[0].startswith("Usage: bench/compare ")
    assert completed.stdout == "" and not marks.exists()


def test_option_without_its_value_exits_2(tmp_path):
    completed, marks = run_compare(tmp_path, "--rounds")
    assert completed.returncode == 2
    assert completed.stderr.splitlines()[0] == "bench/compare: --rounds needs a value"
    assert not marks.exists()

"""scripts/run as a newcomer and an operator use it: its options reach the
server as given (flags, environment, a config file), the banner names the
port the server listens on, and the README's quick start runs as written."""
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import time
import urllib.request

import jwt
import pytest

from nadoo_server import REPO, SANITIZED

# scripts/run builds the release preset: under a sanitizer preset that would
# be a second, full build inside a test.
pytestmark = pytest.mark.skipif(SANITIZED, reason="scripts/run builds and runs the release preset")

SCRIPT_TIMEOUT_SECONDS = 300  # a no-op build, the demo data, start-up
TOKEN_LINE = re.compile(r"valid 24 h\):\n  (\S+)\n")
CHAT_URL = re.compile(r"ws://([^/:]+):(\d+)/ws/chat/session-abc-123\?token=")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def newcomer_environment():
    """The environment without the server's variables, as on a fresh machine."""
    return {key: value for key, value in os.environ.items()
            if not key.startswith("NADOO_") and key not in ("JWT_SECRET", "JWT_ALGORITHM", "OPENAI_API_KEY")}


def scripts_run(*args, env=None):
    environment = newcomer_environment()
    environment.update(env or {})
    return subprocess.run([str(REPO / "scripts" / "run"), "--background", *args], cwd=REPO, env=environment,
                          capture_output=True, text=True, timeout=SCRIPT_TIMEOUT_SECONDS)


def running_server_pid(data_dir):
    """The pid of a server scripts/run started from `data_dir` that still runs, else None."""
    pid_file = data_dir / "server.pid"
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text())
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def stop_server(data_dir):
    """SIGTERM to the server scripts/run started from `data_dir`; waits until it has exited."""
    pid = running_server_pid(data_dir)
    if pid is None:
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    raise AssertionError("the server did not stop on SIGTERM within 20 s")


def http_status(url, api_key=None):
    request = urllib.request.Request(url, headers={"X-API-Key": api_key} if api_key else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def started(tmp_path):
    """Data directories of servers a test started with scripts/run; stopped after it."""
    directories = []
    yield directories
    for directory in directories:
        stop_server(directory)


def test_port_flag_reaches_the_server_and_the_banner(started, tmp_path):
    port = free_port()
    data_dir = tmp_path / "fresh"
    started.append(data_dir)
    result = scripts_run("--port", str(port), "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    assert CHAT_URL.search(result.stdout).groups() == ("127.0.0.1", str(port))
    assert http_status(f"http://127.0.0.1:{port}/healthz") == 200
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    token = TOKEN_LINE.search(result.stdout).group(1)
    secret = (data_dir / ".dev-jwt-secret").read_text().strip()
    assert jwt.decode(token, secret, algorithms=["HS256"])["sub"] == "user-123"
    api_key = (data_dir / ".dev-api-key").read_text().strip()
    assert http_status(f"http://127.0.0.1:{port}/ws/stats", api_key) == 200


def test_host_and_seed_file_flags_reach_the_server(started, tmp_path):
    port = free_port()
    data_dir = tmp_path / "seeded"
    started.append(data_dir)
    seed = tmp_path / "seed.json"
    seed.write_text('{"applications": [{"id": "app-own-seed", "name": "Own", "provider": "builtin"}]}')
    result = scripts_run("--host", "127.0.0.2", "--port", str(port), "--data-dir", str(data_dir),
                         "--seed-file", str(seed))
    assert result.returncode == 0, result.stdout + result.stderr
    assert CHAT_URL.search(result.stdout).groups() == ("127.0.0.2", str(port))
    api_key = (data_dir / ".dev-api-key").read_text().strip()
    base = f"http://127.0.0.2:{port}/api/v1/applications"
    assert http_status(f"{base}/app-own-seed", api_key) == 200
    assert http_status(f"{base}/app-uuid-123", api_key) == 404  # the demo data is not loaded over it


def test_config_file_sets_address_data_dir_and_secrets(started, tmp_path):
    port = free_port()
    data_dir = tmp_path / "from-file"
    started.append(data_dir)
    config = tmp_path / "f.toml"
    config.write_text(f'host = "127.0.0.1"\nport = {port}\ndata-dir = "{data_dir}"\n'
                      'jwt-secret = "secret-from-the-file"\napi-keys = "mykey"\n')
    result = scripts_run("--config", str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    assert CHAT_URL.search(result.stdout).groups() == ("127.0.0.1", str(port))
    assert http_status(f"http://127.0.0.1:{port}/ws/stats", "mykey") == 200
    token = TOKEN_LINE.search(result.stdout).group(1)
    assert jwt.decode(token, "secret-from-the-file", algorithms=["HS256"])["sub"] == "user-123"
    assert not (data_dir / ".dev-jwt-secret").exists() and not (data_dir / ".dev-api-key").exists()


def test_existing_data_dir_keeps_its_mode_and_environment_sets_the_port(started, tmp_path):
    port = free_port()
    data_dir = tmp_path / "shared"
    data_dir.mkdir(mode=0o755)
    os.chmod(data_dir, 0o755)
    started.append(data_dir)
    result = scripts_run(env={"NADOO_DATA_DIR": str(data_dir), "NADOO_PORT": str(port)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert CHAT_URL.search(result.stdout).groups() == ("127.0.0.1", str(port))
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o755


def test_help_is_the_servers_help(tmp_path):
    result = scripts_run("--help")
    assert result.returncode == 0, result.stderr
    assert "--print-config" in result.stdout and "NADOO_PORT" in result.stdout


def test_bad_option_stops_scripts_run_with_the_servers_message(tmp_path):
    result = scripts_run("--max-connections", "0", "--data-dir", str(tmp_path / "unused"))
    assert result.returncode != 0
    assert "--max-connections" in result.stderr
    assert not (tmp_path / "unused").exists()


def quick_start_commands():
    """The README's quick start: the indented block right under its heading."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("\n## Quick start\n", 1)[1]
    lines = section.lstrip("\n").splitlines()
    block = []
    for line in lines:
        if not line.startswith("    "):
            break
        block.append(line[4:])
    assert block, "no command block under ## Quick start"
    return "\n".join(block)


def test_readme_quick_start_runs_as_written():
    data_dir = REPO / "data"
    # Never touch a developer's own server: the quick start's port and data directory must be free.
    if running_server_pid(data_dir) is not None:
        pytest.skip("a server started by scripts/run from data/ is running on this machine")
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 8000)) == 0:
            pytest.skip("port 8000, which the quick start uses, is taken on this machine")
    existed = data_dir.exists()
    try:
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", quick_start_commands()], cwd=REPO,
                                env=newcomer_environment(), capture_output=True, text=True,
                                timeout=SCRIPT_TIMEOUT_SECONDS)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Connected: {'session_id': 'session-abc-123', 'user_id': 'user-123'" in result.stdout
        assert "q4-report.md" in result.stdout and "Tokens used:" in result.stdout
    finally:
        stop_server(data_dir)
        if not existed:
            shutil.rmtree(data_dir, ignore_errors=True)

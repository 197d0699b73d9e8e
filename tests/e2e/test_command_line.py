"""The command line: version, help, token minting, options from the
environment and from a config file."""
import re
import socket
import subprocess

import jwt
import websockets

from nadoo_server import BINARY, JWT_SECRET, REPO, http_get, run


def nadoo(*args, env=None):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=10, env=env)


def test_version_and_help():
    version = nadoo("--version")
    assert version.returncode == 0 and version.stdout.startswith("nadoo-realtime ")
    help_text = nadoo("serve", "--help").stdout
    for option in ["--host", "--port", "--data-dir", "--config", "--max-message-bytes", "--enable-echo"]:
        assert option in help_text
    assert "JWT_SECRET" in help_text and "NADOO_API_KEYS" in help_text


def test_token_command_mints_a_token_that_pyjwt_verifies():
    token = nadoo("token", "--sub", "user-42", "--ttl", "120", env={"JWT_SECRET": JWT_SECRET}).stdout.strip()
    claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"])
    assert claims["sub"] == "user-42" and claims["type"] == "access"
    assert claims["exp"] - claims["iat"] == 120


def test_unknown_option_is_a_usage_error():
    result = nadoo("serve", "--no-such-option")
    assert result.returncode != 0 and "no-such-option" in result.stderr


def test_options_come_from_the_environment_and_a_config_file(start_server, tmp_path):
    config = tmp_path / "nadoo.toml"
    config.write_text("max-message-bytes = 100\nchat-require-token = true\n")
    configured = start_server("--config", str(config), env={"NADOO_ENABLE_ECHO": "true"})

    async def scenario():
        async with websockets.connect(configured.ws_url("/ws/echo")) as echo:
            await echo.send("x" * 101)
            await echo.wait_closed()
        async with websockets.connect(configured.ws_url("/ws/chat/s")) as chat:
            await chat.wait_closed()
        return echo.close_code, chat.close_code

    assert run(scenario()) == (1009, 1008)


def test_command_line_overrides_the_config_file(start_server, tmp_path):
    config = tmp_path / "nadoo.toml"
    config.write_text("max-message-bytes = 100\n")
    configured = start_server("--config", str(config), "--max-message-bytes", "1000", "--enable-echo")

    async def scenario():
        async with websockets.connect(configured.ws_url("/ws/echo")) as echo:
            await echo.send("x" * 500)
            return await echo.recv()

    assert run(scenario()) == "x" * 500


def test_bad_public_key_file_fails_at_start_with_a_clear_message(tmp_path):
    key_file = tmp_path / "bad.pem"
    key_file.write_text("not a key")
    result = nadoo("serve", "--port", "0", "--jwt-algorithm", "RS256", "--jwt-public-key-file", str(key_file))
    assert result.returncode == 1
    assert "nadoo-realtime:" in result.stderr


def test_serve_version_prints_the_version():
    result = nadoo("serve", "--version")
    assert result.returncode == 0 and result.stdout.startswith("nadoo-realtime ")


def test_config_file_of_serve_options_through_NADOO_CONFIG_works_for_serve_and_token(tmp_path):
    config = tmp_path / "f.toml"
    config.write_text(f'port = 18112\nlog-level = "warn"\njwt-secret = "{JWT_SECRET}"\n')
    environment = {"NADOO_CONFIG": str(config)}
    printed = nadoo("serve", "--print-config", env=environment)
    assert printed.returncode == 0, printed.stderr
    assert "port = 18112  # config file" in printed.stdout
    assert 'log-level = "warn"  # config file' in printed.stdout
    assert JWT_SECRET not in printed.stdout
    token = nadoo("token", "--sub", "user-7", env=environment)
    assert token.returncode == 0, token.stderr
    assert jwt.decode(token.stdout.strip(), JWT_SECRET, algorithms=["HS256"])["sub"] == "user-7"


def test_ini_file_with_a_serve_section_starts_the_server(start_server, tmp_path):
    config = tmp_path / "nadoo.ini"
    config.write_text("; options of serve\n[serve]\nenable-echo = true\nmax-message-bytes = 100\n")
    configured = start_server("--config", str(config))

    async def scenario():
        async with websockets.connect(configured.ws_url("/ws/echo")) as echo:
            await echo.send("x" * 101)
            await echo.wait_closed()
        return echo.close_code

    assert run(scenario()) == 1009


def test_host_name_is_resolved(start_server):
    named = start_server("--host", "localhost")
    assert named.host == "127.0.0.1"


def test_port_in_use_says_so_in_words(tmp_path):
    with socket.socket() as occupant:
        occupant.bind(("127.0.0.1", 0))
        occupant.listen()
        port = occupant.getsockname()[1]
        result = nadoo("serve", "--port", str(port), "--data-dir", str(tmp_path), env={"JWT_SECRET": JWT_SECRET})
    assert result.returncode == 1
    assert f"port {port} is in use" in result.stderr, result.stderr
    assert "boost" not in result.stderr and ".hpp" not in result.stderr


def test_bad_environment_value_names_the_variable():
    result = nadoo("serve", env={"NADOO_PORT": "abc"})
    assert result.returncode != 0
    assert "NADOO_PORT" in result.stderr and "--port" in result.stderr, result.stderr


def test_api_keys_with_spaces_after_commas_all_work(start_server):
    configured = start_server(env={"NADOO_API_KEYS": "nai-k1, nai-k2"})
    for key in ("nai-k1", "nai-k2"):
        status, _, _ = http_get(configured, "/ws/stats", api_key=key)
        assert status == 200, key


def test_zero_and_contradictory_limits_are_refused_at_start_naming_the_option(tmp_path):
    # A data directory of its own: were the refusal to regress, a server would start and write there.
    zero = nadoo("serve", "--port", "0", "--data-dir", str(tmp_path), "--max-connections", "0")
    assert zero.returncode != 0 and "--max-connections" in zero.stderr, zero.stderr
    too_big = nadoo("serve", "--port", "0", "--data-dir", str(tmp_path), "--outbound-queue-limit-bytes", "65536",
                    "--notification-backlog-limit-bytes", "524288")
    assert too_big.returncode != 0
    assert "--notification-backlog-limit-bytes" in too_big.stderr and "--outbound-queue-limit-bytes" in too_big.stderr


def test_print_config_masks_every_secret():
    result = nadoo("serve", "--print-config", "--api-keys", "nai-hidden-key",
                   env={"JWT_SECRET": "hidden-secret", "OPENAI_API_KEY": "sk-hidden"})
    assert result.returncode == 0, result.stderr
    for secret in ("nai-hidden-key", "hidden-secret", "sk-hidden"):
        assert secret not in result.stdout
    assert 'api-keys = "********"  # command line' in result.stdout
    assert 'openai-api-key = "********"  # environment' in result.stdout


def test_print_config_masks_the_password_of_the_store_uri():
    result = nadoo("serve", "--print-config", env={"NADOO_STORE": "postgresql://nadoo:pw-hidden@127.0.0.1:1/nadoo"})
    assert result.returncode == 0, result.stderr
    assert "pw-hidden" not in result.stdout
    assert 'store = "postgresql://nadoo:***@127.0.0.1:1/nadoo"  # environment' in result.stdout
    refused = nadoo("serve", "--print-config", "--store", "mysql://nadoo:pw-hidden@127.0.0.1/nadoo")
    assert refused.returncode != 0 and "--store" in refused.stderr
    assert "pw-hidden" not in refused.stderr


def test_readme_option_reference_is_the_one_the_server_prints():
    """The README's reference is made from the declared options; after
    changing one, `scripts/option-reference` writes it again."""
    readme = (REPO / "README.md").read_text()
    reference = readme.split("<!-- option reference: scripts/option-reference -->\n", 1)[1]
    reference = reference.split("<!-- end of option reference -->\n", 1)[0]
    printed = nadoo("serve", "--print-options", env={})
    assert printed.returncode == 0, printed.stderr
    assert reference == printed.stdout, "README's option reference is stale: run scripts/option-reference"


def test_every_option_is_in_the_reference_and_in_the_help_with_its_variable():
    reference = nadoo("serve", "--print-options", env={}).stdout
    rows = re.findall(r"^\| `(--[a-z0-9-]+)` \| `([A-Z0-9_]+)` \| ([^|]*) \| ([^|]*) \| (.+) \| (.+) \|$",
                      reference, re.M)
    documented = {flag: (variable, default.strip("`"), reason) for flag, variable, default, _, _, reason in rows}
    printed = nadoo("serve", "--print-config", env={}).stdout.splitlines()[1:]
    help_text = nadoo("serve", "--help").stdout
    declared = set()
    for line in printed:
        name, rest = line.split(" = ", 1)
        flag = "--" + name
        declared.add(flag)
        value = rest.rsplit("  # ", 1)[0].strip('"')
        assert flag in documented, f"{flag} is not in the option reference"
        variable, default, reason = documented[flag]
        assert default.replace("off", "") == ("" if value in ("[]", "false") else value), flag
        assert reason.strip(), f"{flag} gives no reason for its default"
        described = re.search(re.escape(flag) + r" .*?\(env ([A-Z0-9_]+)\)", help_text, re.S)
        assert described and described.group(1) == variable, flag
    assert set(documented) == declared

"""The command line: version, help, token minting, options from the
environment and from a config file."""
import json
import subprocess

import jwt
import websockets

from nadoo_server import BINARY, JWT_SECRET, make_token, run


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

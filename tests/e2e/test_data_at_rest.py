"""The data directory and the database files are the owner's alone: nadoo.db
holds the applications' model api_keys and every chat."""
import os
import signal
import stat

from nadoo_server import Server, http_get, stop_and_check


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def database_files(data_dir):
    return [data_dir / name for name in ("nadoo.db", "nadoo.db-wal", "nadoo.db-shm")]


def test_fresh_data_dir_is_0700_and_database_files_0600(tmp_path):
    data_dir = tmp_path / "fresh" / "data"
    server = Server(tmp_path=data_dir)
    try:
        # While the server runs: SQLite made -wal and -shm itself.
        assert mode(data_dir) == 0o700
        assert mode(data_dir.parent) == 0o700
        for path in database_files(data_dir):
            assert mode(path) == 0o600, path
    finally:
        stop_and_check(server)


def test_existing_open_database_files_are_tightened_to_0600_with_a_warning(tmp_path):
    # A crash leaves -wal and -shm behind; all three as an older server made them.
    crashed = Server(tmp_path=tmp_path)
    crashed.stop(sig=signal.SIGKILL)
    for path in database_files(tmp_path):
        os.chmod(path, 0o644)

    server = Server(tmp_path=tmp_path)
    try:
        for path in database_files(tmp_path):
            assert mode(path) == 0o600, path
        assert "nadoo.db had mode 0644 (other users could read it); changed to 0600" in server.log()
        assert http_get(server, "/readyz", api_key=None)[0] == 200
    finally:
        stop_and_check(server)


def test_existing_data_dir_keeps_the_mode_its_operator_gave_it(tmp_path):
    data_dir = tmp_path / "shared"
    data_dir.mkdir()
    os.chmod(data_dir, 0o755)
    server = Server(tmp_path=data_dir)
    try:
        assert mode(data_dir) == 0o755
        assert mode(data_dir / "nadoo.db") == 0o600
    finally:
        stop_and_check(server)

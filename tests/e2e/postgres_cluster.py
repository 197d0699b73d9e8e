"""A PostgreSQL cluster of one test's own (tests/support/postgres_server), for
tests that halt it or start several nodes on it, with a database `nadoo`."""
import subprocess

import pytest

from nadoo_server import REPO

POSTGRES_SERVER = str(REPO / "tests" / "support" / "postgres_server")


class Cluster:
    def __init__(self, tmp_path):
        self.state = str(tmp_path / "postgres.state")
        self.command("start")
        with open(self.state) as state:
            server_uri = next(line[4:].strip() for line in state if line.startswith("URI="))
        subprocess.run(["psql", server_uri, "-qc", "CREATE DATABASE nadoo"], check=True, capture_output=True)
        self.uri = server_uri.rsplit("/", 1)[0] + "/nadoo"

    def command(self, name):
        subprocess.run([POSTGRES_SERVER, name, self.state], check=True, capture_output=True, timeout=60)


@pytest.fixture
def cluster(tmp_path):
    cluster = Cluster(tmp_path)
    yield cluster
    cluster.command("stop")

import pytest

from nadoo_server import Server, stop_and_check


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One server with the default configuration, shared by a test module."""
    instance = Server("--enable-echo", tmp_path=tmp_path_factory.mktemp("data"))
    yield instance
    stop_and_check(instance)


@pytest.fixture
def start_server(tmp_path):
    """Starts servers with a test's own options; stops them after the test."""
    started = []

    def start(*args, env=None):
        instance = Server(*args, env=env, tmp_path=tmp_path)
        started.append(instance)
        return instance

    yield start
    for instance in started:
        stop_and_check(instance)


@pytest.fixture(scope="module")
def fake_openai():
    from nadoo_server import FakeOpenAi

    upstream = FakeOpenAi()
    yield upstream
    upstream.stop()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """A server with the demo data (app-uuid-123 on the builtin provider)."""
    from nadoo_server import REPO_DEMO_SEED

    instance = Server("--seed-file", REPO_DEMO_SEED, "--builtin-token-interval-ms", "1",
                      tmp_path=tmp_path_factory.mktemp("demo"))
    yield instance
    stop_and_check(instance)

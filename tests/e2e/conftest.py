import pytest

from nadoo_server import Server


def stop_and_check(instance):
    """Stops a server; under a sanitizer build, any report it printed fails the test."""
    instance.stop()
    for marker in ("ThreadSanitizer", "AddressSanitizer", "LeakSanitizer", "runtime error:"):
        assert marker not in instance.log(), instance.log()


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

"""nadoo-bench's workloads at tiny size against the real server: every
connection, delivery and close succeeds. Timing is never asserted here; the
figures are bench/'s business."""
import json
import os
import subprocess

import pytest

from nadoo_server import API_KEY, JWT_SECRET, REPO, Server, stop_and_check

BENCH = os.environ.get("NADOO_BENCH_BINARY", str(REPO / "build" / "nadoo-bench"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # The publisher sends flat out: the per-connection limit is lifted as in bench/.
    instance = Server("--workspace-rate-limit-events-per-second", "1000000",
                      "--workspace-rate-limit-burst-events", "1000000",
                      tmp_path=tmp_path_factory.mktemp("data"))
    yield instance
    stop_and_check(instance)


def run_bench(*args, env=None):
    environment = {**os.environ, "BENCH_JWT_SECRET": JWT_SECRET, "BENCH_API_KEY": API_KEY, **(env or {})}
    completed = subprocess.run([BENCH, *args], env=environment, capture_output=True, text=True, timeout=60)
    assert JWT_SECRET not in completed.stdout + completed.stderr
    assert API_KEY not in completed.stdout + completed.stderr
    return completed


def run_workload(server, *args):
    completed = run_bench(*args, "--port", str(server.port), "--server-pid", str(server.pid), "--membership",
                          "--deadline-seconds", "30")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    report = json.loads(completed.stdout)
    assert report["status"] == "ok" and report["problems"] == []
    return report["figures"]


def test_idle_holds_every_connection_and_closes_each_cleanly(server):
    figures = run_workload(server, "idle", "--connections", "10", "--workspaces", "3", "--hold-seconds", "0.2")
    assert figures["connected"] == figures["open_when_measured"] == figures["clean_closes"] == 10
    assert figures["server_rss_idle_kib"] > 0
    assert "inuse" in figures["tcp_sockets_idle"]


def test_connect_counts_every_handshake_and_close(server):
    figures = run_workload(server, "connect", "--connections", "20", "--in-flight", "4", "--threads", "2")
    assert figures["connected"] == figures["clean_closes"] == 20
    assert figures["connect_ms_p99"] is not None
    assert isinstance(figures["generator_bound"], bool)


def test_fanout_delivers_every_event_to_every_member(server, tmp_path):
    out = tmp_path / "fanout.json"
    figures = run_workload(server, "fanout", "--members", "10", "--events", "20", "--threads", "2",
                           "--workspace", "ws-smoke-full-speed", "--out", str(out))
    assert figures["deliveries"] == figures["deliveries_expected"] == 200
    assert figures["latency_ms_p999"] is not None
    assert figures["clean_closes"] == 11  # the members and the publisher
    # Whether the generator was the limit is always said, never its timing.
    assert isinstance(figures["generator_bound"], bool)
    assert figures["generator_cores"] >= 1
    assert figures["generator_cpu_percent_of_its_cores"] is not None
    assert json.loads(out.read_text())["figures"]["deliveries"] == 200


def test_fanout_over_receiver_processes_delivers_every_event_to_every_member(server):
    figures = run_workload(server, "fanout", "--members", "10", "--events", "20", "--receiver-processes", "3",
                           "--workspace", "ws-smoke-processes")
    # 10 members split 3, 3, 4: every worker's deliveries, samples and closes come back to one report.
    assert figures["deliveries"] == figures["deliveries_expected"] == 200
    assert figures["connected"] == 10 and figures["connect_ms_p99"] is not None
    assert figures["latency_ms_p999"] is not None
    assert figures["clean_closes"] == 11
    assert figures["generator_cpu_percent"] is not None  # the workers' CPU read as the generator's too


def test_receiver_processes_that_cannot_connect_end_the_run_with_the_reason():
    # Nothing listens on port 1: each worker fails its members and is still driven to its end.
    completed = run_bench("fanout", "--port", "1", "--members", "4", "--events", "1", "--receiver-processes", "2",
                          "--deadline-seconds", "20")
    assert completed.returncode == 1, completed.stdout + completed.stderr
    report = json.loads(completed.stdout)
    assert report["figures"]["connect_failed"] == 4 and report["figures"]["deliveries"] == 0
    assert any(problem.startswith("4 connections failed") for problem in report["problems"])
    assert not any("ended without its figures" in problem for problem in report["problems"])


def test_fanout_at_a_set_rate_delivers_every_event(server):
    figures = run_workload(server, "fanout", "--members", "5", "--events", "10", "--rate", "200",
                           "--workspace", "ws-smoke-rate")
    assert figures["deliveries"] == 50


def test_chat_delivers_every_token_of_every_session(server):
    figures = run_workload(server, "chat", "--sessions", "4", "--tokens", "5", "--token-interval-ms", "2",
                           "--ramp-ms", "10", "--threads", "2")
    assert figures["tokens_delivered"] == figures["tokens_expected"] == 20
    assert figures["answers_ended"] == figures["upstream_answers_completed"] == 4
    assert figures["answers_failed"] == 0
    assert figures["latency_ms_p99"] is not None and figures["server_cpu_percent"] is not None
    assert figures["clean_closes"] == 4


def test_chat_direct_streams_every_token_without_the_server(server):
    figures = run_workload(server, "chat", "--direct", "--sessions", "3", "--tokens", "4", "--token-interval-ms", "1")
    assert figures["tokens_delivered"] == figures["tokens_expected"] == 12
    assert figures["upstream_answers_completed"] == 3


def perf_counts_syscalls():
    try:
        probe = subprocess.run(["perf", "stat", "-x,", "-e", "syscalls:sys_enter_write", "true"],
                               capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0 and ",,syscalls:sys_enter_write" in probe.stderr


@pytest.mark.skipif(not perf_counts_syscalls(), reason="perf cannot count syscall tracepoints here (needs root)")
def test_fanout_counts_the_servers_write_syscalls_over_the_deliveries(server):
    figures = run_workload(server, "fanout", "--members", "10", "--events", "20", "--count-server-syscalls",
                           "--workspace", "ws-smoke-syscalls")
    assert figures["deliveries"] == 200
    # Every delivery left the server in some write call; fewer calls than deliveries is coalescing.
    assert 0 < figures["server_write_syscalls"] <= 200 + 11
    assert figures["server_write_syscalls"] == sum(figures["server_write_syscalls_by_call"].values())
    assert figures["server_bytes_per_write_syscall"] > 0


def test_syscall_counting_needs_fanout_and_a_server_pid():
    completed = run_bench("idle", "--port", "1", "--count-server-syscalls")
    assert completed.returncode == 64
    assert "--count-server-syscalls" in completed.stderr


def test_more_sockets_than_one_process_may_hold_are_refused():
    completed = run_bench("idle", "--port", "1", "--connections", "19901")
    assert completed.returncode == 64
    assert "at most 19900" in completed.stderr


def test_more_members_than_one_process_may_hold_are_refused_with_the_way_out():
    completed = run_bench("fanout", "--port", "1", "--members", "19900")  # and the publisher
    assert completed.returncode == 64
    assert "--receiver-processes" in completed.stderr


def test_a_missing_secret_is_refused():
    completed = run_bench("idle", "--port", "1", env={"BENCH_JWT_SECRET": ""})
    assert completed.returncode == 64
    assert "BENCH_JWT_SECRET" in completed.stderr

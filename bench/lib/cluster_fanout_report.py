"""Writes bench/cluster_fanout.sh's report: WORK_DIR's single.json,
cluster.json, single_paced.json and cluster_paced.json (nadoo-bench fanout
documents) side by side, the issue's targets checked, to
RESULTS_DIR/cluster-fanout-DATE-HHMMSS.{json,md}. Context from BENCH_*."""
import datetime
import json
import os
import sys

work_dir, results_dir = sys.argv[1], sys.argv[2]
runs = {name: json.load(open(os.path.join(work_dir, name + ".json")))
        for name in ("single", "cluster", "single_paced", "cluster_paced")}
figures = {name: run["figures"] for name, run in runs.items()}


def figure(run, name):
    return figures[run].get(name)


per_cpu_ratio = None
if figure("single", "deliveries_per_server_cpu_second") and figure("cluster", "deliveries_per_server_cpu_second"):
    per_cpu_ratio = round(figure("cluster", "deliveries_per_server_cpu_second")
                          / figure("single", "deliveries_per_server_cpu_second"), 3)
recovery = os.environ.get("BENCH_RECOVERY_SECONDS", "null")
recovery_seconds = None if recovery == "null" else float(recovery)
targets = {
    "one_publish_per_event": figure("cluster", "redis_publishes_per_event") is not None
    and figure("cluster", "redis_publishes_per_event") < 1.01,
    "per_cpu_second_at_least_0.8_of_single": per_cpu_ratio is not None and per_cpu_ratio >= 0.8,
    "paced_p99_under_50_ms": (figure("cluster_paced", "latency_ms_p99") or 1e9) < 50,
    "recovery_under_3_s": recovery_seconds is not None and recovery_seconds < 3,
}
stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M%S")
report = {
    "benchmark": "cluster_fanout",
    "command": os.environ.get("BENCH_COMMAND"),
    "node_command": os.environ.get("BENCH_NODE_COMMAND"),
    "generator_commands": os.environ.get("BENCH_GENERATOR_COMMANDS", "").splitlines(),
    "server_version": os.environ.get("BENCH_SERVER_VERSION"),
    "redis_version": os.environ.get("BENCH_REDIS_VERSION"),
    "runs": runs,
    "cluster_per_cpu_second_over_single": per_cpu_ratio,
    "redis_recovery_seconds": recovery_seconds,
    # Over each whole cluster run, connects and joins included: an upper bound.
    "redis_cpu_seconds": {"cluster": float(os.environ["BENCH_REDIS_CPU_BURST"]),
                          "cluster_paced": float(os.environ["BENCH_REDIS_CPU_PACED"])},
    "targets": targets,
    "problems": [problem for run in runs.values() for problem in run.get("problems", [])],
}
os.makedirs(results_dir, exist_ok=True)
base = os.path.join(results_dir, f"cluster-fanout-{stamp}")
with open(base + ".json", "w") as out:
    json.dump(report, out, indent=2)

rows = [
    ("deliveries/s", "deliveries_per_second", "{:,.0f}"),
    ("deliveries per server CPU-second (summed over nodes)", "deliveries_per_server_cpu_second", "{:,.0f}"),
    ("server CPU % of one core (summed)", "server_cpu_percent", "{}"),
    ("generator CPU % (its one core)", "generator_cpu_percent", "{}"),
    ("generator bound", "generator_bound", "{}"),
    ("latency p50 ms", "latency_ms_p50", "{}"),
    ("latency p99 ms", "latency_ms_p99", "{}"),
    ("Redis PUBLISHes per event", "redis_publishes_per_event", "{}"),
    ("write syscalls per delivery (first node)", "server_write_syscalls_per_delivery", "{}"),
]


def cell(run, key, form):
    value = figure(run, key)
    return "—" if value is None else form.format(value)


lines = [f"# Fan-out across two nodes on Redis, beside one node ({stamp})", "",
         f"`{report['command']}` — {report['server_version']}, {report['redis_version']}", "",
         f"Members {runs['single']['settings']['members']}; burst of {runs['single']['settings']['events']} events; "
         f"paced at {runs['cluster_paced']['settings']['rate']} events/s (half the cluster's burst peak).", "",
         "| figure | one node, burst | two nodes, burst | one node, paced | two nodes, paced |", "|---|---|---|---|---|"]
for label, key, form in rows:
    lines.append(f"| {label} | " + " | ".join(cell(run, key, form) for run in runs) + " |")
lines += ["", f"- cluster ÷ single, deliveries per server CPU-second: {per_cpu_ratio} (the nodes' CPU only)",
          f"- Redis's own CPU over each whole cluster run (connects and joins included): "
          f"{report['redis_cpu_seconds']['cluster']} s burst, {report['redis_cpu_seconds']['cluster_paced']} s paced",
          f"- Redis restart: both nodes ready again {recovery_seconds} s after Redis accepted connections",
          "- targets: " + ", ".join(f"{name} {'✓' if met else '✗'}" for name, met in targets.items()),
          "- problems: " + ("none" if not report["problems"] else "; ".join(report["problems"])), "",
          "Commands:", "", f"    {report['node_command']}"]
lines += [f"    {command}" for command in report["generator_commands"]]
with open(base + ".md", "w") as out:
    out.write("\n".join(lines) + "\n")
print(base + ".md")

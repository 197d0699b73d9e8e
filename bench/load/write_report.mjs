// Turns the coordinator's raw JSON into bench/results/idle-connect-DATE-nN.{json,md}
// with the exact command, date and machine, and prints the markdown.
// Usage: node write_report.mjs RAW.json RESULTS_DIR   (context in BENCH_* variables)
import { readFileSync } from 'node:fs';
import { machine_markdown, report_with_run_context, show, status_markdown, write_result_files } from './bench_common.mjs';

const [raw_path, results_dir] = process.argv.slice(2);
const raw = JSON.parse(readFileSync(raw_path, 'utf8'));
const date = new Date().toISOString();
const day = date.slice(0, 10);

const report = report_with_run_context(raw, date, { open_files_limit: Number(process.env.BENCH_OPEN_FILES_LIMIT) });

const f = raw.figures ?? {};
const c = raw.connect ?? {};
/// Says which side limited connects/s: a generator near 100 % of its core means the figure is the generator's.
function bottleneck() {
  const average = c.cpu_percent_average;
  if (!average) return '';
  if (average.generator >= 90 && average.server < 90) {
    return `\n**Connects/s is the load generator's limit, not the server's**: the generator used ${average.generator} % of its core on average, the server ${average.server} % of its own.\n`;
  }
  if (average.server >= 90) return `\nThe server's core was the limit (${average.server} % on average).\n`;
  return '';
}

const markdown = `# Idle connections — ${day}, ${show(raw.settings.connections)} connections

${status_markdown(raw)}

| figure | value |
|---|---|
| connections open at idle | ${show(f.open_connections)} of ${show(raw.settings.connections)} |
| connects per second (whole connect phase) | ${show(f.connects_per_second)} |
| connect time p50 / p99 / max (open → \`connected\`) | ${show(f.connect_ms_p50)} / ${show(f.connect_ms_p99)} / ${show(c.connect_ms?.max)} ms |
| server VmRSS before → after | ${show(f.server_rss_before_kib)} → ${show(f.server_rss_after_kib)} KiB |
| **server RSS per idle connection** | **${show(f.server_rss_per_connection_kib)} KiB** |
| server VmRSS after every connection closed | ${show(raw.close?.server?.vm_rss_kib)} KiB |
| kernel TCP memory (sockstat \`mem\`) before → after | ${show(f.tcp_mem_pages_before)} → ${show(f.tcp_mem_pages_after)} pages of 4 KiB |
| kernel TCP memory per connection, both ends | ${show(f.tcp_mem_kib_per_connection_both_ends)} KiB |
| CPU during connect, average (server / generator) | ${show(c.cpu_percent_average?.server)} % / ${show(c.cpu_percent_average?.generator)} % |
| CPU during connect, peak 0.5 s sample (server / generator) | ${show(c.cpu_percent_peak?.server)} % / ${show(c.cpu_percent_peak?.generator)} % |
| failed connects | ${show(c.failed)}${c.failures && Object.keys(c.failures).length ? ` (${JSON.stringify(c.failures)})` : ''} |
| server exit after SIGTERM | ${report.server_shutdown.exit_status}, ${report.server_shutdown.seconds_after_sigterm} s; ${report.server_shutdown.warnings_logged} log lines at warn+ |

Command: \`${report.command}\`

Server: \`${report.server_command}\`

Generator: \`${report.generator_command}\`

${machine_markdown(report.machine)}, open files limit ${report.machine.open_files_limit}; ${report.server_version}.

Server on CPU ${raw.cpus_allowed?.server} (\`taskset -c 1\`, \`--io-threads 1\`), ${raw.settings.processes} Node generator processes on CPU ${[...new Set(raw.cpus_allowed?.generator)].join(', ')}, the source addresses 127.0.0.2–127.0.0.9 dealt out among them, ${raw.settings.in_flight_per_process} handshakes in flight per process, ${raw.settings.workspace_count} workspaces, one distinct user and HS256 token per connection. RSS per connection is (VmRSS after ${raw.settings.idle_ms / 1000} s idle − VmRSS before the first connection) / open connections. Sockstat \`mem\` counts socket buffer pages only (not the socket structures), system-wide: both ends of every loopback connection plus anything else running on the machine; ${show(raw.before?.tcp_sockstat?.tw)} sockets were in TIME_WAIT at the start.
${bottleneck()}`;

write_result_files(results_dir, `idle-connect-${day}-n${raw.settings.connections}-p${raw.settings.processes}`, report, markdown);

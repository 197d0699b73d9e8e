// Shared by the load generators (idle_connect.mjs, chat_latency.mjs) and their
// report writers (write_report.mjs, chat_latency_report.mjs): /proc readers,
// rounding and percentiles, the raw results file with its deadline, and what
// every report records about the run and the machine.
import { createHmac } from 'node:crypto';
import { cpus, release, totalmem } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// ---- tokens --------------------------------------------------------------

const base64url = (buffer) => buffer.toString('base64url');

/** An HS256 access token as the server expects it (claims sub, exp, type). Never print it. */
export function mint_access_token(secret, user_id, lifetime_seconds) {
  const now_seconds = Math.floor(Date.now() / 1000);
  const header = base64url(Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })));
  const payload = base64url(
    Buffer.from(JSON.stringify({ sub: user_id, iat: now_seconds, exp: now_seconds + lifetime_seconds, type: 'access' })),
  );
  const signature = base64url(createHmac('sha256', secret).update(`${header}.${payload}`).digest());
  return `${header}.${payload}.${signature}`;
}

// ---- workspace membership -------------------------------------------------

/**
 * Makes each `[workspace_id, user_id]` of `memberships` a member through the
 * REST API of the server at `origin` (`http://127.0.0.1:PORT`), `concurrency`
 * requests at a time: only members may connect to a workspace.
 */
export async function add_workspace_members(origin, api_key, memberships, concurrency = 64) {
  let next = 0;
  const worker = async () => {
    while (next < memberships.length) {
      const [workspace_id, user_id] = memberships[next++];
      const response = await fetch(`${origin}/api/v1/workspaces/${workspace_id}/members/${user_id}`, {
        method: 'PUT',
        headers: { 'X-API-Key': api_key, 'Content-Type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(10000),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`adding ${user_id} to ${workspace_id} answered HTTP ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, memberships.length) }, worker));
}

// ---- /proc readers and statistics ----------------------------------------

export const clock_ticks_per_second = 100; // getconf CLK_TCK on Linux x86-64

/** CPU time of process `pid` (user + system) in clock ticks; null once it is gone. */
export function cpu_ticks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return null;
  }
}

/** The value of `field` in /proc/`pid`/status, as written ("1234 kB"); null if absent or the process is gone. */
export function proc_status(pid, field) {
  try {
    const match = new RegExp(`^${field}:\\s+(.*)$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? match[1].trim() : null;
  } catch {
    return null;
  }
}

/** A /proc/`pid`/status field counted in KiB (VmRSS, VmHWM) or a plain count (Threads), as a number; null if unknown. */
export function proc_status_number(pid, field) {
  const value = proc_status(pid, field);
  return value === null ? null : Number(value.split(' ')[0]);
}

export const round = (value, digits = 2) => (value === null || value === undefined ? null : Number(value.toFixed(digits)));

/** Nearest-rank percentile of ascending `sorted`; null when it is empty. */
export function percentile(sorted, fraction) {
  if (sorted.length === 0) return null;
  return sorted[Math.max(1, Math.ceil(fraction * sorted.length)) - 1];
}

// ---- the raw results file ------------------------------------------------

/**
 * The raw results a generator hands to its driver's report writer, in the
 * file `out_path`. Written whenever `write()` is called, and always once more
 * at the end, even after a failure or at the deadline: the driver reports
 * whatever was measured.
 */
export class RawResults {
  /** `benchmark` names it; `settings` are what the run was asked to do. */
  constructor(out_path, benchmark, settings) {
    this.out_path = out_path;
    this.data = { benchmark, status: 'running', settings, problems: [] };
  }

  write() {
    writeFileSync(this.out_path, `${JSON.stringify(this.data, null, 2)}\n`);
  }

  /**
   * Runs `main` (async) and ends the process: exit status 0 if it finished
   * with no problems, 1 if not; at `deadline_ms` (the `deadline_owner`'s,
   * e.g. "coordinator") status "timed out" and exit status 2, at once.
   * `stop_children(signal)` ends any child processes first: SIGKILL at the
   * deadline, SIGTERM after `main`.
   */
  run(main, { deadline_ms, deadline_owner, stop_children = () => {} }) {
    const results = this.data;
    const deadline = setTimeout(() => {
      results.status = 'timed out';
      results.problems.push(`${deadline_owner} deadline of ${deadline_ms / 1000} s reached`);
      this.write();
      stop_children('SIGKILL');
      process.exit(2);
    }, deadline_ms);
    main()
      .then(() => {
        results.status = results.problems.length === 0 ? 'ok' : 'problems';
      })
      .catch((error) => {
        results.status = 'failed';
        results.problems.push(error.message);
      })
      .finally(() => {
        clearTimeout(deadline);
        this.write();
        stop_children('SIGTERM');
        process.exitCode = results.status === 'ok' ? 0 : 1;
      });
  }
}

// ---- reports -------------------------------------------------------------

/** A figure for a markdown table: thousands separated, '—' when unknown. */
export const show = (value) => (value === undefined || value === null ? '—' : value.toLocaleString('en-US'));

/**
 * `raw` with what the shell driver knows of the run (BENCH_* variables from
 * bench/lib/common.sh: the commands, the server's version and exit) and the
 * machine, `machine_extra` appended to its description.
 */
export function report_with_run_context(raw, date, machine_extra = {}) {
  return {
    ...raw,
    date,
    command: process.env.BENCH_COMMAND,
    server_command: process.env.BENCH_SERVER_COMMAND,
    generator_command: process.env.BENCH_GENERATOR_COMMAND,
    server_version: process.env.BENCH_SERVER_VERSION,
    server_shutdown: server_shutdown_from_env(),
    machine: machine_description(machine_extra),
  };
}

/** The shell driver's account of the server's exit (BENCH_SERVER_* variables). */
export const server_shutdown_from_env = () => ({
  exit_status: process.env.BENCH_SERVER_EXIT,
  seconds_after_sigterm: Number(process.env.BENCH_SERVER_STOP_SECONDS),
  warnings_logged: Number(process.env.BENCH_SERVER_LOG_LINES),
});

/** The machine this report writer runs on, the generator's machine too; `more` is appended. */
export function machine_description(more = {}) {
  const ws_package = JSON.parse(readFileSync(new URL('./node_modules/ws/package.json', import.meta.url), 'utf8'));
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    ws: ws_package.version,
    ...more,
  };
}

/** The start of a report's "Machine:" line, up to the ws version. */
export const machine_markdown = (machine) =>
  `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memory_gib} GiB, Linux ${machine.kernel}, Node ${machine.node}, ws ${machine.ws}`;

/** The report's status line, and its problems as a list when there are any. */
export const status_markdown = (raw) =>
  `Status: **${raw.status}**${raw.problems.length ? `\n\nProblems:\n${raw.problems.map((p) => `- ${p}`).join('\n')}` : ''}`;

/** Writes RESULTS_DIR/`name`.json and .md, and prints the markdown and where they went. */
export function write_result_files(results_dir, name, report, markdown) {
  const base = join(results_dir, name);
  writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${base}.md`, markdown);
  process.stdout.write(`${markdown}\nwritten: ${base}.json, ${base}.md\n`);
}

// bench/compare: every workload against nadoo-realtime and each peer, in one
// run, alternating servers round by round, each server on CPU 1 and the C++
// generator (build/nadoo-bench) on CPU 0. Writes bench/results/DATE.md (tables
// and the exact commands) and bench/results/latest.json. See bench/README.md.
// Secrets are random per run, passed through the environment, never written.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { is_generator_bound, search_notes, search_sustained } from './lib/sustained_search.mjs';
import { result_files } from './lib/result_files.mjs';

const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    servers: { type: 'string' },
    workloads: { type: 'string' },
    port: { type: 'string', default: '18780' },
  },
});

const all_servers = ['nadoo-realtime', 'uws', 'node-ws', 'python-websockets', 'fastapi'];
const servers = options.servers ? options.servers.split(',') : all_servers;
const port = Number(options.port);
const rounds = Number(options.rounds ?? (options.quick ? 1 : 3));
// Sizes: --quick finishes in under 5 minutes on this machine; the full run is
// what the issue's targets are measured at (19,000 idle connections: the
// open-file limit of 20,000 per process, with room for the rest).
const sizes = options.quick
  ? { idle: 2000, connect: 2000, members: 200, events: 500, sessions: 200, tokens: 20 }
  : { idle: 19000, connect: 10000, members: 1000, events: 2000, sessions: 1000, tokens: 100 };

/**
 * The bounds of fanout_sustained's stepped search (bench/lib/sustained_search.mjs),
 * searched once per server (each step its own fresh server), not once a round.
 */
const sustained = {
  // The issue's definition: p99 under 50 ms held for at least 10 s. --quick
  // holds 3 s, long enough for a queue to show, short enough for 5 servers.
  hold_seconds: options.quick ? 3 : 10,
  p99_limit_ms: 50,
  // Below this share of the asked rate the publisher was held back by the server.
  paced_share: 0.95,
  // The first step: a quarter of the server's burst events/s in this run
  // (fanout above), which every server so far held; without it a rate the
  // slowest peer holds at 1,000 members.
  start_share_of_burst: 0.25,
  start_rate_without_burst: 50,
  growth: 2,
  min_rate: 5, // events/s; a server that fails below this is broken, not slow
  resolution: 0.1, // stop bisecting when the fail is within 10 % of the pass
  // From a quarter of the burst rate: 2–3 doublings, then bisections.
  max_steps: options.quick ? 5 : 9,
  max_bisect_steps: options.quick ? 2 : 4,
  // A step takes its hold plus about 2–5 s to start, connect and close.
  max_seconds: options.quick ? 40 : 240,
};

/** What each workload reports, and which of its figures is the headline. */
const workloads = {
  fanout: {
    unit: 'deliveries/s',
    higher_is_better: true,
    headline: 'deliveries_per_second',
    args: ['--members', sizes.members, '--events', sizes.events],
    deadline_seconds: 120,
    // The generator has one core too and may saturate first: what the server
    // delivers per second of its own CPU is its one-core capacity either way.
    // The server's write calls over the deliveries (perf, when it works here)
    // show a slow path at once: about one per delivery is a send() per frame.
    columns: [['deliveries_per_server_cpu_second', 'deliveries per server CPU-second', 0],
      ['server_write_syscalls_per_delivery', 'server write syscalls per delivery', 4],
      ['server_bytes_per_write_syscall', 'bytes per write syscall', 0]],
    count_server_syscalls: true,
  },
  fanout_at_80: {
    unit: 'ms delivery latency p99 at 80 % of our peak fan-out rate',
    higher_is_better: false,
    headline: 'latency_ms_p99',
    // Paced at 80 % of the events/s our fanout run (above, same run) peaked at;
    // the target is ours (p99 under 50 ms).
    args: () => {
      const peak = median(runs.fanout?.['nadoo-realtime']?.map((r) => r.report.figures.deliveries_per_second) ?? []);
      if (!peak) throw new Error('fanout_at_80 needs the fanout workload against nadoo-realtime first');
      return ['--members', sizes.members, '--events', sizes.events, '--rate', Math.round((0.8 * peak) / sizes.members)];
    },
    generator_workload: 'fanout',
    deadline_seconds: 120,
    // Every peer gets the same paced load: the one comparison of CPU per
    // delivery at equal offered load (a server that cannot keep up holds the
    // publisher back, and its figures are at its own pace).
    columns: [['events_per_second_published', 'events/s published', 0],
      ['deliveries_per_server_cpu_second', 'deliveries per server CPU-second', 0],
      ['server_write_syscalls_per_delivery', 'server write syscalls per delivery', 4]],
    count_server_syscalls: true,
  },
  fanout_sustained: {
    unit: `deliveries/s sustained for ${sustained.hold_seconds} s at delivery p99 < ${sustained.p99_limit_ms} ms`,
    higher_is_better: true,
    headline: 'sustained_deliveries_per_second',
    // One step: `rate` events/s for the hold (the search below picks the rates).
    args: (rate) => ['--members', sizes.members, '--events', Math.max(1, Math.round(rate * sustained.hold_seconds)),
      '--rate', rate],
    generator_workload: 'fanout',
    // Connecting and membership take a few seconds; an overloaded step stops here.
    deadline_seconds: Math.round(sustained.hold_seconds * 1.5 + 10),
    columns: [['sustained_events_per_second', 'events/s held', 0],
      ['deliveries_per_server_cpu_second', 'deliveries per server CPU-second', 0],
      ['server_write_syscalls_per_delivery', 'server write syscalls per delivery', 4]],
    count_server_syscalls: true,
    search: true,
  },
  idle: {
    unit: 'KiB of server RSS per idle connection',
    higher_is_better: false,
    headline: 'server_rss_per_connection_kib',
    args: ['--connections', sizes.idle, '--in-flight', 200, '--workspaces', 300, '--hold-seconds', 2],
    deadline_seconds: 170,
  },
  connect: {
    unit: 'handshakes/s with token verification',
    higher_is_better: true,
    headline: 'connects_per_second',
    args: ['--connections', sizes.connect, '--in-flight', 200, '--workspaces', 300],
    deadline_seconds: 120,
  },
  chat: {
    unit: 'ms the server adds to a streamed token, p99',
    higher_is_better: false,
    headline: 'latency_ms_p99',
    // A token every 50 ms per stream (20/s, as a model streams): 20,000 tokens/s
    // at 1,000 streams. At 20 ms the generator's one core (upstream and
    // clients, ~25 µs a token) would be the limit, not the server. The chats
    // start over 1 s; then every stream runs at once for the rest (4 s full).
    args: ['--sessions', sizes.sessions, '--tokens', sizes.tokens, '--token-interval-ms', 50, '--ramp-ms', 1000],
    deadline_seconds: 60,
    // The peers serve workspaces only: the chat protocol is ours.
    only: 'nadoo-realtime',
    not_applicable: 'no chat endpoint (the peers serve workspaces only)',
  },
};
/** Whether `server` implements `workload` at all (chat: ours only). */
const applies = (workload, server) => !workloads[workload].only || workloads[workload].only === server;
const requested_workloads = options.workloads ? options.workloads.split(',') : Object.keys(workloads);
for (const name of requested_workloads) if (!workloads[name]) throw new Error(`unknown workload ${name}`);
for (const name of servers) if (!all_servers.includes(name)) throw new Error(`unknown server ${name}`);
if (requested_workloads.includes('fanout_at_80') && !requested_workloads.includes('fanout')) {
  throw new Error('fanout_at_80 is paced from the fanout peak: ask for fanout too');
}
// A workload none of the chosen servers implements (chat without nadoo-realtime) is left out.
const chosen_workloads = requested_workloads.filter((workload) => servers.some((server) => applies(workload, server)));

/** Whether `perf stat` can count syscall tracepoints here (root, or a permissive perf_event_paranoid). */
function perf_counts_syscalls() {
  const probe = spawnSync('perf', ['stat', '-x,', '-e', 'syscalls:sys_enter_write', 'true'], { encoding: 'utf8', timeout: 10000 });
  return probe.status === 0 && /^\d+,,syscalls:sys_enter_write/m.test(probe.stderr ?? '');
}
const syscalls_counted = perf_counts_syscalls();

const jwt_secret = randomBytes(32).toString('hex');
const api_key = `nai-bench-${randomBytes(16).toString('hex')}`;
const work_dir = mkdtempSync(join(tmpdir(), 'bench-compare-'));

/** The command that starts `server` on the port, pinned to CPU 1. */
function server_command(server) {
  if (server === 'nadoo-realtime') {
    return ['taskset', '-c', '1', 'build/nadoo-realtime', 'serve', '--port', String(port), '--io-threads', '1',
      '--data-dir', join(work_dir, 'data'), '--log-level', 'warn', '--max-connections', '19500',
      // A publisher sending flat out is the workload: the per-connection rate limit is lifted.
      '--workspace-rate-limit-events-per-second', '1000000', '--workspace-rate-limit-burst-events', '1000000'];
  }
  return ['taskset', '-c', '1', 'bench/peers/start', server, String(port)];
}

async function await_health(child) {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} at start`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error('server did not answer /healthz within 10 s');
}

async function stop(child) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  if (await Promise.race([exited.then(() => true), sleep(15000).then(() => false)])) return;
  child.kill('SIGKILL');
  await exited;
}

/** One workload against one server: a fresh server each time, so no run inherits another's memory. */
async function run_one(workload, server, rate) {
  rmSync(join(work_dir, 'data'), { recursive: true, force: true });
  const command = server_command(server);
  const child = spawn(command[0], command.slice(1), {
    env: { ...process.env, JWT_SECRET: jwt_secret, NADOO_API_KEYS: api_key },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let server_errors = '';
  child.stderr.on('data', (chunk) => (server_errors = (server_errors + chunk).slice(-2000)));
  try {
    await await_health(child);
    const spec = workloads[workload];
    const out = join(work_dir, 'figures.json');
    const args = typeof spec.args === 'function' ? spec.args(rate) : spec.args;
    const workspace_workload = (spec.generator_workload ?? workload) !== 'chat';
    const generator = ['taskset', '-c', '0', 'build/nadoo-bench', spec.generator_workload ?? workload, '--port', String(port),
      '--server-pid', String(child.pid), '--deadline-seconds', String(spec.deadline_seconds), ...args.map(String),
      ...(server === 'nadoo-realtime' && workspace_workload ? ['--membership'] : []),
      ...(spec.count_server_syscalls && syscalls_counted ? ['--count-server-syscalls'] : []), '--out', out];
    const result = spawnSync(generator[0], generator.slice(1), {
      env: { ...process.env, BENCH_JWT_SECRET: jwt_secret, BENCH_API_KEY: api_key },
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: (spec.deadline_seconds + 10) * 1000,
    });
    let report = { status: `generator exit ${result.status ?? result.signal}`, figures: {}, problems: [] };
    try {
      report = JSON.parse(readFileSync(out, 'utf8'));
    } catch {
      report.problems.push('no figures written');
    }
    rmSync(out, { force: true });
    return { report, generator_command: generator.join(' '), server_command: command.join(' ').replace(work_dir, '<tmp>') };
  } finally {
    await stop(child);
    if (server_errors.trim()) process.stderr.write(`${server} stderr (last lines):\n${server_errors}\n`);
  }
}

const median = (values) => {
  const sorted = values.filter((v) => typeof v === 'number').sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null;
};
const round2 = (value) => (value === null ? null : Number(value.toFixed(2)));
/**
 * The rounds of `results` whose generator was above 90 % of the cores it may
 * use (nadoo-bench's `generator_bound`): such a figure is partly the
 * generator's own, so it is shown raw and nothing is ranked by it.
 */
const generator_bound_rounds = (results) => (results ?? []).filter((r) => r.report.figures.generator_bound === true).length;

/**
 * fanout_sustained against `server`: the stepped search, as one result whose
 * figures are the highest passing step's, with that rate × members as its
 * headline; `steps` keeps every step and why it failed.
 */
async function run_search(workload, server) {
  const burst = median(runs.fanout?.[server]?.map((r) => r.report.figures.deliveries_per_second) ?? []);
  const start_rate = Math.max(sustained.min_rate, Math.round(burst
    ? (sustained.start_share_of_burst * burst) / sizes.members : sustained.start_rate_without_burst));
  const commands = new Map(); // events/s -> the step's run_one result, for its commands
  const search = await search_sustained(async (rate) => {
    process.stderr.write(`compare: ${workload} against ${server}: ${rate} events/s for ${sustained.hold_seconds} s\n`);
    const result = await run_one(workload, server, rate);
    commands.set(rate, result);
    return result.report;
  }, { ...sustained, start_rate });
  const figures = search.pass
    ? { ...search.pass.report.figures, sustained_events_per_second: search.pass.rate,
      sustained_deliveries_per_second: search.pass.rate * sizes.members }
    : { sustained_events_per_second: null, sustained_deliveries_per_second: null };
  figures.generator_bound = is_generator_bound(search);
  const steps = search.steps.map((step) => ({ events_per_second: step.rate, passed: step.passed, failure: step.failure,
    generator_bound: step.report.figures?.generator_bound === true,
    latency_ms_p99: step.report.figures?.latency_ms_p99 ?? null,
    server_cpu_percent: step.report.figures?.server_cpu_percent ?? null,
    generator_cpu_percent_of_its_cores: step.report.figures?.generator_cpu_percent_of_its_cores ?? null }));
  const shown = commands.get((search.pass ?? search.steps.at(-1)).rate);
  return {
    report: { status: search.pass ? 'ok' : 'no step passed', figures,
      problems: search.pass ? [] : [`no paced rate passed: ${search.steps.map((step) => `${step.rate}/s ${step.failure}`).join('; ')}`] },
    search: { steps, stopped_by: search.stopped_by, start_events_per_second: start_rate },
    generator_command: shown.generator_command,
    server_command: shown.server_command,
  };
}

const started = Date.now();
const runs = {}; // workload -> server -> [result]
for (const workload of chosen_workloads) {
  runs[workload] = {};
  if (workloads[workload].search) {
    for (const server of servers.filter((name) => applies(workload, name))) runs[workload][server] = [await run_search(workload, server)];
    continue;
  }
  for (let round = 1; round <= rounds; round++) {
    for (const server of servers.filter((name) => applies(workload, name))) {
      process.stderr.write(`compare: ${workload} round ${round}/${rounds} against ${server}\n`);
      const result = await run_one(workload, server);
      (runs[workload][server] ??= []).push(result);
    }
  }
}
rmSync(work_dir, { recursive: true, force: true });

const machine = `${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}`;
const latest = { machine, date: new Date().toISOString(), quick: options.quick, rounds, workloads: {} };
let markdown = `# bench/compare — ${latest.date.slice(0, 10)}${options.quick ? ' (--quick)' : ''}\n\n` +
  `Machine: ${machine}. Each server alone on CPU 1 (\`taskset -c 1\`; nadoo-realtime with one I/O thread), ` +
  `the generator \`build/nadoo-bench\` on CPU 0; servers alternate within each round; median of ${rounds} round(s).\n\n` +
  `Command: \`bench/compare${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}\` ` +
  `(${Math.round((Date.now() - started) / 1000)} s)\n`;
const problems = [];
for (const workload of chosen_workloads) {
  const spec = workloads[workload];
  const entry = { unit: spec.unit, higher_is_better: spec.higher_is_better, servers: {}, details: {} };
  const columns = spec.columns ?? [];
  markdown += `\n## ${workload} (${spec.unit}, ${spec.higher_is_better ? 'higher' : 'lower'} is better)\n\n` +
    `| server | median | ratio nadoo / server | server CPU % | generator CPU % of its cores | p99 ms (delivery or connect) |${columns.map(([, label]) => ` ${label} |`).join('')} status |\n` +
    `|---|---|---|---|---|---|${columns.map(() => '---|').join('')}---|\n`;
  const ours = median(runs[workload]['nadoo-realtime']?.map((r) => r.report.figures[spec.headline]) ?? []);
  const ours_bound = generator_bound_rounds(runs[workload]['nadoo-realtime']) > 0;
  let any_bound = false;
  for (const server of servers) {
    if (!applies(workload, server)) {
      // null in latest.json, with the reason beside it; "n/a" in the table.
      entry.servers[server] = null;
      (entry.not_applicable ??= {})[server] = spec.not_applicable;
      markdown += `| ${server} | n/a | — | — | — | — |${columns.map(() => ' — |').join('')} not applicable: ${spec.not_applicable} |\n`;
      continue;
    }
    const results = runs[workload][server];
    const figure = (name) => median(results.map((r) => r.report.figures[name]));
    const value = figure(spec.headline);
    entry.servers[server] = round2(value);
    entry.details[server] = results.map((r) => ({ status: r.report.status, figures: r.report.figures, problems: r.report.problems,
      ...(r.search ? { search: r.search } : {}) }));
    for (const r of results) for (const p of r.report.problems ?? []) problems.push(`${workload} / ${server}: ${p}`);
    // A generator-bound figure (in any round: the median may be that round's)
    // is shown raw, marked, and no ratio is made from it, ours included.
    const bound_rounds = generator_bound_rounds(results);
    const bound_known = results.some((r) => typeof r.report.figures.generator_bound === 'boolean');
    (entry.generator_bound ??= {})[server] = bound_known ? bound_rounds > 0 : null; // null: not measured (idle)
    any_bound ||= bound_rounds > 0;
    const bound_mark = bound_rounds > 0 ? ` (generator-bound${results.length > 1 ? `, ${bound_rounds} of ${results.length} rounds` : ''})` : '';
    const ratio = ours !== null && value && !ours_bound && !bound_rounds
      ? (spec.higher_is_better ? ours / value : value / ours) : null;
    const ratio_cell = server === 'nadoo-realtime' ? '—'
      : bound_rounds ? 'generator-bound'
        : ours_bound ? 'generator-bound (nadoo-realtime)'
          : ratio === null ? '—' : round2(ratio);
    const p99 = figure('latency_ms_p99') ?? figure('connect_ms_p99');
    markdown += `| ${server} | ${value === null ? '—' : round2(value).toLocaleString('en-US')}${bound_mark} | ` +
      `${ratio_cell} | ${round2(figure('server_cpu_percent')) ?? '—'} | ` +
      `${round2(figure('generator_cpu_percent_of_its_cores') ?? figure('generator_cpu_percent')) ?? '—'} | ${round2(p99) ?? '—'} |` +
      columns.map(([name, , digits]) => ` ${figure(name) === null ? '—' : figure(name).toLocaleString('en-US', { maximumFractionDigits: digits ?? 0 })} |`).join('') +
      ` ${results.map((r) => r.report.status).join(', ')} |\n`;
    for (const [name, , digits] of columns) {
      const value = figure(name);
      (entry[name] ??= {})[server] = value === null ? null : Number(value.toFixed(Math.max(2, digits ?? 0)));
    }
  }
  if (any_bound && !spec.search) { // a search says its own (search_notes)
    markdown += '\nGenerator-bound: in that server\'s round(s) the generator was above 90 % of the cores it may use ' +
      '(its affinity mask: CPU 0 alone here), so the figure is partly the generator\'s; it is shown raw and no ratio ' +
      'is computed or ranked from it.\n';
  }
  if (spec.search) {
    markdown += search_notes({ bounds: sustained, members: sizes.members, quick: options.quick,
      searches: servers.filter((name) => applies(workload, name)).map((name) => [name, runs[workload][name][0].search]) });
    entry.search = { members: sizes.members, ...sustained };
  }
  if (spec.count_server_syscalls) {
    markdown += syscalls_counted
      ? '\nWrite syscalls: the server\'s `write`, `writev`, `sendmsg` and `sendto` calls from the first event sent to the last ' +
        'delivery (`perf stat` on the syscalls tracepoints, switched on and off through its control FIFO); bytes per call ' +
        'are the delivered frames\' bytes over them.\n'
      : '\nWrite syscalls: not counted (`perf stat -e syscalls:sys_enter_write` does not work here: needs perf and root).\n';
  }
  const example = runs[workload]['nadoo-realtime']?.[0] ?? Object.values(runs[workload])[0][0];
  markdown += `\nGenerator: \`BENCH_JWT_SECRET=<random> BENCH_API_KEY=<random> ${example.generator_command.replace(/--server-pid \d+/, '--server-pid <pid>').replace(/--out \S+/, '--out <tmp>')}\`\n`;
  for (const server of servers.filter((name) => applies(workload, name))) {
    markdown += `- ${server}: \`JWT_SECRET=<random> ${runs[workload][server][0].server_command}\`\n`;
  }
  latest.workloads[workload] = entry;
}
if (problems.length) markdown += `\n## Problems\n\n${problems.map((p) => `- ${p}`).join('\n')}\n`;

const files = result_files({ date: latest.date, quick: options.quick, workloads: options.workloads,
  servers: options.servers });
writeFileSync(files.table, markdown);
if (files.writes_latest) writeFileSync('bench/results/latest.json', `${JSON.stringify(latest, null, 2)}\n`);
process.stdout.write(`${markdown}\nwritten: ${files.table}${files.writes_latest ? ', bench/results/latest.json' : ''}\n`);
process.exitCode = problems.length ? 1 : 0;

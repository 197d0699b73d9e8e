// Report writer of bench/peers/fanout: the peers' workspace-fanout figures in
// one table, each peer's library version and exact commands, optionally
// beside an earlier nadoo-realtime result, to bench/results/peers-fanout-DATE-HHMM.{json,md}.
// Usage: node fanout_report.mjs WORK_DIR RESULTS_DIR REFERENCE.json,…|'' PEER…   (BENCH_COMMAND: the driver's command)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { machine_description, machine_markdown, show, write_result_files } from '../load/bench_common.mjs';

const [work_dir, results_dir, reference_paths, ...peers] = process.argv.slice(2);
const date = new Date().toISOString();

const npm_version = (peer, name) =>
  JSON.parse(readFileSync(new URL(`./${peer}/node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
const debian_version = (name) => execFileSync('dpkg-query', ['-W', '-f=${Version}', name], { encoding: 'utf8' });
const library_of = {
  'node-ws': () => `ws ${npm_version('node-ws', 'ws')} (npm), Node ${process.version}`,
  uws: () => `uWebSockets.js ${npm_version('uws', '@trufflesuite/uws-js-unofficial')} (npm, uws_linux_x64_115.node), Node ${process.version}`,
  'python-websockets': () => `websockets ${debian_version('python3-websockets')} (Debian)`,
  fastapi: () =>
    `FastAPI ${debian_version('python3-fastapi')}, uvicorn ${debian_version('python3-uvicorn')}, uvloop ${debian_version('python3-uvloop')}, httptools ${debian_version('python3-httptools')} (Debian)`,
};

const read_text = (name) => readFileSync(join(work_dir, name), 'utf8').trim();
const runs = peers.map((peer) => {
  const raw_path = join(work_dir, `raw-${peer}.json`);
  const raw = existsSync(raw_path) ? JSON.parse(readFileSync(raw_path, 'utf8')) : { status: 'no results', problems: [], figures: {} };
  return {
    server: peer,
    library: library_of[peer](),
    status: raw.status,
    problems: raw.problems,
    figures: raw.figures ?? {},
    settings: raw.settings,
    server_command: read_text(`server-command-${peer}`),
    generator_command: read_text(`generator-command-${peer}`),
    load_average_1min_before: Number(read_text(`load-before-${peer}`)),
  };
});
for (const reference_path of reference_paths.split(',').filter(Boolean).reverse()) {
  const reference = JSON.parse(readFileSync(reference_path, 'utf8'));
  runs.unshift({
    server: `nadoo-realtime (${basename(reference_path, '.json')})`,
    library: `${reference.server_version}, run by bench/workspace_fanout.sh at ${reference.date}`,
    status: reference.status,
    problems: reference.problems,
    figures: reference.figures,
    settings: reference.settings,
    server_command: reference.server_command,
    generator_command: reference.generator_command,
  });
}

const report = { benchmark: 'peers-fanout', date, command: process.env.BENCH_COMMAND, runs, machine: machine_description() };
const columns = [
  ['deliveries/s', 'deliveries_per_second'],
  ['deliveries', 'deliveries'],
  ['p50 ms', 'latency_ms_p50'],
  ['p99 ms', 'latency_ms_p99'],
  ['server CPU %', 'server_cpu_percent'],
  ['generator CPU %', 'generator_cpu_percent'],
  ['server RSS after, KiB', 'server_rss_after_kib'],
];
const row_of = (run) => [...columns.map(([, field]) => run.figures[field]), run.load_average_1min_before];
const table = [
  `| server | status | ${columns.map(([title]) => title).join(' | ')} | load avg before |`,
  `|---|---|${columns.map(() => '---:').join('|')}|---:|`,
  ...runs.map((run) => `| ${run.server} | ${run.status} | ${row_of(run).map(show).join(' | ')} |`),
].join('\n');
const details = runs
  .map(
    (run) => `### ${run.server}

${run.library}${run.problems?.length ? `\n\nProblems:\n${run.problems.map((problem) => `- ${problem}`).join('\n')}` : ''}

- Server: \`${run.server_command}\`
- Generator: \`${run.generator_command}\``,
  )
  .join('\n\n');

const markdown = `# peers-fanout — ${date.slice(0, 16).replace('T', ' ')} UTC

One workspace, ${show(runs.at(-1)?.settings?.members)} members, one publisher sending ${show(runs.at(-1)?.settings?.events)} \`document_updated\` events flat out; server on CPU 1, the Node generator on CPU 0.
Indicative: the Node generator saturates near 80–130k deliveries/s, so servers faster than that cannot be told apart here.

${table}

Command: \`${report.command}\`

${details}

${machine_markdown(report.machine)}
`;

const stamp = date.slice(0, 16).replace('T', '-').replace(':', '');
write_result_files(results_dir, `peers-fanout-${stamp}`, report, markdown);

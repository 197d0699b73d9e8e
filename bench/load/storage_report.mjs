// Turns bench/storage.sh's two raw results (one per store) into
// bench/results/storage-DATE-TIME.{json,md}: every figure side by side, the
// targets of issue 11 checked, the exact commands, the servers' exits and the
// machine. Usage: node storage_report.mjs SQLITE.json POSTGRESQL.json RESULTS_DIR
// (context in BENCH_* variables: BENCH_COMMAND, BENCH_SERVER_VERSION,
// BENCH_POSTGRES_VERSION, and BENCH_{SQLITE,POSTGRESQL}_{SERVER_COMMAND,
// GENERATOR_COMMAND,SERVER_EXIT,SERVER_STOP_SECONDS,SERVER_LOG_LINES}).
import { readFileSync } from 'node:fs';
import { machine_description, machine_markdown, show, write_result_files } from './bench_common.mjs';

const [sqlite_path, postgresql_path, results_dir] = process.argv.slice(2);
const stores = ['sqlite', 'postgresql'];
const raw = Object.fromEntries([sqlite_path, postgresql_path].map((path, i) => [stores[i], JSON.parse(readFileSync(path, 'utf8'))]));
const date = new Date().toISOString();

const context = (store) => {
  const variable = (name) => process.env[`BENCH_${store.toUpperCase()}_${name}`];
  return {
    server_command: variable('SERVER_COMMAND'),
    generator_command: variable('GENERATOR_COMMAND'),
    server_shutdown: {
      exit_status: variable('SERVER_EXIT'),
      seconds_after_sigterm: Number(variable('SERVER_STOP_SECONDS')),
      warnings_logged: Number(variable('SERVER_LOG_LINES')),
    },
  };
};

// The targets on this machine (issue 11): PostgreSQL at least 10,000
// notification publishes/s; response_start p99 under 10 ms on both stores.
const targets = [
  { store: 'postgresql', phase: 'notifications', figure: 'per_second', met: (v) => v >= 10000, says: '≥ 10,000/s' },
  ...stores.map((store) => ({ store, phase: 'chats', figure: 'response_start_ms_p99', met: (v) => v < 10, says: '< 10 ms' })),
];
const checked = targets.map((t) => ({ ...t, value: raw[t.store][t.phase]?.[t.figure] ?? null })).map((t) => ({ ...t, met: t.value !== null && t.met(t.value) }));

const phases = ['notifications', 'events', 'chats', 'chats_over_one_second'];
const rows = phases.flatMap((phase) => {
  const names = [...new Set(stores.flatMap((store) => Object.keys(raw[store][phase] ?? {})))];
  return names.map((name) => `| ${phase.replaceAll('_', ' ')} | ${name.replaceAll('_', ' ')} | ${stores.map((store) => show(raw[store][phase]?.[name])).join(' | ')} |`);
});

const report = {
  benchmark: 'storage',
  date,
  command: process.env.BENCH_COMMAND,
  server_version: process.env.BENCH_SERVER_VERSION,
  postgres_version: process.env.BENCH_POSTGRES_VERSION,
  targets: checked.map(({ store, phase, figure, says, value, met }) => ({ store, phase, figure, target: says, value, met })),
  runs: Object.fromEntries(stores.map((store) => [store, { ...raw[store], ...context(store) }])),
  machine: machine_description(),
};

const status_lines = stores.map((store) => {
  const { status, problems } = raw[store];
  return `- ${store}: **${status}**${problems.length ? ` (${problems.join('; ')})` : ''}`;
});
const command_lines = stores.flatMap((store) => {
  const { server_command, generator_command, server_shutdown: s } = context(store);
  return [
    `- ${store} server: \`${server_command}\`; exit ${s.exit_status} ${s.seconds_after_sigterm} s after SIGTERM, ${s.warnings_logged} log lines at warn and above`,
    `- ${store} generator: \`${generator_command}\``,
  ];
});

const markdown = `# storage — ${date.slice(0, 16).replace('T', ' ')} UTC

${status_lines.join('\n')}

| phase | figure | SQLite | PostgreSQL |
|---|---|---|---|
${rows.join('\n')}

Targets:

${checked.map((t) => `- ${t.store} ${t.phase} ${t.figure.replaceAll('_', ' ')} ${t.says}: ${show(t.value)} — ${t.met ? 'met' : '**not met**'}`).join('\n')}

Settings: ${Object.entries(raw.sqlite.settings).filter(([name]) => name !== 'store').map(([name, value]) => `${name.replaceAll('_', ' ')} ${show(value)}`).join(', ')}

Command: \`${report.command}\` (${report.server_version}; ${report.postgres_version}, fsync on)

${command_lines.join('\n')}

${machine_markdown(report.machine)}
`;

// To the second: runs of one minute must not overwrite each other.
const stamp = date.slice(0, 19).replace('T', '-').replaceAll(':', '');
write_result_files(results_dir, `storage-${stamp}`, report, markdown);

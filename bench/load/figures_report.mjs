// Turns a generator's raw JSON into bench/results/BENCHMARK-DATE-TIME.{json,md}:
// every figure in a table (figure names carry their unit), the settings, the
// exact commands, the server's exit and the machine. For benchmarks whose
// figures need no further explanation (plugin_ingest).
// Usage: node figures_report.mjs RAW.json RESULTS_DIR   (context in BENCH_* variables)
import { readFileSync } from 'node:fs';
import { machine_markdown, report_with_run_context, show, status_markdown, write_result_files } from './bench_common.mjs';

const [raw_path, results_dir] = process.argv.slice(2);
const raw = JSON.parse(readFileSync(raw_path, 'utf8'));
const date = new Date().toISOString();

const report = report_with_run_context(raw, date);

const rows = (object) =>
  Object.entries(object ?? {})
    .map(([name, value]) => `| ${name.replaceAll('_', ' ')} | ${typeof value === 'number' ? show(value) : JSON.stringify(value)} |`)
    .join('\n');

const markdown = `# ${raw.benchmark} — ${date.slice(0, 16).replace('T', ' ')} UTC

${status_markdown(raw)}

| figure | value |
|---|---|
${rows(raw.figures)}

Settings:

| setting | value |
|---|---|
${rows(raw.settings)}

Command: \`${report.command}\`

Server: \`${report.server_command}\` (${report.server_version}); exit ${report.server_shutdown.exit_status} ${report.server_shutdown.seconds_after_sigterm} s after SIGTERM, ${report.server_shutdown.warnings_logged} log lines at warn and above

Generator: \`${report.generator_command}\`

${machine_markdown(report.machine)}
`;

const stamp = date.slice(0, 16).replace('T', '-').replace(':', '');
write_result_files(results_dir, `${raw.benchmark}-${stamp}`, report, markdown);

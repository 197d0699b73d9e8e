// Turns chat_latency.mjs's raw JSON into bench/results/chat-latency-DATE-….{json,md}
// with the exact commands, date and machine, and prints the markdown.
// Usage: node chat_latency_report.mjs RAW.json RESULTS_DIR   (context in BENCH_* variables)
// Given a results JSON it wrote before (no BENCH_* variables), it writes that
// run's files again, e.g. after a change to this report.
import { readFileSync } from 'node:fs';
import { machine_description, machine_markdown, server_shutdown_from_env, show, status_markdown, write_result_files } from './bench_common.mjs';

const [raw_path, results_dir] = process.argv.slice(2);
const raw = JSON.parse(readFileSync(raw_path, 'utf8'));
const date = raw.date ?? new Date().toISOString();
const day = date.slice(0, 10);
const { settings } = raw;
const I = settings.interval_ms;

const report = {
  ...raw,
  date,
  command: process.env.BENCH_COMMAND ?? raw.command,
  server_command: process.env.BENCH_SERVER_COMMAND ?? raw.server_command,
  fake_command: process.env.BENCH_FAKE_COMMAND ?? raw.fake_command,
  generator_command: process.env.BENCH_GENERATOR_COMMAND ?? raw.generator_command,
  server_version: process.env.BENCH_SERVER_VERSION ?? raw.server_version,
  server_build: process.env.BENCH_SERVER_BUILD ?? raw.server_build,
  load_average_before: process.env.BENCH_LOAD_BEFORE ?? raw.load_average_before,
  server_shutdown: raw.server_shutdown ?? server_shutdown_from_env(),
  machine: raw.machine ?? machine_description(),
};

/** K, and for K = 1 how many single streams ran one after another. */
const k_label = (round) => (round.server.streams > round.sessions ? `${show(round.sessions)} (×${round.server.streams} in turn)` : show(round.sessions));
const pair = (d) => (d && d.count ? `${show(d.p50)} / ${show(d.p99)}` : '—');
const fake_rounds = raw.rounds.filter((r) => r.provider !== 'builtin');
const builtin_rounds = raw.rounds.filter((r) => r.provider === 'builtin');

function latency_table(rounds, with_direct) {
  const head = with_direct
    ? '| K | complete | first delta via server p50 / p99 | first delta direct p50 / p99 | send → response_start p50 / p99 | response_start → first delta p50 / p99 | \\|gap − I\\| via server p50 / p99 | \\|gap − I\\| server stamps p50 / p99 | \\|gap − I\\| direct p50 / p99 | \\|gap − I\\| once all streaming, via server / direct p99 | server stamp → client p50 / p99 | on time |\n|---|---|---|---|---|---|---|---|---|---|---|---|'
    : '| K | complete | first delta p50 / p99 | send → response_start p50 / p99 | \\|gap − I\\| p50 / p99 | \\|gap − I\\| server stamps p50 / p99 | \\|gap − I\\| once all streaming p50 / p99 | server stamp → client p50 / p99 | on time |\n|---|---|---|---|---|---|---|---|---|';
  const rows = rounds.map((round) => {
    const { server: s, direct: d } = round;
    return with_direct
      ? `| ${k_label(round)} | ${s.complete_streams}/${s.streams} | ${pair(s.first_delta_ms)} | ${pair(d?.first_delta_ms)} | ${pair(s.response_start_ms)} | ${pair(s.response_start_to_first_delta_ms)} | ${pair(s.gap_error_ms)} | ${pair(s.server_stamp_gap_error_ms)} | ${pair(d?.gap_error_ms)} | ${show(s.steady_gap_error_ms.p99)} / ${show(d?.steady_gap_error_ms.p99)} | ${pair(s.delivery_lag_ms)} | ${s.on_time ? 'yes' : '**no**'}${d && !d.on_time ? ' (direct: no)' : ''} |`
      : `| ${k_label(round)} | ${s.complete_streams}/${s.streams} | ${pair(s.first_delta_ms)} | ${pair(s.response_start_ms)} | ${pair(s.gap_error_ms)} | ${pair(s.server_stamp_gap_error_ms)} | ${pair(s.steady_gap_error_ms)} | ${pair(s.delivery_lag_ms)} | ${s.on_time ? 'yes' : '**no**'} |`;
  });
  return [head, ...rows].join('\n');
}

function cpu_table(rounds) {
  const head =
    '| K | round | server avg / peak | fake avg / peak | generator avg / peak | CPU 0 busy avg / peak | CPU 1 busy avg / peak | not charged to these processes, CPU 0 / 1 | cores busy just before | generator loop delay p99 / max | round length | attempts |\n|---|---|---|---|---|---|---|---|---|---|---|---|';
  const rows = [];
  for (const round of rounds) {
    for (const name of ['direct', 'server']) {
      const f = round[name];
      if (!f) continue;
      const a = f.cpu.average_percent;
      const p = f.cpu.peak_250ms_percent;
      const label = round.provider === 'builtin' ? 'server (builtin)' : name;
      rows.push(
        `| ${k_label(round)} | ${label} | ${a.server} / ${p.server} % | ${a.fake} / ${p.fake} % | ${a.generator} / ${p.generator} % | ${a.cpu0_busy} / ${p.cpu0_busy} % | ${a.cpu1_busy} / ${p.cpu1_busy} % | ${f.unattributed_core_percent.cpu0} / ${f.unattributed_core_percent.cpu1} % | ${f.quiet_before.busy_percent.join(' / ')} %${f.quiet_before.waited_s > 1.5 ? ` (waited ${f.quiet_before.waited_s} s)` : ''} | ${show(f.generator_event_loop_delay_ms.p99)} / ${show(f.generator_event_loop_delay_ms.max)} ms | ${f.cpu.seconds} s | ${f.attempts ?? 1}${f.solo_reruns ? ` (${f.solo_reruns} single streams again)` : ''} |`,
      );
    }
  }
  return [head, ...rows].join('\n');
}

/** Where the deltas stopped being on time, and which side was out of CPU then. */
function verdict(rounds, what, has_upstream) {
  if (rounds.length === 0) return '';
  const late = rounds.find((r) => !r.server.on_time);
  const lines = [];
  // The largest K on time below the first that is not (a larger one may be on time again by chance).
  const largest = rounds.filter((r) => r.server.on_time && (!late || r.sessions < late.sessions)).at(-1);
  if (largest) {
    lines.push(
      `- ${what}: deltas on time up to **K = ${show(largest.sessions)}** (p99 |gap − ${I}| = ${largest.server.gap_error_ms.p99} ms ≤ ${settings.on_time_ms} ms); time to first delta there p50 ${largest.server.first_delta_ms.p50} ms, p99 ${largest.server.first_delta_ms.p99} ms.`,
    );
  }
  if (late) {
    const s = late.server;
    const a = s.cpu.average_percent;
    const p = s.cpu.peak_250ms_percent;
    // Every observation that bears on the cause, most telling first.
    const facts = [];
    const d = late.direct;
    if (d && !d.on_time) {
      facts.push(
        `the fake and the client alone were late too (direct round p99 ${d.gap_error_ms.p99} ms, once all streaming ${d.steady_gap_error_ms.p99} ms; CPU 0 busy ${d.cpu.average_percent.cpu0_busy} % on average, ${d.cpu.peak_250ms_percent.cpu0_busy} % peak): the rig's core shares the blame`,
      );
    }
    if (s.complete_streams === s.streams && s.steady_gap_error_ms.p99 <= settings.on_time_ms) {
      facts.push(
        `late only while chats were being set up (${show(late.sessions)} in ${settings.ramp_ms} ms; send → response_start p50 ${s.response_start_ms.p50} ms, p99 ${s.response_start_ms.p99} ms; server CPU peak ${p.server} %); once all were streaming they kept the beat`,
      );
    }
    if (s.server_stamp_gap_error_ms.p99 > settings.on_time_ms) {
      facts.push(
        `the server's own timestamps were already off the beat (p99 ${s.server_stamp_gap_error_ms.p99} ms), so ${has_upstream ? "the delay came before the server's event (the fake's sending, the loopback, the server's reading) or in the server" : 'the server made them late'} (server CPU ${a.server} % on average, ${p.server} % peak)`,
      );
    } else {
      facts.push(
        `the server made the events on the beat (server stamps p99 ${s.server_stamp_gap_error_ms.p99} ms) but they arrived off it (server stamp → client p99 ${s.delivery_lag_ms.p99} ms): the server's writes, the loopback or the client (server ${a.server} % CPU, ${p.server} % peak; generator ${a.generator} %, its event loop delayed p99 ${s.generator_event_loop_delay_ms.p99} ms, max ${s.generator_event_loop_delay_ms.max} ms — a stall as long as the lateness is the client's, e.g. a garbage collection)`,
      );
    }
    const why = facts.join('; ');
    lines.push(
      `- ${what}: **not on time from K = ${show(late.sessions)}** (p99 |gap − ${I}| = ${s.gap_error_ms.p99} ms, ${s.late_gaps_over_on_time_ms.toLocaleString('en-US')} of ${s.gap_error_ms.count.toLocaleString('en-US')} gaps over ${settings.on_time_ms} ms; once all ${show(late.sessions)} were streaming p99 ${s.steady_gap_error_ms.p99} ms; ${s.complete_streams}/${s.streams} complete): ${why}.`,
    );
  } else {
    lines.push(`- ${what}: on time at every K measured.`);
  }
  // The same once every stream of a round had started: streaming alone, without chats being set up.
  const steady_on_time = (r) => r.server.complete_streams === r.server.streams && r.server.steady_gap_error_ms.p99 <= settings.on_time_ms;
  const steady_late = rounds.find((r) => !steady_on_time(r));
  const steady_largest = rounds.filter((r) => steady_on_time(r) && (!steady_late || r.sessions < steady_late.sessions)).at(-1);
  if (steady_late) {
    const s = steady_late.server;
    const d = steady_late.direct;
    lines.push(
      `- ${what}, once every stream had started: on time up to K = ${steady_largest ? show(steady_largest.sessions) : '—'}${steady_largest ? ` (p99 ${steady_largest.server.steady_gap_error_ms.p99} ms)` : ''}; from K = ${show(steady_late.sessions)} p99 ${s.steady_gap_error_ms.p99} ms, server CPU ${s.cpu.average_percent.server} % on average, ${s.cpu.peak_250ms_percent.server} % peak${d ? `; the fake alone (direct) p99 ${d.steady_gap_error_ms.p99} ms` : ''}.`,
    );
  } else {
    lines.push(`- ${what}, once every stream had started: on time at every K measured${steady_largest ? ` (K = ${show(steady_largest.sessions)}: p99 ${steady_largest.server.steady_gap_error_ms.p99} ms)` : ''}.`);
  }
  return lines.join('\n');
}

/** Where the fake and the client alone (the direct round) fell off the beat. */
function rig_limit() {
  const late = fake_rounds.find((r) => r.direct && !r.direct.on_time);
  if (!settings.direct_baseline) return 'it was skipped in this run (--skip-direct).';
  if (!late) return 'the fake and the client alone stayed on time at every K measured.';
  const a = late.direct.cpu.average_percent;
  const p = late.direct.cpu.peak_250ms_percent;
  return `the fake and the client alone fell off the beat from K = ${show(late.sessions)} (${show(late.sessions * (1000 / I))} deltas/s; p99 |gap − ${I}| = ${late.direct.gap_error_ms.p99} ms; CPU 0 busy ${a.cpu0_busy} % on average, ${p.cpu0_busy} % peak).`;
}

const first = fake_rounds.find((r) => r.sessions === 1);
const headline = first
  ? `- K = 1 (${first.server.streams} single streams in turn): first delta p50 ${first.server.first_delta_ms.p50} ms, p99 ${first.server.first_delta_ms.p99} ms after \`chat\` (the fake alone, asked directly by the same client: p50 ${first.direct?.first_delta_ms.p50 ?? '—'} ms, p99 ${first.direct?.first_delta_ms.p99 ?? '—'} ms).`
  : '';

const markdown = `# Chat latency — ${day}, ${settings.tokens} tokens every ${I} ms, K = ${settings.sessions.join(', ')}${builtin_rounds.length ? ` (builtin: ${settings.builtin_sessions.join(', ')})` : ''}

${status_markdown(raw)}

${[headline, verdict(fake_rounds, 'OpenAI provider (fake upstream)', true), verdict(builtin_rounds, 'builtin provider (no upstream)', false)].filter(Boolean).join('\n')}

## Latency (ms), OpenAI provider streaming from the fake

${latency_table(fake_rounds, settings.direct_baseline)}
${builtin_rounds.length ? `\n## Latency (ms), builtin provider (demo application, \`--builtin-token-interval-ms ${I}\`)\n\n${latency_table(builtin_rounds, false)}\n` : ''}
## CPU (% of one core; 250 ms samples)

${cpu_table(raw.rounds)}

## How to read it

- K sessions, one WebSocket and one \`chat\` each, the chats started evenly over ${settings.ramp_ms} ms; every stream is ${settings.tokens} tokens ${I} ms apart (\`${settings.model}\`), so all K stream at once for about ${(settings.tokens * I - settings.ramp_ms) / 1000} s, ${(1000 / I).toLocaleString('en-US')} deltas/s each. K = 1 runs ${settings.solo_repeats} single streams one after another, one sample each. ${settings.warmup_sessions} unrecorded streams of each kind warm up first.
- **first delta**: \`chat\` sent → first \`text-delta\` at the client (\`performance.now()\`). The fake sends its first token as soon as it has read the request, so this is the server (parse, store the question, connect and send upstream, relay) plus the fake's own handling plus loopback and the client. **direct**: the same client asks the fake itself (a raw socket, a new connection per stream as the server makes) on the same schedule: the fake's and the client's own share. Via-server minus direct estimates what the server adds (the two clients differ: a WebSocket frame on an open connection against a new TCP connection and an HTTP request).
- **|gap − I|**: for each pair of consecutive deltas of a stream, how far their arrival gap was from the upstream's ${I} ms. **On time** means every stream completed and the p99 of this is at most ${settings.on_time_ms} ms. **server stamps**: the same from the \`timestamp\` the server wrote into each delta (1 ms resolution), i.e. the beat at which the server made the events, before its writes; **once all streaming**: only the gaps after the last stream of the round had its first delta, when no chat was being set up any more (the chats' setup — storing the question, retrieval, the upstream request — competes with the running streams during the ramp); **server stamp → client**: client wall clock at arrival minus that timestamp (1 ms resolution).
- CPU: the server alone on CPU 1; the fake (Python, one asyncio process) and the generator (one Node process) share CPU 0. "CPU 0/1 busy" is the whole core from /proc/stat, kernel softirq work (loopback delivery) included; what it holds beyond the three processes is kernel softirq work (loopback delivery, not charged to a process) or load from outside the benchmark. Other helpers' builds and tests share this machine, so before each round the generator waits (60 s at most) until both cores are at most 10 % busy for a second, and runs a round again (3 attempts at most) when the cores' time not charged to its three processes exceeded 20 % of a core on average or 35 % in one 250 ms sample (for K = 1, a single stream is run again instead); what could not be had clean is listed under Problems (load average before the run: ${report.load_average_before}).
- **Limits of this rig**: one core runs both the Python fake and the Node client, so their own delays grow with K, and the two contend for that core's time slices well before it is 100 % busy. The direct round measures this: ${rig_limit()} Beyond that K the OpenAI-provider figures describe the rig as much as the server. The builtin rounds take the fake out (the server makes the tokens itself, the generator is alone on CPU 0) and show the server's own ceiling.

Command: \`${report.command}\`

Server: \`${report.server_command}\`

Fake upstream: \`${report.fake_command}\`

Generator: \`${report.generator_command}\`

${machine_markdown(report.machine)}; ${report.server_version} (${report.server_build ?? 'build not recorded'}). Server exit after SIGTERM: ${report.server_shutdown.exit_status} in ${report.server_shutdown.seconds_after_sigterm} s, ${report.server_shutdown.warnings_logged} log lines at warn+.
`;

const largest = Math.max(...settings.sessions, ...(settings.builtin_sessions ?? []));
// The time of day too: runs are repeated to see the spread, and each keeps its files.
const minute = date.slice(11, 16).replace(':', '');
write_result_files(results_dir, `chat-latency-${day}-${minute}-t${settings.tokens}-i${I}-k${largest}`, report, markdown);

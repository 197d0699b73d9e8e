// The stepped search of bench/compare's fanout_sustained workload: the highest
// paced event rate a server holds with delivery p99 under a limit. No I/O: the
// caller runs each step (a fresh server, `nadoo-bench fanout --rate R`) and
// this decides whether it passed and which rate comes next. See bench/README.md.

const generator_mark = (figures) => ` (generator-bound, ${figures.generator_cpu_percent_of_its_cores} %)`;

/** Why a step at `rate` events/s did not pass, or null when it passed. */
export function step_failure(report, rate, { p99_limit_ms, paced_share }) {
  const figures = report.figures ?? {};
  if (report.status !== 'ok' || (report.problems ?? []).length) {
    return `${report.status}${report.problems?.length ? `: ${report.problems[0]}` : ''}`;
  }
  if (figures.deliveries !== figures.deliveries_expected) {
    return `${figures.deliveries} of ${figures.deliveries_expected} delivered`;
  }
  // A generator above 90 % of its cores (generator_bound) is judged like any
  // other step: its own lateness only adds to the p99, so a pass is still a
  // rate the server held; a fail may be the generator's, which
  // is_generator_bound below says of the search.
  if (!(figures.latency_ms_p99 < p99_limit_ms)) {
    return `p99 ${figures.latency_ms_p99} ms${figures.generator_bound === true ? generator_mark(figures) : ''}`;
  }
  // The publisher waits for its socket when the server stops reading: then the
  // rate was not held, whatever the latency of what did get through.
  if (!(figures.events_per_second_published >= paced_share * rate)) {
    return `published ${Math.round(figures.events_per_second_published)} events/s`;
  }
  return null;
}

/**
 * Whether a search's figure is partly the generator's: its passing step, or
 * the failing step above it, had the generator above 90 % of its cores. The
 * server may then hold more than the figure, which is shown but not ranked.
 */
export function is_generator_bound(search) {
  return [search.pass, search.fail].some((step) => step?.report.figures?.generator_bound === true);
}

/**
 * Runs the search: from `start_rate` multiply by `growth` while steps pass
 * (divide while they fail and none has passed yet), then bisect
 * (geometric mean) between the highest pass and the lowest fail. Stops after
 * `max_steps` steps, `max_bisect_steps` bisections, once the two are within
 * `resolution` of each other, or when `max_seconds` have gone by before a step
 * would start. `run_step(rate)` resolves to a nadoo-bench report.
 * Resolves to { pass (the highest passing step or null), steps, stopped_by }.
 */
export async function search_sustained(run_step, bounds) {
  const { start_rate, growth, min_rate, max_steps, max_bisect_steps, resolution, max_seconds } = bounds;
  const started = Date.now();
  const steps = [];
  let pass = null; // highest passing step
  let fail = null; // lowest failing step
  let bisections = 0;
  let rate = start_rate;
  for (;;) {
    const report = await run_step(rate);
    const failure = step_failure(report, rate, bounds);
    const step = { rate, passed: failure === null, failure, report };
    steps.push(step);
    if (step.passed && (!pass || rate > pass.rate)) pass = step;
    if (!step.passed && (!fail || rate < fail.rate)) fail = step;

    if (steps.length >= max_steps) return { pass, fail, steps, stopped_by: `${max_steps} steps` };
    if ((Date.now() - started) / 1000 >= max_seconds) return { pass, fail, steps, stopped_by: `${max_seconds} s` };
    if (!fail) {
      rate = pass.rate * growth;
    } else if (!pass) {
      rate = fail.rate / growth;
      if (rate < min_rate) return { pass, fail, steps, stopped_by: `no pass down to ${min_rate} events/s` };
    } else {
      if (fail.rate / pass.rate <= 1 + resolution) {
        return { pass, fail, steps, stopped_by: `within ${resolution * 100} %` };
      }
      if (bisections >= max_bisect_steps) return { pass, fail, steps, stopped_by: `${max_bisect_steps} bisections` };
      bisections++;
      rate = Math.sqrt(pass.rate * fail.rate);
    }
    rate = Math.round(rate);
  }
}

/** The report's reading of the search and every server's steps, under its table (markdown). */
export function search_notes({ bounds, members, quick, searches }) {
  let text = `\nThe highest rate of a stepped search whose step delivered every event to all ${members} members ` +
    `at delivery p99 under ${bounds.p99_limit_ms} ms for ${bounds.hold_seconds} s` +
    `${quick ? ' (--quick; the full run holds 10 s)' : ''}, with the publisher at ≥ ${bounds.paced_share * 100} % ` +
    'of the asked rate; × members = deliveries/s. ' +
    `It starts at ${bounds.start_share_of_burst * 100} % of the server's fanout burst events/s ` +
    `(${bounds.start_rate_without_burst} without one), ×${bounds.growth} while steps pass, then bisects; at most ` +
    `${bounds.max_steps} steps, ${bounds.max_bisect_steps} bisections and ${bounds.max_seconds} s per server, one ` +
    'search per server (rounds do not apply). The other columns are the passing step\'s. Marked generator-bound: ' +
    'the generator was above 90 % of its core in the passing step or in the failing step above it, so part of the ' +
    'lateness was the generator\'s and the server may hold more; such a figure is shown but not ranked.\n\n' +
    'Steps (events/s: ✓ passed, ✗ why not; ⚙ the generator above 90 % of its core):\n';
  for (const [server, search] of searches) {
    const steps = search.steps.map((step) => `${step.events_per_second} ` +
      (step.passed ? `✓ (p99 ${step.latency_ms_p99} ms)` : `✗ ${step.failure}`) +
      (step.generator_bound ? ' ⚙' : ''));
    text += `- ${server}: ${steps.join(' → ')}; stopped: ${search.stopped_by}\n`;
  }
  return text;
}

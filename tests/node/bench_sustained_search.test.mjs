// bench/compare's fanout_sustained search (bench/lib/sustained_search.mjs)
// against a fake server that holds any rate up to a limit: no server, no I/O.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { is_generator_bound, search_sustained, step_failure } from '../../bench/lib/sustained_search.mjs';

const bounds = {
  start_rate: 100, growth: 2, min_rate: 5, max_steps: 9, max_bisect_steps: 4, resolution: 0.1, max_seconds: 60,
  p99_limit_ms: 50, paced_share: 0.95,
};

/** A nadoo-bench report of a step at `rate` against a server that holds `limit` events/s. */
const report_at = (limit, { bound_above = Infinity } = {}) => (rate) => ({
  status: 'ok',
  problems: [],
  figures: { deliveries: 10, deliveries_expected: 10, events_per_second_published: rate,
    latency_ms_p99: rate <= limit ? 5 : 200, generator_bound: rate > bound_above,
    generator_cpu_percent_of_its_cores: rate > bound_above ? 95 : 50 },
});

test('climbs_by_the_growth_factor_then_bisects_to_the_highest_rate_held', async () => {
  const search = await search_sustained(async (rate) => report_at(1000)(rate), bounds);
  assert.deepEqual(search.steps.slice(0, 5).map((step) => step.rate), [100, 200, 400, 800, 1600]);
  assert.ok(search.pass.rate <= 1000 && search.pass.rate >= 800, `${search.pass.rate}`);
  assert.ok(search.steps.length <= bounds.max_steps);
  assert.equal(search.fail.failure, 'p99 200 ms');
});

test('steps_down_when_the_first_rate_fails', async () => {
  const search = await search_sustained(async (rate) => report_at(30)(rate), bounds);
  assert.deepEqual(search.steps.slice(0, 3).map((step) => step.rate), [100, 50, 25]);
  assert.ok(search.pass.rate >= 25 && search.pass.rate <= 30);
});

test('judges_a_generator_bound_step_by_its_p99_and_marks_the_search', async () => {
  const search = await search_sustained(async (rate) => report_at(1000, { bound_above: 300 })(rate),
    { ...bounds, max_steps: 5 });
  assert.deepEqual(search.steps.map((step) => step.rate), [100, 200, 400, 800, 1600]);
  // 400 and 800 passed with the generator bound: the figure stands, marked.
  assert.equal(search.pass.rate, 800);
  assert.equal(search.pass.report.figures.generator_bound, true);
  assert.equal(search.fail.failure, 'p99 200 ms (generator-bound, 95 %)');
  assert.equal(is_generator_bound(search), true);
  const unbound = await search_sustained(async (rate) => report_at(1000)(rate), bounds);
  assert.equal(is_generator_bound(unbound), false);
});

test('a_search_whose_failing_step_alone_was_generator_bound_is_marked', async () => {
  // Held up to 1,000 unbound; the generator saturates only above it.
  const search = await search_sustained(async (rate) => report_at(1000, { bound_above: 1000 })(rate), bounds);
  assert.equal(search.pass.report.figures.generator_bound, false);
  assert.equal(search.fail.report.figures.generator_bound, true);
  assert.equal(is_generator_bound(search), true);
});

test('a_step_short_of_its_deliveries_or_its_rate_fails', () => {
  const short = report_at(1000)(100);
  short.figures.deliveries = 9;
  assert.equal(step_failure(short, 100, bounds), '9 of 10 delivered');
  const held_back = report_at(1000)(100);
  held_back.figures.events_per_second_published = 80;
  assert.equal(step_failure(held_back, 100, bounds), 'published 80 events/s');
  assert.equal(step_failure({ status: 'timed out', problems: ['delivering'], figures: {} }, 100, bounds),
    'timed out: delivering');
});

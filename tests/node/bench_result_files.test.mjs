// bench/compare's result files (bench/lib/result_files.mjs): a partial run
// never overwrites the full comparison.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { result_files } from '../../bench/lib/result_files.mjs';

const date = '2026-12-02T17:46:26.000Z';

test('a full run writes the dated table and latest.json', () => {
  assert.deepEqual(result_files({ date, quick: false }), { table: 'bench/results/2026-12-02.md', writes_latest: true });
  assert.deepEqual(result_files({ date, quick: true }),
    { table: 'bench/results/2026-12-02-quick.md', writes_latest: true });
});

test('a run of some workloads or servers writes a table named after them and leaves latest.json alone', () => {
  assert.deepEqual(result_files({ date, quick: false, workloads: 'fanout,fanout_at_80' }),
    { table: 'bench/results/2026-12-02-fanout+fanout_at_80.md', writes_latest: false });
  assert.deepEqual(result_files({ date, quick: true, servers: 'uws' }),
    { table: 'bench/results/2026-12-02-quick-uws.md', writes_latest: false });
  assert.deepEqual(result_files({ date, quick: false, workloads: 'chat', servers: 'nadoo-realtime' }),
    { table: 'bench/results/2026-12-02-chat-nadoo-realtime.md', writes_latest: false });
});

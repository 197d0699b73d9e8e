// Where a bench/compare run writes its results. latest.json and DATE.md are
// the last comparison of every workload and server; a run of only some of
// them (--workloads, --servers) writes a table of its own beside them, named
// after what it ran, and leaves both alone.

/**
 * @param {{date: string, quick: boolean, workloads?: string, servers?: string}} run
 *   date: ISO time of the run; workloads, servers: the comma lists as given
 * @returns {{table: string, writes_latest: boolean}} paths under the repository
 */
export function result_files({ date, quick, workloads, servers }) {
  const partial = [workloads, servers].filter(Boolean).map((list) => list.replaceAll(',', '+')).join('-');
  const table = `bench/results/${date.slice(0, 10)}${quick ? '-quick' : ''}${partial ? `-${partial}` : ''}.md`;
  return { table, writes_latest: !partial };
}

// DuckDB peer for the scale series (tests/bench/scale.sh), all threads:
//   node tests/bench/peer_duckdb.mjs STEP FILE.csv RUNS OUT
//   STEP: load | filter | groupby | join (as tests/bench/scale_bench.lua)
// @duckdb/node-api, pinned in tests/bench/package-lock.json (npm ci).  Prints the
// best wall time in seconds (loading is timed only in load: read_csv_auto into a
// table) and writes the step's result to OUT as key,value lines for the checks.
import { DuckDBInstance } from '@duckdb/node-api';
import { writeFileSync } from 'node:fs';

const [step, path, runsArg, out] = process.argv.slice(2);
const runs = Number(runsArg || 3);
const lapath = path.replace(/\.csv$/, '_la.csv');
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const q = (sql) => con.runAndReadAll(sql);
const lit = (s) => "'" + s.replace(/'/g, "''") + "'";
const g17 = (x) => Number(x).toPrecision(17);
let best = Infinity;
const time = async (f) => {
  const t0 = process.hrtime.bigint();
  const r = await f();
  const t = Number(process.hrtime.bigint() - t0) / 1e9;
  if (t < best) best = t;
  return r;
};
const lines = [];
if (step === 'load') {
  for (let i = 0; i < runs; i++) {
    await q('DROP TABLE IF EXISTS d');
    await time(() => q(`CREATE TABLE d AS SELECT * FROM read_csv_auto(${lit(path)})`));
  }
  const r = (await q('SELECT count(*), sum(outcome) FROM d')).getRows()[0];
  lines.push(`rows,${g17(r[0])}`, `sum_outcome,${g17(r[1])}`);
} else {
  await q(`CREATE TABLE d AS SELECT * FROM read_csv_auto(${lit(path)})`);
  await q(`CREATE TABLE la AS SELECT * FROM read_csv_auto(${lit(lapath)})`);
  let r;
  for (let i = 0; i < runs; i++) {
    if (step === 'filter') {
      // materialised, as the other tools' filters are
      await q('DROP TABLE IF EXISTS s');
      r = await time(() => q('CREATE TABLE s AS SELECT * FROM d WHERE fsm = 1 AND ncyear >= 7 AND idaci > 0.3'));
    } else if (step === 'groupby') {
      r = await time(() => q('SELECT la, count(*), avg(outcome), sum(fsm) FROM d GROUP BY la ORDER BY la'));
    } else if (step === 'join') {
      await q('DROP TABLE IF EXISTS j');
      r = await time(() => q('CREATE TABLE j AS SELECT * FROM d JOIN la USING (la)'));
    } else throw new Error('unknown step ' + step);
  }
  if (step === 'filter') {
    const x = (await q('SELECT count(*), sum(pupil_id) FROM s')).getRows()[0];
    lines.push(`rows,${g17(x[0])}`, `sum_pupil_id,${g17(x[1])}`);
  } else if (step === 'groupby') {
    for (const [la, n, m, s] of r.getRows()) lines.push(`${la}:n,${g17(n)}`, `${la}:mean_outcome,${g17(m)}`, `${la}:sum_fsm,${g17(s)}`);
  } else {
    const x = (await q('SELECT count(*), sum(spend) FROM j')).getRows()[0];
    lines.push(`rows,${g17(x[0])}`, `sum_spend,${g17(x[1])}`);
  }
}
writeFileSync(out, lines.join('\n') + '\n');
console.log(best.toFixed(4));

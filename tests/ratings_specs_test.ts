/**
 * The bad-input catalogue for ratings: each `tests/specs/ratings/NAME.csv` is
 * ingested and what happens — the error message, or a summary of what was
 * loaded — must equal `NAME.expected.txt`. Files named `*.skip.csv` are read
 * with `skipInvalid`. Each file is read twice, on this thread in 16-byte chunks
 * and on a pool of three Workers in 48-byte chunks cut into three pieces; both
 * must give the same outcome. Run with UPDATE_SPECS=1 to rewrite the expectations on
 * purpose (then review the diff).
 */

import assert from "node:assert/strict";
import { ingestRatingsCsv } from "../lib/ingest/ratings_ingest.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { WorkerPool } from "../lib/core/pool.ts";

const DIR = new URL("./specs/ratings/", import.meta.url);
const UPDATE = Deno.env.get("UPDATE_SPECS") === "1";

/** How a file is read: on this thread, or on `pool` with every chunk cut into pieces. */
type Mode = { pool: null } | { pool: WorkerPool };

async function outcome(core: WasmCore, name: string, mode: Mode): Promise<string> {
  const path = new URL(name, DIR).pathname;
  const shown = `specs/ratings/${name}`;
  const before = core.bytesInUse;
  try {
    const skipInvalid = name.endsWith(".skip.csv");
    using r = await ingestRatingsCsv(
      core,
      path,
      mode.pool
        ? { skipInvalid, chunkBytes: 48, pool: mode.pool, parallelMinBytes: 1 }
        : { skipInvalid, chunkBytes: 16, threads: 1 },
    );
    const u = r.columns.users.view, m = r.columns.movies.view, v = r.columns.ratings.view;
    const t = r.columns.times?.view;
    const rows = [];
    for (let i = 0; i < Math.min(r.nRatings, 8); i++) {
      rows.push(`${r.userIds[u[i]]},${r.movieIds[m[i]]},${v[i]}${t ? `,${t[i]}` : ""}`);
    }
    const rep = r.report;
    return [
      `ok: ${r.nRatings} ratings, ${r.nUsers} users, ${r.nMovies} movies`,
      `duplicates ${rep.duplicates}, blank lines ${rep.blankLines}, skipped ${rep.skippedRows}, reordered ${rep.reordered}`,
      ...rep.skippedExamples.map((e) => `skipped: ${e}`),
      ...rows.map((row) => `row: ${row}`),
    ].join("\n").replaceAll(path, shown) + "\n";
  } catch (error) {
    assert.equal(core.bytesInUse, before, `${name}: a failed ingestion must free what it allocated`);
    const e = error as Error & { line?: number; column?: number };
    const where = e.line !== undefined ? ` (line ${e.line}, column ${e.column})` : "";
    return `${e.name}${where}: ${e.message}`.replaceAll(path, shown) + "\n";
  }
}

const names: string[] = [];
for await (const entry of Deno.readDir(DIR)) if (entry.name.endsWith(".csv")) names.push(entry.name);
names.sort();

for (const name of names) {
  Deno.test(`ingestRatingsCsv() on specs/ratings/${name} gives the expected outcome`, async () => {
    const core = await WasmCore.create();
    const got = await outcome(core, name, { pool: null });
    {
      await using pool = await WorkerPool.create(core, { threads: 3 });
      assert.equal(await outcome(core, name, { pool }), got, "parsed on 3 Workers");
    }
    const expectedUrl = new URL(name.replace(/\.csv$/, ".expected.txt"), DIR);
    if (UPDATE) {
      await Deno.writeTextFile(expectedUrl, got);
      return;
    }
    let expected: string;
    try {
      expected = await Deno.readTextFile(expectedUrl);
    } catch {
      throw new Error(`${name} has no .expected.txt; run the tests with UPDATE_SPECS=1 and review it`);
    }
    assert.equal(got, expected);
  });
}

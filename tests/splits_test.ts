import assert from "node:assert/strict";
import { ingestRatingsCsv } from "../lib/ingest/ratings_ingest.ts";
import { countSplit, kFoldAssignments, SPLIT, splitRatings } from "../lib/ingest/splits.ts";
import { generateMovieLens } from "../lib/data/generate.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { tempDir } from "./_helpers.ts";

async function ratingsIn(dir: string, csv?: string) {
  if (csv) await Deno.writeTextFile(`${dir}/ratings.csv`, csv);
  else await generateMovieLens({ outDir: dir, ratings: 20_000, users: 200, movies: 600, seed: 11 });
  return ingestRatingsCsv(await WasmCore.create(), `${dir}/ratings.csv`);
}

Deno.test("splitRatings() gives about 90/5/5 and the same split for the same seed", async () => {
  await using dir = await tempDir();
  using r = await ratingsIn(dir.path);
  const a = splitRatings(r);
  const c = countSplit(a);
  assert.equal(c.train + c.validation + c.test, r.nRatings);
  assert.ok(Math.abs(c.test / r.nRatings - 0.05) < 0.01 && Math.abs(c.validation / r.nRatings - 0.05) < 0.01);
  assert.deepEqual(splitRatings(r), a);
  const other = splitRatings(r, { seed: 7 });
  assert.notDeepEqual(other, a);
  const custom = countSplit(splitRatings(r, { validation: 0, test: 0.1 }));
  assert.equal(custom.validation, 0);
  assert.ok(Math.abs(custom.test / r.nRatings - 0.1) < 0.01);
});

Deno.test("splitRatings() keeps each rating on its side whatever the file order", async () => {
  await using dir = await tempDir();
  using sorted = await ratingsIn(dir.path);
  const lines = (await Deno.readTextFile(`${dir.path}/ratings.csv`)).trim().split("\n");
  const body = lines.slice(1).reverse();
  await using dir2 = await tempDir();
  using reversed = await ratingsIn(dir2.path, [lines[0], ...body].join("\n") + "\n");
  assert.equal(reversed.report.reordered, true);
  assert.deepEqual(splitRatings(reversed), splitRatings(sorted));
});

Deno.test("splitRatings({ kind: 'time' }) puts each user's latest ratings in test", async () => {
  await using dir = await tempDir();
  using r = await ratingsIn(dir.path);
  const a = splitRatings(r, { kind: "time", validation: 0.1, test: 0.1 });
  const off = r.userOffsets.view, t = r.columns.times!.view;
  for (let u = 0; u < r.nUsers; u++) {
    const rows = Array.from({ length: off[u + 1] - off[u] }, (_, j) => off[u] + j);
    const latestTrain = Math.max(...rows.filter((i) => a[i] === SPLIT.TRAIN).map((i) => t[i]));
    const earliestTest = Math.min(...rows.filter((i) => a[i] === SPLIT.TEST).map((i) => t[i]));
    assert.ok(latestTrain <= earliestTest, `user ${u}`);
    assert.equal(rows.filter((i) => a[i] === SPLIT.TEST).length, Math.round(rows.length * 0.1));
  }
});

Deno.test("splitRatings({ kind: 'time' }) explains that a file without timestamps cannot be split by time", async () => {
  await using dir = await tempDir();
  using r = await ratingsIn(dir.path, "userId,movieId,rating\n1,2,3\n");
  assert.throws(() => splitRatings(r, { kind: "time" }), /no timestamp column; use the random split/);
  assert.throws(() => splitRatings(r, { test: 0.6, validation: 0.5 }), /together they must be below 1/);
});

Deno.test("kFoldAssignments() puts every rating in exactly one of k balanced folds", async () => {
  await using dir = await tempDir();
  using r = await ratingsIn(dir.path);
  const folds = kFoldAssignments(r, 5);
  const sizes = [0, 0, 0, 0, 0];
  for (const f of folds) sizes[f]++;
  for (const s of sizes) assert.ok(Math.abs(s / r.nRatings - 0.2) < 0.01, String(sizes));
  assert.deepEqual(kFoldAssignments(r, 5), folds);
  assert.throws(() => kFoldAssignments(r, 1), /expected an integer in 2–100/);
});

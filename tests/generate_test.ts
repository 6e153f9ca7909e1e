import assert from "node:assert/strict";
import { GENERATE_DEFAULTS, generateMovieLens } from "../lib/data/generate.ts";
import { loadMovieCatalogue } from "../lib/ingest/movies.ts";
import { ingestRatingsCsv } from "../lib/ingest/ratings_ingest.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { tempDir } from "./_helpers.ts";

Deno.test("generateMovieLens() writes the same bytes for the same seed, other bytes for another", async () => {
  await using a = await tempDir();
  await using b = await tempDir();
  await using c = await tempDir();
  const opts = { ratings: 5000, users: 50, movies: 300 };
  await generateMovieLens({ outDir: a.path, ...opts, seed: 1 });
  await generateMovieLens({ outDir: b.path, ...opts, seed: 1 });
  await generateMovieLens({ outDir: c.path, ...opts, seed: 2 });
  for (const f of ["ratings.csv", "movies.csv", "links.csv", "generator.json"]) {
    assert.deepEqual(await Deno.readFile(`${a.path}/${f}`), await Deno.readFile(`${b.path}/${f}`), f);
  }
  assert.notDeepEqual(
    await Deno.readFile(`${a.path}/ratings.csv`),
    await Deno.readFile(`${c.path}/ratings.csv`),
  );
});

Deno.test("generateMovieLens() data has MovieLens's shape: ≥20 per user, power-law popularity, mean ≈ 3.5", async () => {
  await using dir = await tempDir();
  const info = await generateMovieLens({ outDir: dir.path });
  assert.equal(info.ratings, 200_000);
  const core = await WasmCore.create();
  using r = await ingestRatingsCsv(core, `${dir.path}/ratings.csv`);
  assert.equal(r.nRatings, 200_000);
  assert.equal(r.nUsers, GENERATE_DEFAULTS.users);
  assert.equal(r.report.reordered, false, "sorted by user, then movie, like MovieLens");
  assert.equal(r.report.duplicates, 0);
  const off = r.userOffsets.view;
  for (let u = 0; u < r.nUsers; u++) assert.ok(off[u + 1] - off[u] >= 20);
  assert.ok(Math.abs(info.mean - 3.5) < 0.1 && Math.abs(info.sd - 1.05) < 0.1, `${info.mean} ${info.sd}`);
  assert.ok(info.oracleRmse < info.globalMeanRmse * 0.8);
  const perMovie = new Array(r.nMovies).fill(0);
  for (const m of r.columns.movies.view.subarray(0, r.nRatings)) perMovie[m]++;
  perMovie.sort((x, y) => y - x);
  // At this density (29% of all pairs) the skew is bounded; the ML-20M shape gives 67% to the top 10%.
  const median = perMovie[perMovie.length >> 1];
  const bottom = perMovie.slice(-Math.ceil(r.nMovies / 10)).reduce((s, x) => s + x, 0);
  assert.ok(perMovie[0] >= 4 * median, `most rated ${perMovie[0]}, median ${median}`);
  assert.ok(bottom / r.nRatings < 0.05, `bottom 10% of movies hold ${bottom / r.nRatings} of ratings`);
  const catalogue = await loadMovieCatalogue(`${dir.path}/movies.csv`);
  assert.equal(catalogue.size, GENERATE_DEFAULTS.movies);
  assert.ok(catalogue.movies.every((m) => m.year !== null && m.genres.length <= 4));
  assert.ok(catalogue.movies.some((m) => m.rawTitle.endsWith(", The (" + m.year + ")")));
  assert.equal(new Set(catalogue.movies.map((m) => m.rawTitle)).size, catalogue.size, "titles are unique");
});

Deno.test("generateMovieLens() refuses sizes that cannot hold 20 ratings per user", async () => {
  await assert.rejects(
    generateMovieLens({ outDir: "unused", ratings: 100, users: 10 }),
    /ratings "100": expected an integer ≥ 200/,
  );
  await assert.rejects(
    generateMovieLens({ outDir: "unused", ratings: 100_000, users: 10, movies: 100 }),
    /at most 400 fit/,
  );
});

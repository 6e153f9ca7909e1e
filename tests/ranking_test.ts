import assert from "node:assert/strict";
import {
  baselineReports,
  globalLists,
  type RankingTask,
  rankingTask,
  scoreSystem,
} from "../lib/evaluate/ranking.ts";
import { ingestRatingsCsv } from "../lib/ingest/ratings_ingest.ts";
import { splitRatings } from "../lib/ingest/splits.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { tempDir } from "./_helpers.ts";

/** Two users, five movies; movie 4 has no training ratings (outside the catalogue); user 1 has no hit. */
const TASK: RankingTask = {
  nUsers: 2,
  nMovies: 5,
  known: [Uint32Array.of(0), Uint32Array.of(1)],
  relevant: [new Set([2, 3]), null],
  popularity: Uint32Array.of(5, 4, 3, 2, 0),
  ratingSum: Float64Array.of(20, 12, 12, 9, 0),
  catalogue: 4,
  users: 1,
};

Deno.test("scoreSystem() computes precision, recall, NDCG, MAP, coverage and popularity as documented", () => {
  const r = scoreSystem(TASK, "x", (u) => (u === 0 ? [2, 1, 3] : [0]));
  const at = r.at[10];
  const close = (a: number, b: number, what: string) =>
    assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);
  close(at.precision, 2 / 10, "precision");
  close(at.recall, 1, "recall divides by min(k, relevant)");
  close(at.ndcg, (1 + 1 / Math.log2(4)) / (1 + 1 / Math.log2(3)), "ndcg");
  close(at.map, (1 + 2 / 3) / 2, "map");
  close(at.coverage, 3 / 4, "coverage counts only evaluated users' lists");
  close(at.popularity, (3 + 4 + 2) / 3, "popularity");
});

Deno.test("globalLists() ranks candidates only: known and uncatalogued movies are skipped, ties to the lower index", () => {
  const lists = globalLists(TASK, [1, 9, 9, 0, 100]);
  assert.deepEqual(lists(0), [1, 2, 3]);
  assert.deepEqual(lists(1), [2, 0, 3]);
  const [popular, , , random] = baselineReports(TASK, [0, 0, 0, 0, 0]);
  assert.equal(popular.name, "most popular");
  assert.equal(popular.at[10].recall, 1);
  assert.ok(random.at[10].coverage <= 1);
});

Deno.test("rankingTask() holds out each user's latest ratings and counts ≥ 4 among them as relevant", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ratings.csv`;
  const rows = ["userId,movieId,rating,timestamp"];
  // User 1 rates movies 10..19 over time; the latest two are 19 (5 stars) and 18 (3 stars).
  for (let m = 10; m < 20; m++) rows.push(`1,${m},${m === 18 ? 3 : 5},${1000 + m}`);
  for (let m = 10; m < 15; m++) rows.push(`2,${m},2,${2000 + m}`);
  await Deno.writeTextFile(path, rows.join("\n") + "\n");
  const core = await WasmCore.create();
  using ratings = await ingestRatingsCsv(core, path);
  const split = splitRatings(ratings, { kind: "time", test: 0.2, validation: 0 });
  const task = rankingTask(ratings, split);
  const idx = (id: number) => ratings.movieIndex(id);
  assert.deepEqual([...task.relevant[0]!], [idx(19)]);
  assert.equal(task.relevant[1], null, "user 2's held-out rating is 2 stars");
  assert.equal(task.users, 1);
  assert.ok(!task.known[0].includes(idx(18)) && task.known[0].includes(idx(17)));
  assert.equal(task.popularity[idx(19)], 0, "a movie rated only in test is outside the catalogue");
  assert.equal(task.catalogue, 8, "movies 10–17: 18 and 19 are rated only on the held-out side");
});

import assert from "node:assert/strict";
import {
  defaultImplicitConfig,
  fitImplicit,
  type ImplicitConfig,
  trainImplicit,
} from "../lib/train/implicit.ts";
import { CoreRows, holdOut, Observations, type RatedRows } from "../lib/train/implicit_data.ts";
import { globalLists, type RankingTask, scoreSystem } from "../lib/evaluate/ranking.ts";
import { implicitLists } from "../lib/serve/ranking_lists.ts";
import { WorkerPool } from "../lib/core/pool.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { Rng } from "../lib/util/_random.ts";

Deno.test("Observations hold each user's movies and their transpose in the core, with rating weights", async () => {
  const core = await WasmCore.create();
  // User 0 rated movies 0 (5 stars) and 2 (3 stars); user 1 rated movie 2 (1 star); user 2 nothing.
  const rows: RatedRows = {
    indptr: Uint32Array.of(0, 2, 3, 3),
    movies: Uint32Array.of(0, 2, 2),
    ratings: Float32Array.of(5, 3, 1),
  };
  using obs = new Observations(core, rows, 4, defaultImplicitConfig());
  assert.deepEqual([...obs.byUser.indptr.view], [0, 2, 3, 3]);
  assert.deepEqual([...obs.byUser.indices.view], [0, 2, 2]);
  assert.deepEqual([...obs.byUser.weights.view], [2.5, 0.5, Math.fround(0.1)], "rating − 2.5, at least 0.1");
  assert.deepEqual([...obs.byMovie.indptr.view], [0, 1, 1, 3, 3]);
  assert.deepEqual([...obs.byMovie.indices.view], [0, 0, 1]);
  assert.deepEqual([...obs.byMovie.weights.view], [2.5, 0.5, Math.fround(0.1)]);
});

Deno.test("holdOut() keeps users with fewer than 5 ratings whole and makes the protocol's view of the rest", async () => {
  const core = await WasmCore.create();
  const movies: number[] = [], ratings: number[] = [], indptr = [0];
  for (let u = 0; u < 40; u++) {
    const n = u === 0 ? 4 : 30;
    for (let m = 0; m < n; m++) {
      movies.push(m);
      ratings.push(m % 2 ? 5 : 2);
    }
    indptr.push(movies.length);
  }
  const rows: RatedRows = {
    indptr: Uint32Array.from(indptr),
    movies: Uint32Array.from(movies),
    ratings: Float32Array.from(ratings),
  };
  using split = holdOut(core, rows, 30, { share: 0.2, seed: 3, relevant: 4 }).train;
  const { task } = holdOut(core, rows, 30, { share: 0.2, seed: 3, relevant: 4 });
  const train = split.rows;
  assert.equal(train.indptr[1], 4, "user 0 keeps all 4");
  assert.equal(task.relevant[0], null);
  const held = rows.movies.length - train.movies.length;
  assert.ok(held > 0.1 * rows.movies.length && held < 0.3 * rows.movies.length, `${held} held out`);
  for (let u = 0; u < 40; u++) {
    const known = new Set(task.known[u]);
    for (const m of task.relevant[u] ?? []) assert.ok(!known.has(m) && m % 2 === 1, "hits are held-out 5s");
  }
  assert.equal(task.users, task.relevant.filter(Boolean).length);
  const sampled = holdOut(core, rows, 30, { share: 0.2, seed: 3, relevant: 4, maxUsers: 7 });
  using _sampled = sampled.train;
  assert.equal(sampled.task.users, 7);
  assert.equal(sampled.task.relevant.filter(Boolean).length, 7);
  assert.deepEqual(
    sampled.train.rows,
    train,
    "seeded; sampling the scored users keeps the same training rows",
  );
});

/**
 * Planted tastes: users in two groups, each watching mostly its own half of
 * the movies (and liking it), a few popular movies watched by everyone.
 * Per user, every tenth of the movies it would watch is held out as the test.
 */
function planted(seed: number): { rows: RatedRows; task: RankingTask } {
  const nUsers = 120, nMovies = 60, rng = new Rng(seed);
  const indptr = new Uint32Array(nUsers + 1), movies: number[] = [], ratings: number[] = [];
  const known: Uint32Array[] = [], relevant: (Set<number> | null)[] = [];
  const popularity = new Uint32Array(nMovies), ratingSum = new Float64Array(nMovies);
  for (let u = 0; u < nUsers; u++) {
    const group = u % 2, mine: number[] = [], held = new Set<number>();
    for (let m = 0; m < nMovies; m++) {
      const popular = m < 6, own = m >= 6 && (m % 2) === group;
      const p = popular ? 0.9 : own ? 0.45 : 0.03;
      if (rng.float() >= p) continue;
      const r = own ? 4.5 : popular ? 3.5 : 2;
      if (rng.float() < 0.15 && own) {
        held.add(m);
        continue;
      }
      mine.push(m);
      movies.push(m);
      ratings.push(r);
      popularity[m]++;
      ratingSum[m] += r;
    }
    indptr[u + 1] = movies.length;
    known.push(Uint32Array.from(mine));
    relevant.push(held.size ? held : null);
  }
  const users = relevant.filter(Boolean).length;
  return {
    rows: { indptr, movies: Uint32Array.from(movies), ratings: Float32Array.from(ratings) },
    task: { nUsers, nMovies, known, relevant, popularity, ratingSum, catalogue: nMovies, users },
  };
}

const SMALL: ImplicitConfig = { ...defaultImplicitConfig(), k: 8, iterations: 6, selectIterations: 3 };

Deno.test("the ranking model finds planted tastes that popularity cannot, and records how it chose λ", async () => {
  const core = await WasmCore.create();
  const { rows, task } = planted(7);
  const stages: string[] = [];
  const fit = await trainImplicit(core, null, CoreRows.copyOf(core, rows), task.nMovies, SMALL, (s, done) => {
    if (!done) stages.push(s);
  });
  using _f = fit.factors;
  const ours = scoreSystem(task, "ours", implicitLists(core, fit.factors, task)).at[10].ndcg;
  const popular = scoreSystem(task, "popular", globalLists(task, task.popularity)).at[10].ndcg;
  assert.ok(ours > 1.5 * popular, `ranking model ${ours} vs most popular ${popular}`);
  assert.deepEqual(fit.selection.map((s) => s.reg), SMALL.reg);
  const best = Math.max(...fit.selection.map((s) => s.ndcg));
  assert.equal(fit.selection.find((s) => s.ndcg === best)!.reg, fit.reg);
  assert.equal(stages.at(-1), `fitting with λ = ${fit.reg}`);
});

Deno.test("fitImplicit() gives the same bits on this thread and on 1 or 3 Workers, and another seed differs", async () => {
  const core = await WasmCore.create();
  const { rows, task } = planted(11);
  using observed = new Observations(core, rows, task.nMovies, SMALL);
  const fit = { reg: 0.01, iterations: 3 };
  const run = async (threads: number, seed = SMALL.seed) => {
    await using pool = threads ? await WorkerPool.create(core, { threads }) : null;
    using f = await fitImplicit(core, pool, observed, { ...SMALL, seed }, fit);
    return [f.users.view.slice(), f.movies.view.slice()];
  };
  const [here, one, three] = [await run(0), await run(1), await run(3)];
  assert.deepEqual(one, here);
  assert.deepEqual(three, here);
  assert.notDeepEqual(await run(0, 99), here);
  // Padding lanes (k = 8 is its own stride; k = 6 pads to 8) stay zero.
  using padded = await fitImplicit(core, null, observed, { ...SMALL, k: 6 }, fit);
  const v = padded.movies.view;
  for (let r = 0; r < task.nMovies; r++) assert.deepEqual([v[r * 8 + 6], v[r * 8 + 7]], [0, 0]);
});

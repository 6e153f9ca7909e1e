/**
 * Bayesian PMF: the sampler learns, its 90% intervals hold about 90% of
 * held-out ratings, it gives the same samples on any number of Workers, and
 * `cv --method bpmf` refuses settings it cannot honour before any work.
 */

import assert from "node:assert/strict";
import { generateSmallSet, runCommand } from "./_cli_helpers.ts";
import { existsSync, tempDir } from "./_helpers.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { loadRatings } from "../lib/ingest/ratings_load.ts";
import type { Ratings } from "../lib/ingest/ratings.ts";
import { SPLIT_DEFAULTS, splitRatings } from "../lib/ingest/splits.ts";
import { bpmfOnSplit } from "../lib/train/bpmf_split.ts";
import { BPMF_DEFAULTS, BpmfState, runSweep } from "../lib/train/bpmf.ts";
import { TrainingCsrs, workRanges } from "../lib/train/bpmf_data.ts";
import { WorkerPool } from "../lib/core/pool.ts";
import { fit, loadModel } from "../mod.ts";

/** The tests' small generated set in `dir`, loaded, with a seeded 75/5/20 split; the caller frees the ratings. */
async function smallSet(dir: string): Promise<{ core: WasmCore; ratings: Ratings; split: Uint8Array }> {
  await generateSmallSet(dir);
  const core = await WasmCore.create();
  const { ratings } = await loadRatings(core, `${dir}/ratings.csv`);
  return { core, ratings, split: splitRatings(ratings, { seed: 3, validation: 0.05, test: 0.2 }) };
}

Deno.test("bpmfOnSplit() beats biases only, its 90% intervals hold about 90%, and 1 or 3 Workers give the same model", async () => {
  await using dir = await tempDir();
  const { core, ratings, split } = await smallSet(dir.path);
  using _ratings = ratings;
  const loaded = core.bytesInUse;
  const config = { ...BPMF_DEFAULTS, sweeps: 60, burnIn: 20 };
  const models: Float32Array[] = [];
  for (const threads of [1, 3]) {
    const sweeps: number[] = [];
    const run = await bpmfOnSplit(core, ratings, split, {
      config,
      threads,
      onSweep: (r) => sweeps.push(r.sweep),
    });
    using model = run.model;
    assert.deepEqual(sweeps, Array.from({ length: 60 }, (_, i) => i + 1), "one report per sweep, in order");
    assert.ok(
      run.history.slice(0, 20).every((h) => Number.isNaN(h.validationRmse)),
      "no samples kept in burn-in",
    );
    assert.ok(run.history.slice(20).every((h) => h.validationRmse > 0));
    const t = run.test;
    assert.ok(t.model.rmse < t.biasOnly.rmse * 0.97, `${t.model.rmse} vs biases only ${t.biasOnly.rmse}`);
    assert.ok(t.model.coverage90 > 0.85 && t.model.coverage90 < 0.95, `coverage ${t.model.coverage90}`);
    assert.equal(t.buckets.reduce((a, b) => a + b.n, 0), t.model.n, "every test rating in one bucket");
    assert.ok(run.noiseSd > 0.5 && run.noiseSd < 1.2, `noise sd ${run.noiseSd}`);
    models.push(
      Float32Array.from([...model.p.view, ...model.q.view, ...model.bu.view, ...model.bi.view, model.mu]),
    );
  }
  assert.deepEqual(models[1], models[0]);
  assert.equal(core.bytesInUse, loaded, "everything the runs allocated is freed");
});

Deno.test("workRanges() covers every row once, in order, in balanced ranges", () => {
  const indptr = Uint32Array.from([0, 10, 10, 11, 40, 41, 60]);
  for (const parts of [1, 2, 3, 4, 10]) {
    const ranges = workRanges(indptr, parts, 1);
    assert.ok(ranges.length <= parts && ranges.length >= 1);
    assert.equal(ranges[0][0], 0);
    assert.equal(ranges.at(-1)![1], 6);
    for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i][0], ranges[i - 1][1]);
    assert.ok(ranges.every(([a, b]) => b > a));
  }
});

Deno.test("cv --method bpmf reports coverage and buckets in --json, and refuses impossible settings before any work", async () => {
  await using dir = await tempDir();
  await generateSmallSet(dir.path);
  const run = await runCommand("cv.ts", [
    "--data",
    dir.path,
    "--folds",
    "2",
    "--method",
    "bpmf",
    "--sweeps",
    "30",
    "--burn-in",
    "10",
    "--no-ranking",
    "--curve",
    `${dir.path}/cv.svg`,
    "--json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.equal(out.method, "bpmf");
  assert.equal(out.config.sweeps, 30);
  assert.ok(out.rmse.mean < out.biasOnlyRmse.mean);
  assert.ok(out.coverage90.mean > 0.85 && out.coverage90.mean < 0.95);
  assert.equal(out.folds[0].calibration.buckets.length, 5);
  assert.equal(out.folds[0].validationRmse.length, 20, "one curve point per kept sample");
  for (
    const [args, message] of [
      [["--sweeps", "10", "--burn-in", "10"], /--burn-in 10 must be below --sweeps 10/],
      [["--sweeps", "0"], /--sweeps/],
      [["--k", "200"], /--k 200: Bayesian PMF samples 1–128 factors/],
      [["--method", "gibbs"], /expected sgd or bpmf/],
    ] as const
  ) {
    const bad = await runCommand("cv.ts", [
      "--ratings",
      `${dir.path}/missing.csv`,
      "--method",
      "bpmf",
      ...args,
    ]);
    assert.equal(bad.code, 2, `${args.join(" ")}: ${bad.stderr}`);
    assert.match(bad.stderr, message);
  }
  const sgd = await runCommand("cv.ts", ["--data", dir.path, "--sweeps", "10"]);
  assert.equal(sgd.code, 2);
  assert.match(sgd.stderr, /--sweeps is for --method bpmf/);
});

Deno.test("train --method bpmf saves a model whose predictions carry an sd and a 90% interval; a finished run has nothing to resume", async () => {
  await using dir = await tempDir();
  await generateSmallSet(dir.path);
  const model = `${dir.path}/bpmf.bin`;
  const run = await runCommand("train.ts", [
    "--data",
    dir.path,
    "--method",
    "bpmf",
    "--sweeps",
    "40",
    "--burn-in",
    "15",
    "--no-ranking",
    "--model",
    model,
    "--json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.equal(out.method, "bpmf");
  assert.equal(out.sweeps.length, 40);
  assert.ok(out.test.model.rmse < out.test.biasOnly.rmse);
  assert.ok(
    out.test.stored.coverage90 > 0.85 && out.test.stored.coverage90 < 0.97,
    `${out.test.stored.coverage90}`,
  );
  using rec = await loadModel(model);
  const p = rec.predictRating({ userId: rec.userIds[0], movieId: rec.movieIds[0] });
  assert.ok(p.sd !== undefined && p.sd > 0.3 && p.sd < 2, `sd ${p.sd}`);
  assert.ok(p.interval![0] <= p.rating && p.rating <= p.interval![1]);
  assert.ok(p.interval![0] >= 0.5 && p.interval![1] <= 5);
  const newcomer = rec.foldInUser([{ movie: rec.movieIds[0], rating: 5 }]);
  assert.ok(
    rec.predictFor(newcomer, { movieId: rec.movieIds[1] }).sd! > 0,
    "a folded-in user gets an sd too",
  );
  const shown = await runCommand("predict.ts", [
    "--model",
    model,
    "--user",
    String(rec.userIds[0]),
    "--movie",
    String(rec.movieIds[0]),
  ]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(
    shown.stdout,
    /Predicted rating for user \d+: \d\.\d\d ± \d\.\d\d .*\(90% interval \d\.\d–\d\.\d\)/,
  );
  // Finished: the sampler state is gone with the model written, so there is nothing to resume.
  assert.ok(!existsSync(`${model}.sampler`));
  const resume = await runCommand("train.ts", [
    "--data",
    dir.path,
    "--method",
    "bpmf",
    "--resume",
    "--model",
    model,
  ]);
  assert.equal(resume.code, 1, resume.stderr);
  assert.match(resume.stderr, /there is no sampler state to continue/);
});

Deno.test("a Gibbs sweep's SIMD data terms and their scalar twin give the same bits", async () => {
  await using dir = await tempDir();
  const { core, ratings } = await smallSet(dir.path);
  using _ratings = ratings;
  using data = new TrainingCsrs(core, ratings, () => true);
  await using pool = await WorkerPool.create(core, { threads: 2 });
  const rows: Float32Array[] = [];
  for (const scalar of [false, true]) {
    using state = new BpmfState(core, ratings.nUsers, ratings.nMovies, { ...BPMF_DEFAULTS, k: 9, burnIn: 5 });
    let alpha = 2;
    for (let s = 0; s < 4; s++) {
      alpha = (await runSweep({ core, pool, data, state, sums: [], scalar }, s, alpha)).alpha;
    }
    rows.push(Float32Array.from([...state.users.view, ...state.movies.view, alpha]));
  }
  assert.deepEqual(rows[1], rows[0]);
});

Deno.test("fit({ bpmf }) samples in memory: predictions carry an sd and an interval, recommendations follow taste", async () => {
  const ratings = [];
  for (let userId = 1; userId <= 40; userId++) {
    for (let movieId = 1; movieId <= 30; movieId++) {
      if ((userId + movieId) % 3 !== 0) ratings.push({ userId, movieId, rating: movieId % 2 ? 5 : 1 });
    }
  }
  using rec = await fit(ratings, { bpmf: { k: 4, sweeps: 40, burnIn: 15 }, ranking: false, seed: 1 });
  const p = rec.predictRating({ userId: 1, movieId: 3 });
  assert.ok(
    p.rating > 4 && p.sd! > 0 && p.interval![0] < p.rating && p.interval![1] >= p.rating,
    JSON.stringify(p),
  );
  assert.ok(rec.recommend(1, 3, { filterRated: false }).every((m) => m.movieId % 2 === 1));
  await assert.rejects(fit(ratings, { bpmf: { sweeps: 5, burnIn: 5 } }), /--burn-in 5: expected 0–4/);
});

Deno.test("a Gibbs run stopped after any sweep and resumed from its sampler state ends with the same model and report", async () => {
  await using dir = await tempDir();
  const { core, ratings, split } = await smallSet(dir.path);
  using _ratings = ratings;
  const config = { ...BPMF_DEFAULTS, k: 6, sweeps: 20, burnIn: 8 };
  const run = { fingerprint: ratings.fingerprint, split: { ...SPLIT_DEFAULTS, seed: 3, test: 0.2 } };
  const path = `${dir.path}/model.bin.sampler`;
  const whole = await bpmfOnSplit(core, ratings, split, { config, threads: 2 });
  using wholeModel = whole.model;
  // Stopped after sweep 12 (past burn-in: sums are in the state), then resumed on another Worker count.
  await assert.rejects(
    bpmfOnSplit(core, ratings, split, {
      config,
      threads: 2,
      state: { path, resume: false, run, everySweep: true },
      onSweep: (r) => {
        if (r.sweep === 12) throw new Error("stop");
      },
    }),
    /stop/,
  );
  const resumed = await bpmfOnSplit(core, ratings, split, {
    config,
    threads: 1,
    state: { path, resume: true, run },
  });
  using model = resumed.model;
  assert.equal(resumed.history.length, 20);
  assert.deepEqual(resumed.history, whole.history);
  assert.deepEqual(resumed.test, whole.test);
  for (const name of ["p", "q", "bu", "bi"] as const) {
    assert.deepEqual(model[name].view, wholeModel[name].view, name);
  }
  await assert.rejects(
    bpmfOnSplit(core, ratings, split, {
      config: { ...config, k: 7 },
      threads: 1,
      state: { path, resume: true, run },
    }),
    /other settings/,
  );
});

/**
 * Training benchmark, one process per thread count (peak RSS is its own):
 *   deno run -A bench/train_bench.ts CSV THREADS EPOCHS [LAYOUT_OUT | --features DIR] [--blocks=N] [--validation]
 *     [--optimizer=sgd|adam|adagrad] [--lr=X] [--reg=X] [--decay=X]
 * Loads the ratings (cache), lays them out, trains EPOCHS epochs at k = 64
 * with the product's default optimiser (AdaGrad; SGD with --features) or --optimizer's choice, at its defaults (no early stopping) and prints one JSON object: seconds of each
 * epoch, the median of all but the first (warm-up), and peak RSS. With
 * LAYOUT_OUT, also writes the training layout for the native comparison
 * (core-wasm/examples/native_train_bench.rs).
 */

import { initialState, runTraining } from "../lib/train/train.ts";
import { defaultOptimizer, defaultTrainConfig } from "../lib/train/config.ts";
import type { OptimizerName } from "../lib/model/_pass.ts";
import { gatherSide, RatingSet } from "../lib/ingest/rating_set.ts";
import { buildTrainLayout } from "../lib/train/train_layout.ts";
import { loadRatings } from "../lib/ingest/ratings_load.ts";
import { SPLIT, splitRatings } from "../lib/ingest/splits.ts";
import { WorkerPool } from "../lib/core/pool.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { loadMovieFeatures } from "../lib/features/movie_features.ts";
import { median, peakRssMiB, round } from "./_report.ts";
import { evaluateModel } from "../lib/evaluate/evaluate.ts";

const blocksArg = Deno.args.find((a) => a.startsWith("--blocks="));
// --lr=, --reg=, --decay=: override the optimiser's defaults (for schedule experiments).
const tuning = Deno.args.filter((a) => /^--(lr|reg|decay)=/.test(a));
const tuned = Object.fromEntries(tuning.map((a) => {
  const [name, value] = a.slice(2).split("=");
  return [{ lr: "learningRate", reg: "regularization", decay: "decay" }[name]!, Number(value)];
}));
const optimizerArg = Deno.args.find((a) => a.startsWith("--optimizer="));
const optimizer = (optimizerArg?.slice("--optimizer=".length) ??
  defaultOptimizer(Deno.args.includes("--features"))) as OptimizerName;
// --validation: measure validation RMSE after every epoch (as a user's run does; the epoch times include it).
const withValidation = Deno.args.includes("--validation");
const [csv, threadsArg, epochsArg, fourth, fifth] = Deno.args.filter((a) =>
  a !== blocksArg && a !== optimizerArg && a !== "--validation" && !tuning.includes(a)
);
const layoutOut = fourth === "--features" ? undefined : fourth;
const featuresDir = fourth === "--features" ? fifth : undefined;
const threads = Number(threadsArg), epochs = Number(epochsArg ?? 4);
const core = await WasmCore.create();
const { ratings } = await loadRatings(core, csv);
const split = splitRatings(ratings);
const defaults = defaultTrainConfig(optimizer);
const blocks = blocksArg ? Number(blocksArg.slice("--blocks=".length)) : defaults.blocks;
const config = { ...defaults, ...tuned, k: 64, epochs, patience: epochs + 1, blocks };
if (tuned.learningRate !== undefined) config.biasLearningRate = tuned.learningRate;
const t0 = performance.now();
const layout = buildTrainLayout(core, ratings, split, SPLIT.TRAIN, config.blocks, config.seed);
const layoutSeconds = (performance.now() - t0) / 1000;
if (layoutOut) {
  const n = layout.set.n;
  const file = new Uint8Array(12 + 12 * n);
  new Uint32Array(file.buffer, 0, 3).set([ratings.nUsers, ratings.nMovies, n]);
  file.set(core.view(Uint8Array, layout.set.users.ptr, 4 * n), 12);
  file.set(core.view(Uint8Array, layout.set.movies.ptr, 4 * n), 12 + 4 * n);
  file.set(core.view(Uint8Array, layout.set.ratings.ptr, 4 * n), 12 + 8 * n);
  await Deno.writeFile(layoutOut, file);
}
const features = featuresDir ? await loadMovieFeatures(core, featuresDir, ratings.movieIds) : null;
const state = initialState(core, config, layout.set, ratings.userIds, ratings.movieIds, features);
using validation = withValidation
  ? gatherSide(core, ratings, split, SPLIT.VALIDATION)
  : new RatingSet(core, 0);
// With --validation, the test side's RMSE after every epoch too (outside the epoch's time).
using test = withValidation ? gatherSide(core, ratings, split, SPLIT.TEST) : new RatingSet(core, 0);
await using pool = await WorkerPool.create(core, { threads });
const seconds: number[] = [], validationRmse: number[] = [], testRmse: number[] = [];
let t = performance.now();
await runTraining({
  core,
  pool,
  layout,
  validation,
  state,
  onEpoch: (report) => {
    const now = performance.now();
    seconds.push((now - t) / 1000);
    validationRmse.push(report.validationRmse);
    t = now;
  },
  onCheckpoint: async (s) => {
    if (!withValidation) return;
    testRmse.push((await evaluateModel(core, pool, s.model, test, features)).rmse);
    t = performance.now();
  },
});
const steady = median(seconds.slice(1));
const fastest = Math.min(...seconds.slice(1));
console.log(JSON.stringify({
  threads,
  metadata: features ? { features: features.nFeatures, movies: features.covered } : null,
  train_ratings: layout.set.n,
  layout_seconds: round(layoutSeconds),
  epoch_seconds: seconds.map((s) => round(s)),
  validation_rmse: withValidation ? validationRmse.map((r) => round(r, 5)) : null,
  test_rmse: withValidation ? testRmse.map((r) => round(r, 5)) : null,
  epoch_seconds_median: round(steady),
  epoch_seconds_min: round(fastest),
  ratings_per_s: Math.round(layout.set.n / steady),
  peak_rss_mib: round(peakRssMiB() ?? NaN, 1),
}));

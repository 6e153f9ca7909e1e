/**
 * Metrics and baselines: RMSE and MAE of a model on a rating set (computed in
 * the core, split across the pool's Workers), and the two baselines every
 * report shows beside the model: the global mean, and biases only.
 *
 * @module
 */

import { fillPass } from "../model/_pass.ts";
import { projectOn } from "../model/meta_params.ts";
import type { MovieFeatures } from "../features/movie_features.ts";
import type { PmfModel } from "../model/model.ts";
import type { WorkerPool } from "../core/pool.ts";
import type { RatingSet } from "../ingest/rating_set.ts";
import { type CoreArray, TrainPass, type WasmCore } from "../core/wasm.ts";

/** Error metrics of predictions against ratings. */
export interface Metrics {
  /** Root mean squared error. */
  rmse: number;
  /** Mean absolute error. */
  mae: number;
  /** Number of ratings. */
  n: number;
}

/** A model's metadata projection already made: `W·f_i` and `w_b·f_i` per movie. */
export interface Projection {
  /** `W·f_i` per movie, `nMovies × stride`. */
  m: CoreArray<Float32Array>;
  /** `w_b·f_i` per movie. */
  mb: CoreArray<Float32Array>;
}

/**
 * RMSE and MAE of `model`'s clamped predictions on `set`; a model with
 * metadata needs the movie `features` it was trained with, or its
 * `projection` when the caller already holds it (training does, after each
 * epoch's last step of W).
 */
export async function evaluateModel(
  core: WasmCore,
  pool: WorkerPool,
  model: PmfModel,
  set: RatingSet,
  features: MovieFeatures | null = null,
  projection?: Projection,
): Promise<Metrics> {
  if (set.n === 0) return { rmse: NaN, mae: NaN, n: 0 };
  using pass = new TrainPass();
  const hyper = { optimizer: "sgd" as const, lr: 0, lrBias: 0, reg: 0, regBias: 0 };
  let owned: Projection | null = null;
  if (model.meta && !projection) {
    if (!features) throw new TypeError("Cannot evaluate a model with metadata without its movie features");
    const [m, mb] = core.allocArrays(Float32Array, [model.nMovies * model.stride, model.nMovies]);
    owned = { m, mb };
  }
  try {
    if (owned) await projectOn(pool, core, features!, model.meta!, owned.m, owned.mb);
    const p = model.meta ? (projection ?? owned!) : null;
    fillPass(pass, model, set, hyper, null, p && { m: p.m, g: p.m, mb: p.mb, gb: p.mb });
    return await errorsOnPool(pool, pass, set);
  } finally {
    owned?.m.free();
    owned?.mb.free();
  }
}

/** Ratings per evaluation task: fixed, so the sums (and the RMSE) do not depend on the thread count. */
const EVAL_CHUNK = 1 << 16;

async function errorsOnPool(pool: WorkerPool, pass: TrainPass, set: RatingSet): Promise<Metrics> {
  const address = pass.address();
  const chunks = Math.ceil(set.n / EVAL_CHUNK);
  const sums = await pool.runAll(Array.from({ length: chunks }, (_, c) => {
    const start = c * EVAL_CHUNK, end = Math.min(set.n, start + EVAL_CHUNK);
    return { kernel: "errorsRange" as const, args: [address, start, end] as [number, number, number] };
  }));
  let sse = 0, sae = 0;
  for (const [e2, e1] of sums) {
    sse += e2;
    sae += e1;
  }
  return { rmse: Math.sqrt(sse / set.n), mae: sae / set.n, n: set.n };
}

/** Metrics of a constant prediction. */
export function constantMetrics(set: RatingSet, value: number): Metrics {
  const r = set.ratings.view;
  let sse = 0, sae = 0;
  for (let i = 0; i < set.n; i++) {
    const e = r[i] - value;
    sse += e * e;
    sae += Math.abs(e);
  }
  return { rmse: Math.sqrt(sse / set.n), mae: sae / set.n, n: set.n };
}

/** Mean rating of a set. */
export function meanOf(set: RatingSet): number {
  const r = set.ratings.view;
  let sum = 0;
  for (let i = 0; i < set.n; i++) sum += r[i];
  return sum / set.n;
}

/** A biases-only model: `clamp(μ + b_u + b_i)`. */
export interface BiasModel {
  /** Global mean. */
  mu: number;
  /** User biases by dense index. */
  bu: Float64Array;
  /** Movie biases by dense index. */
  bi: Float64Array;
}

/**
 * Fits a biases-only baseline by alternating regularised means (movie biases,
 * then user biases, three rounds), as in Koren's baseline predictors.
 */
export function fitBiases(train: RatingSet, nUsers: number, nMovies: number, reg = 10): BiasModel {
  const mu = meanOf(train);
  const bu = new Float64Array(nUsers), bi = new Float64Array(nMovies);
  const u = train.users.view, m = train.movies.view, r = train.ratings.view;
  for (let round = 0; round < 3; round++) {
    const sumI = new Float64Array(nMovies), cntI = new Float64Array(nMovies);
    for (let i = 0; i < train.n; i++) {
      sumI[m[i]] += r[i] - mu - bu[u[i]];
      cntI[m[i]]++;
    }
    for (let j = 0; j < nMovies; j++) bi[j] = sumI[j] / (reg + cntI[j]);
    const sumU = new Float64Array(nUsers), cntU = new Float64Array(nUsers);
    for (let i = 0; i < train.n; i++) {
      sumU[u[i]] += r[i] - mu - bi[m[i]];
      cntU[u[i]]++;
    }
    for (let j = 0; j < nUsers; j++) bu[j] = sumU[j] / (reg + cntU[j]);
  }
  return { mu, bu, bi };
}

/** Metrics of a biases-only model on a set. */
export function biasMetrics(model: BiasModel, set: RatingSet): Metrics {
  const u = set.users.view, m = set.movies.view, r = set.ratings.view;
  let sse = 0, sae = 0;
  for (let i = 0; i < set.n; i++) {
    const pred = Math.min(5, Math.max(0.5, model.mu + model.bu[u[i]] + model.bi[m[i]]));
    const e = r[i] - pred;
    sse += e * e;
    sae += Math.abs(e);
  }
  return { rmse: Math.sqrt(sse / set.n), mae: sae / set.n, n: set.n };
}

/**
 * Bayesian PMF (Salakhutdinov & Mnih 2008): Gibbs sampling of every user's
 * and movie's row (factors and bias) from its conditional posterior, the
 * rows' Gaussian–Wishart hyperparameters and the noise precision, in the core
 * (`core-wasm/src/bpmf.rs`), rows on the pool's Workers. After `burnIn`
 * sweeps every sweep is a sample: predictions are the mean over samples and
 * their spread plus the noise gives each one a standard deviation.
 *
 * Reproducible: each row draws from its own stream seeded by (seed, sweep,
 * side, row), so the same seed gives the same samples on any number of
 * Workers.
 *
 * @module
 */

import type { CoreArray, WasmCore } from "../core/wasm.ts";
import type { PoolTask, WorkerPool } from "../core/pool.ts";
import type { RatingSet } from "../ingest/rating_set.ts";
import { Rng } from "../util/_random.ts";
import { type SideCsr, type TrainingCsrs, workRanges } from "./bpmf_data.ts";
import { Z90 } from "../model/uncertainty.ts";
import type { MovieFeatures } from "../features/movie_features.ts";

/** The sampler's settings. */
export interface BpmfConfig {
  /** Latent factors per row. Default: 10. */
  k: number;
  /** Sweeps in all, burn-in included. Default: 150. */
  sweeps: number;
  /** Sweeps discarded before samples are kept. Default: 50. */
  burnIn: number;
  /** Seed of every draw. Default: 42. */
  seed: number;
  /**
   * With movie features: the precision λ of the projection's prior (β ~ MN(0, I/λ, Λ⁻¹)); larger keeps the
   * features' pull on the movie rows smaller. Default: 10.
   */
  featureReg: number;
}

/** Defaults: on ml-latest-small (5 random folds) k = 10 and k = 32 measured alike, and k = 10 is 3× faster. */
export const BPMF_DEFAULTS: BpmfConfig = { k: 10, sweeps: 150, burnIn: 50, seed: 42, featureReg: 10 };

/** A request the sampler cannot honour, refused before any work; the message gives the allowed range. */
export class BpmfConfigError extends RangeError {
  /** The error's name. */
  override name = "BpmfConfigError";
}

/** Throws {@link BpmfConfigError} unless `c` can be run. */
export function checkBpmfConfig(core: WasmCore, c: BpmfConfig): void {
  const maxK = core.kernels.bpmfMaxK();
  if (!Number.isInteger(c.k) || c.k < 1 || c.k > maxK) {
    throw new BpmfConfigError(`--k ${c.k}: Bayesian PMF samples 1–${maxK} factors`);
  }
  if (!Number.isInteger(c.sweeps) || c.sweeps < 1 || c.sweeps > 100_000) {
    throw new BpmfConfigError(`--sweeps ${c.sweeps}: expected a whole number of sweeps in 1–100000`);
  }
  if (!Number.isInteger(c.burnIn) || c.burnIn < 0 || c.burnIn >= c.sweeps) {
    throw new BpmfConfigError(
      `--burn-in ${c.burnIn}: expected 0–${
        c.sweeps - 1
      }, fewer than --sweeps ${c.sweeps}, so samples are kept`,
    );
  }
  if (!Number.isInteger(c.seed)) throw new BpmfConfigError(`--seed ${c.seed}: expected a whole number`);
  if (!(c.featureReg > 0 && c.featureReg < 1e9)) {
    throw new BpmfConfigError(`--feature-reg ${c.featureReg}: expected a positive number below 1e9`);
  }
}

/** Floats per row: the k factors and the bias, rounded up to whole lanes of 4. */
export function bpmfStride(k: number): number {
  return Math.ceil((k + 1) / 4) * 4;
}

/** Movie features as the movies' prior mean: the features (not owned), β and its draw's buffers. */
export class Projection implements Disposable {
  readonly features: MovieFeatures;
  /** Cholesky factor of FᵀF + λI (made once). */
  readonly factor: CoreArray<Float64Array>;
  /** β, features × (k + 1). */
  readonly beta: CoreArray<Float64Array>;
  /** Every movie's prior mean shift βᵀf_i, in the rows' layout. */
  readonly offsets: CoreArray<Float32Array>;
  /** λ·βᵀβ. */
  readonly scatter: CoreArray<Float64Array>;
  /**
   * Sums over the kept samples (host): β, the movie side's prior mean and its prior variances (the
   * diagonal of Λ⁻¹) — what a movie with features and no ratings is predicted from.
   */
  readonly betaSum: Float64Array;
  readonly priorMeanSum: Float64Array;
  readonly priorVarianceSum: Float64Array;

  /** Buffers for `nMovies` movies and the factor of FᵀF + λI. */
  constructor(core: WasmCore, features: MovieFeatures, nMovies: number, config: BpmfConfig, stride: number) {
    this.features = features;
    const nf = features.nFeatures, d = config.k + 1;
    [this.factor, this.beta, this.scatter] = core.allocArrays(Float64Array, [nf * nf, nf * d, d * d]);
    this.offsets = core.allocArray(Float32Array, nMovies * stride, 64);
    this.betaSum = new Float64Array(nf * d);
    this.priorMeanSum = new Float64Array(d);
    this.priorVarianceSum = new Float64Array(d);
    try {
      core.kernels.macauGramFactor(...this.csr(), config.featureReg, this.factor.ptr);
    } catch (error) {
      this.free();
      throw error;
    }
  }

  /** The features' CSR arguments: indptr, indices, values, rows, columns. */
  csr(): [number, number, number, number, number] {
    const f = this.features;
    return [f.indptr.ptr, f.indices.ptr, f.values.ptr, f.indptr.length - 1, f.nFeatures];
  }

  /** Releases the buffers (not the features). */
  free(): void {
    for (const a of [this.factor, this.beta, this.offsets, this.scatter]) a.free();
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/** One sweep's report. */
export interface SweepReport {
  /** 1-based sweep. */
  sweep: number;
  /** RMSE of this sample on the training ratings. */
  trainRmse: number;
  /** After burn-in: RMSE on the validation ratings of the mean over the samples so far (clamped); else NaN. */
  validationRmse: number;
  /** The sampled noise precision. */
  alpha: number;
}

/** Running sums of the samples' predictions of a set of ratings. */
export class PredictionSums implements Disposable {
  readonly set: RatingSet;
  readonly sum: CoreArray<Float64Array>;
  readonly sumSq: CoreArray<Float64Array>;

  /** Zeroed sums for `set` (not owned). */
  constructor(core: WasmCore, set: RatingSet) {
    this.set = set;
    [this.sum, this.sumSq] = core.allocArrays(Float64Array, [Math.max(1, set.n), Math.max(1, set.n)]);
  }

  /** Releases the sums. */
  free(): void {
    this.sum.free();
    this.sumSq.free();
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/** The sampler's state: both sides' current rows and the kept samples' sums. */
export class BpmfState implements Disposable {
  readonly config: BpmfConfig;
  readonly stride: number;
  readonly users: CoreArray<Float32Array>;
  readonly movies: CoreArray<Float32Array>;
  /** Sums of the kept samples' rows and of their squares (host). */
  readonly userSums: Float64Array;
  readonly movieSums: Float64Array;
  readonly userSquares: Float64Array;
  readonly movieSquares: Float64Array;
  /** Samples kept so far. */
  kept = 0;
  /** Sum of 1/α over the kept samples (the noise variance's posterior mean, times kept). */
  noiseVarianceSum = 0;
  #hyper: [CoreArray<Float64Array>, CoreArray<Float64Array>];
  /** With movie features: their CSR and the projection's buffers (see `core-wasm/src/macau.rs`). */
  readonly projection: Projection | null;

  /**
   * Rows of `nUsers` and `nMovies`, factors drawn from N(0, 0.1²), biases 0; with `features` (one row
   * per movie), the movies' prior mean follows them.
   */
  constructor(
    core: WasmCore,
    nUsers: number,
    nMovies: number,
    config: BpmfConfig,
    features: MovieFeatures | null = null,
  ) {
    this.config = config;
    const s = this.stride = bpmfStride(config.k);
    [this.users, this.movies] = core.allocArrays(Float32Array, [nUsers * s, nMovies * s], 64);
    const d = config.k + 1;
    this.#hyper = core.allocArrays(Float64Array, [d, d * d]) as [
      CoreArray<Float64Array>,
      CoreArray<Float64Array>,
    ];
    this.userSums = new Float64Array(nUsers * s);
    this.movieSums = new Float64Array(nMovies * s);
    this.userSquares = new Float64Array(nUsers * s);
    this.movieSquares = new Float64Array(nMovies * s);
    this.projection = features ? new Projection(core, features, nMovies, config, this.stride) : null;
    const rng = new Rng(config.seed, 0xb9f);
    for (const rows of [this.users.view, this.movies.view]) {
      for (let r = 0; r < rows.length / s; r++) {
        for (let j = 0; j < config.k; j++) rows[r * s + j] = 0.1 * rng.normal();
      }
    }
  }

  /** The hyperparameter buffers (mean, precision) the current side's draw uses. */
  get hyper(): [CoreArray<Float64Array>, CoreArray<Float64Array>] {
    return this.#hyper;
  }

  /** Releases the rows. */
  free(): void {
    for (const a of [this.users, this.movies, ...this.#hyper]) a.free();
    this.projection?.free();
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/** Everything one sweep reads. */
export interface SweepInput {
  core: WasmCore;
  pool: WorkerPool;
  data: TrainingCsrs;
  state: BpmfState;
  /** Sets whose predictions are summed after burn-in (the first one's RMSE is reported as validation). */
  sums: PredictionSums[];
  /** Run the rows' data terms on the scalar twin of the SIMD path (the same bits; for tests). */
  scalar?: boolean;
}

/** The squared error is summed in this many fixed ranges, in order: the noise draw does not depend on the Workers. */
const SSE_PARTS = 16;

/** Runs sweep `sweep` (0-based): movies, then users, then the noise; after burn-in, keeps the sample. */
export async function runSweep(input: SweepInput, sweep: number, alpha: number): Promise<SweepReport> {
  const { core, pool, data, state } = input;
  const c = state.config, s = state.stride, mu = Math.fround(data.mean);
  const parts = pool.size * 4, d = c.k + 1;
  const [mean, precision] = state.hyper;
  const sides: [SideCsr, CoreArray<Float32Array>, CoreArray<Float32Array>, number, number][] = [
    [data.byMovie, state.movies, state.users, data.byUser.rows, 1],
    [data.byUser, state.users, state.movies, data.byMovie.rows, 0],
  ];
  const pr = state.projection;
  for (const [csr, own, other, nOther, side] of sides) {
    // Movies with features: their hyperparameters given the rows less βᵀf, then β given those, then the rows.
    const withFeatures = side === 1 && pr !== null;
    core.kernels.bpmfSampleHyper(
      own.ptr,
      withFeatures ? pr.offsets.ptr : 0,
      withFeatures ? pr.scatter.ptr : 0,
      withFeatures ? pr.features.nFeatures : 0,
      csr.rows,
      c.k,
      s,
      c.seed,
      sweep,
      side,
      mean.ptr,
      precision.ptr,
    );
    if (withFeatures) {
      core.kernels.macauSampleBeta(
        ...pr.csr(),
        own.ptr,
        c.k,
        s,
        mean.ptr,
        precision.ptr,
        pr.factor.ptr,
        c.featureReg,
        c.seed,
        sweep,
        pr.beta.ptr,
        pr.offsets.ptr,
        pr.scatter.ptr,
      );
      if (sweep >= c.burnIn) {
        addInto(pr.betaSum, null, pr.beta.view);
        addInto(pr.priorMeanSum, null, mean.view);
        using variance = core.allocArray(Float64Array, c.k + 1);
        core.kernels.bpmfPriorVariance(precision.ptr, c.k + 1, variance.ptr);
        addInto(pr.priorVarianceSum, null, variance.view);
      }
    }
    const tasks = workRanges(csr.indptr.view, parts, d).map(([first, last]): PoolTask<"bpmfSampleRows"> => ({
      kernel: "bpmfSampleRows",
      args: [
        own.ptr,
        csr.rows,
        first,
        last,
        csr.indptr.ptr,
        csr.indices.ptr,
        csr.ratings.ptr,
        other.ptr,
        nOther,
        c.k,
        s,
        mu,
        mean.ptr,
        precision.ptr,
        withFeatures ? pr.offsets.ptr : 0,
        alpha,
        c.seed,
        sweep,
        side,
        input.scalar ?? false,
      ],
    }));
    await pool.runAll(tasks);
  }
  const u = data.byUser, nMovies = data.byMovie.rows;
  // The current sample as the prediction kernels take it: user rows, movie rows, shape, μ.
  const sample = [state.users.ptr, u.rows, state.movies.ptr, nMovies, c.k, s, mu] as const;
  const sse = (await pool.runAll(
    workRanges(u.indptr.view, SSE_PARTS, 0).map(([first, last]): PoolTask<"bpmfSse"> => ({
      kernel: "bpmfSse",
      args: [
        u.indptr.ptr,
        u.indices.ptr,
        u.ratings.ptr,
        first,
        last,
        ...sample,
      ],
    })),
  )).reduce((a, b) => a + b, 0);
  const next = core.kernels.bpmfSampleAlpha(sse, data.n, c.seed, sweep);
  let validationRmse = NaN;
  if (sweep >= c.burnIn) {
    state.kept++;
    state.noiseVarianceSum += 1 / next;
    addInto(state.userSums, state.userSquares, state.users.view);
    addInto(state.movieSums, state.movieSquares, state.movies.view);
    for (const sums of input.sums) {
      const n = sums.set.n;
      const chunk = Math.max(1, Math.ceil(n / parts));
      const tasks: PoolTask<"bpmfAccumulate">[] = [];
      for (let first = 0; first < n; first += chunk) {
        tasks.push({
          kernel: "bpmfAccumulate",
          args: [
            sums.set.users.ptr,
            sums.set.movies.ptr,
            n,
            first,
            Math.min(n, first + chunk),
            ...sample,
            sums.sum.ptr,
            sums.sumSq.ptr,
          ],
        });
      }
      await pool.runAll(tasks);
    }
    if (input.sums.length && input.sums[0].set.n) validationRmse = posteriorErrors(input.sums[0], state).rmse;
  }
  return { sweep: sweep + 1, trainRmse: Math.sqrt(sse / Math.max(1, data.n)), validationRmse, alpha: next };
}

function addInto(sum: Float64Array, squares: Float64Array | null, rows: Float32Array | Float64Array): void {
  for (let i = 0; i < sum.length; i++) {
    sum[i] += rows[i];
    if (squares) squares[i] += rows[i] * rows[i];
  }
}

/** The posterior predictive of rating `i` of a set: mean (unclamped) and standard deviation. */
export function predictive(sums: PredictionSums, state: BpmfState, i: number): { mean: number; sd: number } {
  const kept = Math.max(1, state.kept);
  const mean = sums.sum.view[i] / kept;
  const spread = Math.max(0, sums.sumSq.view[i] / kept - mean * mean);
  return { mean, sd: Math.sqrt(spread + state.noiseVarianceSum / kept) };
}

/** RMSE and MAE of the clamped posterior means, and the share of ratings inside their 90% intervals. */
export function posteriorErrors(sums: PredictionSums, state: BpmfState): {
  rmse: number;
  mae: number;
  n: number;
  coverage90: number;
} {
  const r = sums.set.ratings.view, n = sums.set.n;
  let se = 0, ae = 0, inside = 0;
  for (let i = 0; i < n; i++) {
    const { mean, sd } = predictive(sums, state, i);
    const err = r[i] - Math.min(5, Math.max(0.5, mean));
    se += err * err;
    ae += Math.abs(err);
    if (Math.abs(r[i] - mean) <= Z90 * sd) inside++;
  }
  return {
    rmse: Math.sqrt(se / Math.max(1, n)),
    mae: ae / Math.max(1, n),
    n,
    coverage90: inside / Math.max(1, n),
  };
}

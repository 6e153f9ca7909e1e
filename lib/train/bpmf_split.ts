/**
 * Bayesian PMF on one split of loaded ratings: sample on the TRAIN side,
 * report the posterior mean's RMSE on VALIDATION after every kept sample,
 * and measure on TEST the posterior predictive: RMSE and MAE of its mean and
 * how often the 90% interval holds the rating, overall and by how many
 * training ratings the movie has. Used by `cv --method bpmf`.
 *
 * @module
 */

import { biasMetrics, constantMetrics, fitBiases, meanOf, type Metrics } from "../evaluate/evaluate.ts";
import { PmfModel } from "../model/model.ts";
import { WorkerPool } from "../core/pool.ts";
import type { Ratings } from "../ingest/ratings.ts";
import { SPLIT } from "../ingest/splits.ts";
import { gatherSide, type RatingSet } from "../ingest/rating_set.ts";
import type { WasmCore } from "../core/wasm.ts";
import {
  type BpmfConfig,
  BpmfState,
  checkBpmfConfig,
  posteriorErrors,
  PredictionSums,
  predictive,
  runSweep,
  type SweepReport,
} from "./bpmf.ts";
import { predictiveSd, type RowVariances, Z90 } from "../model/uncertainty.ts";
import { TrainingCsrs } from "./bpmf_data.ts";
import { project } from "../model/meta_params.ts";
import { readSamplerState, type SamplerHeader, writeSamplerState } from "./bpmf_state_file.ts";
import type { MovieFeatures } from "../features/movie_features.ts";

/** Sampling time between two writes of the sampler's state, as a multiple of the last write's time. */
export const STATE_SPACING = 10;

/** Calibration of the test predictions of movies with `min..max` training ratings. */
export interface CalibrationBucket {
  /** Fewest training ratings of a movie in the bucket. */
  minRatings: number;
  /** Most (Infinity for the last bucket). */
  maxRatings: number;
  /** Test ratings in the bucket. */
  n: number;
  /** RMSE of the clamped posterior means. */
  rmse: number;
  /** Share of the ratings inside their 90% interval. */
  coverage90: number;
  /** Mean width of the 90% interval. */
  meanWidth90: number;
}

/** Lower edges of the calibration buckets (training ratings of the movie). */
export const BUCKET_EDGES = [0, 1, 5, 20, 100];

/** What {@link bpmfOnSplit} produced. */
export interface BpmfSplitResult {
  /** The posterior mean of every row as a rating model (the caller owns it). */
  model: PmfModel;
  /** The rows' posterior variances and the noise variance, in the model's layout. */
  variances: RowVariances;
  /** One report per sweep. */
  history: SweepReport[];
  /** Seconds of each sweep. */
  sweepSeconds: number[];
  /**
   * Test metrics of the posterior predictive (the samples' mean and spread) and of the baselines;
   * `stored`: of what the model file keeps and `predict` shows (the mean rows, the variances' interval).
   */
  test: {
    model: Metrics & { coverage90: number };
    stored: Metrics & { coverage90: number };
    globalMean: Metrics;
    biasOnly: Metrics;
    buckets: CalibrationBucket[];
    /** With `alsoSide`: the posterior predictive on that side. */
    also?: Metrics & { coverage90: number };
  };
  /** Posterior mean of the noise standard deviation. */
  noiseSd: number;
}

/** Samples on the TRAIN side of `split` and measures on TEST; see the module doc. */
export async function bpmfOnSplit(
  core: WasmCore,
  ratings: Ratings,
  split: Uint8Array,
  options: {
    config: BpmfConfig;
    threads: number;
    onSweep?: (r: SweepReport, seconds: number) => void;
    /** Movie features (one row per movie) as the movies' prior mean, or null. */
    features?: MovieFeatures | null;
    /** Another side of `split` to measure like TEST (the cold-start evaluation's held-out movies). */
    alsoSide?: number;
    /**
     * Keep the sampler's state in `path` (after the first sweep, then whenever sampling has run
     * {@link STATE_SPACING} times as long as the last write took, or after every sweep with `everySweep`)
     * and, with `resume`, continue from it; `run` says which ratings and split it belongs to.
     */
    state?: {
      path: string;
      resume: boolean;
      run: Pick<SamplerHeader, "fingerprint" | "split">;
      everySweep?: boolean;
    };
  },
): Promise<BpmfSplitResult> {
  const config = options.config;
  checkBpmfConfig(core, config);
  using data = new TrainingCsrs(core, ratings, (i) => split[i] === SPLIT.TRAIN);
  using validation = gatherSide(core, ratings, split, SPLIT.VALIDATION);
  using test = gatherSide(core, ratings, split, SPLIT.TEST);
  using state = new BpmfState(core, ratings.nUsers, ratings.nMovies, config, options.features ?? null);
  using validationSums = new PredictionSums(core, validation);
  using testSums = new PredictionSums(core, test);
  using also = options.alsoSide === undefined ? null : gatherSide(core, ratings, split, options.alsoSide);
  using alsoSums = also ? new PredictionSums(core, also) : null;
  const sums = [validationSums, testSums, ...(alsoSums ? [alsoSums] : [])];
  await using pool = await WorkerPool.create(core, { threads: options.threads });
  const history: SweepReport[] = [], sweepSeconds: number[] = [];
  let alpha = 2, first = 0;
  const keep = options.state;
  const stateHeader = keep ? { config, ...keep.run, featureSchema: options.features?.schema ?? null } : null;
  if (keep?.resume) {
    const saved = await readSamplerState(core, keep.path, state, sums, stateHeader!);
    ({ alpha, sweep: first } = saved);
    history.push(...saved.history);
  }
  let lastWrite: { end: number; took: number } | null = null;
  for (let s = first; s < config.sweeps; s++) {
    const t = performance.now();
    const report = await runSweep({ core, pool, data, state, sums }, s, alpha);
    alpha = report.alpha;
    history.push(report);
    sweepSeconds.push((performance.now() - t) / 1000);
    options.onSweep?.(report, sweepSeconds.at(-1)!);
    const due = !lastWrite || keep?.everySweep ||
      performance.now() - lastWrite.end >= STATE_SPACING * lastWrite.took;
    if (keep && s + 1 < config.sweeps && due) {
      const w = performance.now();
      await writeSamplerState(core, keep.path, state, sums, {
        ...stateHeader!,
        sweep: s + 1,
        alpha,
        kept: state.kept,
        noiseVarianceSum: state.noiseVarianceSum,
        history,
      });
      lastWrite = { end: performance.now(), took: performance.now() - w };
    }
  }
  const means = meanModel(core, ratings, state, data.mean);
  const { variances } = means;
  const stored = storedErrors(means.model, variances, test);
  const model = state.projection ? withProjection(core, means.model, state, variances) : means.model;
  using train = gatherSide(core, ratings, split, SPLIT.TRAIN);
  const bias = fitBiases(train, ratings.nUsers, ratings.nMovies);
  const counts = data.byMovie.indptr.view;
  return {
    model,
    variances,
    history,
    sweepSeconds,
    test: {
      model: posteriorErrors(testSums, state),
      stored,
      globalMean: constantMetrics(test, meanOf(train)),
      biasOnly: biasMetrics(bias, test),
      buckets: calibrationBuckets(testSums, state, (m) => counts[m + 1] - counts[m]),
      ...(alsoSums ? { also: posteriorErrors(alsoSums, state) } : {}),
    },
    noiseSd: Math.sqrt(state.noiseVarianceSum / Math.max(1, state.kept)),
  };
}

/**
 * The kept samples' mean rows as a rating model (factors in `p`, `q`; biases in `bu`, `bi`) and their
 * variances in the same layout.
 */
function meanModel(
  core: WasmCore,
  ratings: Ratings,
  state: BpmfState,
  mean: number,
): { model: PmfModel; variances: RowVariances } {
  const k = state.config.k, s = state.stride, kept = Math.max(1, state.kept);
  const model = new PmfModel(
    core,
    { nUsers: ratings.nUsers, nMovies: ratings.nMovies, k },
    ratings.userIds,
    ratings.movieIds,
  );
  model.mu = Math.fround(mean);
  const t = model.stride;
  const variances: RowVariances = {
    users: new Float32Array(ratings.nUsers * t),
    userBias: new Float32Array(ratings.nUsers),
    movies: new Float32Array(ratings.nMovies * t),
    movieBias: new Float32Array(ratings.nMovies),
    noise: state.noiseVarianceSum / kept,
  };
  const sides: [Float64Array, Float64Array, Float32Array, Float32Array, Float32Array, Float32Array][] = [
    [state.userSums, state.userSquares, model.p.view, model.bu.view, variances.users, variances.userBias],
    [state.movieSums, state.movieSquares, model.q.view, model.bi.view, variances.movies, variances.movieBias],
  ];
  for (const [sums, squares, rows, biases, rowVar, biasVar] of sides) {
    for (let r = 0; r < biases.length; r++) {
      for (let j = 0; j <= k; j++) {
        const m = sums[r * s + j] / kept, v = Math.max(0, squares[r * s + j] / kept - m * m);
        if (j < k) {
          rows[r * t + j] = m;
          rowVar[r * t + j] = v;
        } else {
          biases[r] = m;
          biasVar[r] = v;
        }
      }
    }
  }
  return { model, variances };
}

/**
 * The posterior mean rows of a model sampled with features, in the form of a model with a metadata
 * projection (`lib/model/meta_params.ts`: a movie's vector `q_i + W·f_i`, bias `b_i + w_b·f_i`): W and
 * w_b are β's posterior mean, and the movie prior's mean μ goes into the user biases (`p_u·μ_q`) and the
 * global mean (`μ_b`), so the predictions of rated movies are unchanged and a movie with features and no
 * ratings gets its prior mean `μ + βᵀf`. Frees `means`; records the prior's variances in `variances`.
 */
function withProjection(
  core: WasmCore,
  means: PmfModel,
  state: BpmfState,
  variances: RowVariances,
): PmfModel {
  const pr = state.projection!, f = pr.features, kept = Math.max(1, state.kept);
  const k = means.k, d = k + 1, t = means.stride, nf = f.nFeatures;
  const model = new PmfModel(
    core,
    { nUsers: means.nUsers, nMovies: means.nMovies, k },
    means.userIds,
    means.movieIds,
    { nFeatures: nf, schema: f.schema, hidden: 0 },
  );
  try {
    const beta = Float64Array.from(pr.betaSum, (x) => x / kept);
    const prior = Float64Array.from(pr.priorMeanSum, (x) => x / kept);
    const [w, wb] = model.meta!.tensors.map((a) => a.view);
    for (let c = 0; c < nf; c++) {
      for (let j = 0; j < k; j++) w[c * t + j] = beta[c * d + j];
      wb[c] = beta[c * d + k];
    }
    // W·f_i and w_b·f_i by the projection loaded models use, so they give back the sampled rows.
    const [m, mb] = core.allocArrays(Float32Array, [model.nMovies * t, model.nMovies], 64);
    using _m = m, _mb = mb;
    project(core, f, model.meta!, m, mb);
    const q = model.q.view, bi = model.bi.view, mq = means.q.view, mbi = means.bi.view;
    for (let i = 0; i < model.nMovies; i++) {
      for (let j = 0; j < k; j++) q[i * t + j] = mq[i * t + j] - prior[j] - m.view[i * t + j];
      bi[i] = mbi[i] - prior[k] - mb.view[i];
    }
    const p = model.p.view, bu = model.bu.view;
    p.set(means.p.view);
    for (let u = 0; u < model.nUsers; u++) {
      let dot = 0;
      for (let j = 0; j < k; j++) dot += p[u * t + j] * prior[j];
      bu[u] = means.bu.view[u] + dot;
    }
    model.mu = Math.fround(means.mu + prior[k]);
    const factors = new Float32Array(t);
    for (let j = 0; j < k; j++) factors[j] = pr.priorVarianceSum[j] / kept;
    variances.prior = { factors, bias: pr.priorVarianceSum[k] / kept };
  } catch (error) {
    model.free();
    throw error;
  } finally {
    means.free();
  }
  return model;
}

/** Errors and 90% coverage of the stored model's predictions (mean rows, the variances' sd) on `set`. */
function storedErrors(model: PmfModel, v: RowVariances, set: RatingSet): Metrics & { coverage90: number } {
  const u = set.users.view, m = set.movies.view, r = set.ratings.view;
  const p = model.p.view, q = model.q.view, bu = model.bu.view, bi = model.bi.view, t = model.stride;
  let se = 0, ae = 0, inside = 0;
  for (let i = 0; i < set.n; i++) {
    let y = model.mu + bu[u[i]] + bi[m[i]];
    for (let j = 0; j < model.k; j++) y += p[u[i] * t + j] * q[m[i] * t + j];
    const sd = predictiveSd(v, p, u[i] * t, q, m[i] * t, model.k, u[i], m[i], t);
    const err = r[i] - Math.min(5, Math.max(0.5, y));
    se += err * err;
    ae += Math.abs(err);
    if (Math.abs(r[i] - y) <= Z90 * sd) inside++;
  }
  const n = Math.max(1, set.n);
  return { rmse: Math.sqrt(se / n), mae: ae / n, n: set.n, coverage90: inside / n };
}

/** Calibration of `sums`' ratings by the movie's training rating count (see {@link BUCKET_EDGES}). */
export function calibrationBuckets(
  sums: PredictionSums,
  state: BpmfState,
  ratingsOf: (movie: number) => number,
): CalibrationBucket[] {
  const buckets = BUCKET_EDGES.map((min, b) => ({
    minRatings: min,
    maxRatings: b + 1 < BUCKET_EDGES.length ? BUCKET_EDGES[b + 1] - 1 : Infinity,
    n: 0,
    se: 0,
    inside: 0,
    width: 0,
  }));
  const r = sums.set.ratings.view, movies = sums.set.movies.view;
  for (let i = 0; i < sums.set.n; i++) {
    const count = ratingsOf(movies[i]);
    const b = buckets.findLast((x) => count >= x.minRatings)!;
    const { mean, sd } = predictive(sums, state, i);
    const err = r[i] - Math.min(5, Math.max(0.5, mean));
    b.n++;
    b.se += err * err;
    b.width += 2 * Z90 * sd;
    if (Math.abs(r[i] - mean) <= Z90 * sd) b.inside++;
  }
  return buckets.map((b) => ({
    minRatings: b.minRatings,
    maxRatings: b.maxRatings,
    n: b.n,
    rmse: b.n ? Math.sqrt(b.se / b.n) : NaN,
    coverage90: b.n ? b.inside / b.n : NaN,
    meanWidth90: b.n ? b.width / b.n : NaN,
  }));
}

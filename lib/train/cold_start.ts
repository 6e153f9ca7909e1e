/**
 * Cold-start evaluation: 10% of the movies (a seeded hash of their MovieLens
 * id) are held out entirely — none of their ratings is trained on — and the
 * model predicts them from biases and metadata alone. Reports RMSE and MAE on
 * those cold ratings and on the usual warm test ratings, for biases only, PMF
 * without metadata, and PMF with metadata.
 *
 * @module
 */

import { mix32 } from "../util/_random.ts";
import { biasMetrics, evaluateModel, fitBiases, type Metrics } from "../evaluate/evaluate.ts";
import type { MovieFeatures } from "../features/movie_features.ts";
import { WorkerPool } from "../core/pool.ts";
import type { Ratings } from "../ingest/ratings.ts";
import { SPLIT, type SplitOptions, splitRatings } from "../ingest/splits.ts";
import type { TrainConfig } from "./config.ts";
import { gatherSide } from "../ingest/rating_set.ts";
import { trainOnSplit } from "./train_split.ts";
import type { WasmCore } from "../core/wasm.ts";
import type { BpmfConfig } from "./bpmf.ts";
import { bpmfOnSplit } from "./bpmf_split.ts";

/** Split side of the held-out movies' ratings. */
export const COLD = 3;

/** Assigns the ratings of `share` of the movies to {@link COLD}, the rest as `split` says. */
export function coldStartSplit(ratings: Ratings, split: SplitOptions, share = 0.1, seed = 42): Uint8Array {
  const out = splitRatings(ratings, split);
  const cold = Uint8Array.from(
    ratings.movieIds,
    (id) => (mix32(mix32(seed ^ 0xc01d) ^ id) / 4294967296 < share ? 1 : 0),
  );
  const m = ratings.columns.movies.view;
  for (let i = 0; i < out.length; i++) if (cold[m[i]]) out[i] = COLD;
  return out;
}

/** Metrics of the three models on one set of ratings. */
export interface ColdStartRow {
  /** μ + b_u + b_i (b_i is 0 for a cold movie). */
  biasOnly: Metrics;
  /** PMF without metadata. */
  noMetadata: Metrics;
  /** PMF with metadata, or null without features. */
  metadata: Metrics | null;
  /** When asked: Bayesian PMF without features, with the share of ratings inside their 90% intervals. */
  bayes?: Metrics & { coverage90: number };
  /** When asked: Bayesian PMF with the features as the movies' prior mean, or null without features. */
  bayesMetadata?: (Metrics & { coverage90: number }) | null;
}

/** What {@link coldStartEvaluation} measured. */
export interface ColdStartReport {
  /** Held-out movies and their ratings. */
  coldMovies: number;
  /** Ratings of the held-out movies. */
  coldRatings: number;
  /** Held-out movies that have metadata. */
  coldMoviesWithMetadata: number;
  /** On the held-out movies. */
  cold: ColdStartRow;
  /** On the warm test ratings. */
  warm: ColdStartRow;
}

/** Trains without and (when `features` is given) with metadata, and measures both on cold and warm ratings. */
export async function coldStartEvaluation(
  core: WasmCore,
  ratings: Ratings,
  features: MovieFeatures | null,
  config: TrainConfig,
  threads: number,
  split: SplitOptions,
  bpmf: BpmfConfig | null = null,
): Promise<ColdStartReport> {
  const assignment = coldStartSplit(ratings, split, 0.1, config.seed);
  using train = gatherSide(core, ratings, assignment, SPLIT.TRAIN);
  using cold = gatherSide(core, ratings, assignment, COLD);
  using warm = gatherSide(core, ratings, assignment, SPLIT.TEST);
  const bias = fitBiases(train, ratings.nUsers, ratings.nMovies);
  await using pool = await WorkerPool.create(core, { threads });
  const measure = async (withMeta: boolean) => {
    const run = await trainOnSplit(core, ratings, assignment, {
      config,
      threads,
      features: withMeta ? features : null,
    });
    try {
      const f = withMeta ? features : null;
      return {
        cold: await evaluateModel(core, pool, run.model, cold, f),
        warm: await evaluateModel(core, pool, run.model, warm, f),
      };
    } finally {
      run.model.free();
    }
  };
  const plain = await measure(false);
  const meta = features ? await measure(true) : null;
  // Bayesian PMF measures the held-out movies' ratings like its test ratings (its validation side is unused).
  const sample = async (f: MovieFeatures | null) => {
    const run = await bpmfOnSplit(core, ratings, assignment, {
      config: bpmf!,
      threads,
      features: f,
      alsoSide: COLD,
    });
    run.model.free();
    return { warm: run.test.model, cold: run.test.also! };
  };
  const bayes = bpmf ? await sample(null) : null;
  const bayesMeta = bpmf && features ? await sample(features) : null;
  const bayesRow = (side: "cold" | "warm") =>
    bpmf ? { bayes: bayes![side], bayesMetadata: bayesMeta ? bayesMeta[side] : null } : {};
  const coldIds = new Set<number>();
  const cm = cold.movies.view;
  for (let i = 0; i < cold.n; i++) coldIds.add(cm[i]);
  let withMetadata = 0;
  if (features) {
    const ip = features.indptr.view;
    for (const mi of coldIds) if (ip[mi + 1] > ip[mi]) withMetadata++;
  }
  return {
    coldMovies: coldIds.size,
    coldRatings: cold.n,
    coldMoviesWithMetadata: withMetadata,
    cold: {
      biasOnly: biasMetrics(bias, cold),
      noMetadata: plain.cold,
      metadata: meta?.cold ?? null,
      ...bayesRow("cold"),
    },
    warm: {
      biasOnly: biasMetrics(bias, warm),
      noMetadata: plain.warm,
      metadata: meta?.warm ?? null,
      ...bayesRow("warm"),
    },
  };
}

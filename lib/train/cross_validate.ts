/**
 * k-fold cross-validation: each fold in turn is the test set, the other folds
 * train (with 5% of them held out for early stopping), and the report gives
 * the mean and standard deviation of test RMSE and MAE across folds — and,
 * when asked, of the ranking model's NDCG@10 and recall@20 beside most
 * popular's (the ranking protocol on each fold).
 *
 * @module
 */

import type { MovieFeatures } from "../features/movie_features.ts";
import type { Metrics } from "../evaluate/evaluate.ts";
import type { Ratings } from "../ingest/ratings.ts";
import { kFoldAssignments, SPLIT, splitRatings } from "../ingest/splits.ts";
import type { TrainConfig } from "./config.ts";
import { trainOnSplit } from "./train_split.ts";
import { type ImplicitConfig, rankingAgainstPopular, REPORT_USERS, trainImplicit } from "./implicit.ts";
import { ratedRows } from "./implicit_data.ts";
import { type RankingReport, rankingTask } from "../evaluate/ranking.ts";
import type { BpmfConfig } from "./bpmf.ts";
import { bpmfOnSplit, type CalibrationBucket } from "./bpmf_split.ts";
import { WorkerPool } from "../core/pool.ts";
import type { WasmCore } from "../core/wasm.ts";

/** One fold's result. */
export interface FoldResult {
  /** 0-based fold. */
  fold: number;
  /** Test metrics of the model on this fold. */
  model: Metrics;
  /** Test metrics of the biases-only baseline. */
  biasOnly: Metrics;
  /** Epoch kept (Bayesian PMF: the last sweep). */
  bestEpoch: number;
  /** Validation RMSE after each epoch (Bayesian PMF: of the posterior mean after each kept sample). */
  validationRmse: number[];
  /** Bayesian PMF: share of test ratings inside their 90% interval, and by the movie's training ratings. */
  calibration?: { coverage90: number; buckets: CalibrationBucket[] };
  /** With a ranking model: its lists on this fold beside most popular's (see `rankingAgainstPopular`). */
  ranking?: { users: number; systems: RankingReport[] };
}

/** Mean and standard deviation. */
export interface MeanSd {
  /** Mean across folds. */
  mean: number;
  /** Sample standard deviation across folds. */
  sd: number;
}

/** Summary of a cross-validation. */
export interface CrossValidation {
  /** Per-fold results. */
  folds: FoldResult[];
  /** RMSE across folds. */
  rmse: MeanSd;
  /** MAE across folds. */
  mae: MeanSd;
  /** Biases-only RMSE across folds. */
  biasOnlyRmse: MeanSd;
  /** Bayesian PMF: coverage of the 90% intervals across folds. */
  coverage90?: MeanSd;
  /** With a ranking model: NDCG@10 and recall@20 of it and of most popular across folds. */
  ranking?: { ndcg10: MeanSd; recall20: MeanSd; popularNdcg10: MeanSd; popularRecall20: MeanSd };
}

/** Mean and sample standard deviation of numbers. */
export function meanSd(values: number[]): MeanSd {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = values.length > 1
    ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1))
    : 0;
  return { mean, sd };
}

/** Runs `folds`-fold cross-validation on loaded ratings; see the module doc. */
export async function crossValidate(
  core: WasmCore,
  ratings: Ratings,
  config: TrainConfig,
  options: {
    folds: number;
    threads: number;
    features?: MovieFeatures | null;
    onFold?: (r: FoldResult) => void;
    /** Fit the ranking model on each fold's other folds too, and report its lists on the fold. */
    ranking?: ImplicitConfig | null;
    /** Sample Bayesian PMF with these settings instead of training `config`'s model. */
    bpmf?: BpmfConfig | null;
  },
): Promise<CrossValidation> {
  const folds = kFoldAssignments(ratings, options.folds, config.seed);
  const inner = splitRatings(ratings, { kind: "random", seed: config.seed + 1, validation: 0.05, test: 0 });
  const results: FoldResult[] = [];
  for (let f = 0; f < options.folds; f++) {
    const split = new Uint8Array(ratings.nRatings);
    for (let i = 0; i < split.length; i++) split[i] = folds[i] === f ? SPLIT.TEST : inner[i];
    const r = options.bpmf
      ? await bpmfFold(core, ratings, split, f, options.bpmf, options.threads, options.features ?? null)
      : await sgdFold(core, ratings, split, f, config, options);
    if (options.ranking) {
      const task = rankingTask(ratings, split, { maxUsers: REPORT_USERS, seed: config.seed });
      await using pool = await WorkerPool.create(core, { threads: options.threads });
      const rows = ratedRows(core, ratings, (i) => split[i] !== SPLIT.TEST);
      using factors = (await trainImplicit(core, pool, rows, ratings.nMovies, options.ranking)).factors;
      r.ranking = rankingAgainstPopular(core, factors, task);
    }
    results.push(r);
    options.onFold?.(r);
  }
  const across = (system: number, at: (a: RankingReport["at"]) => number) =>
    meanSd(results.map((r) => at(r.ranking!.systems[system].at)));
  return {
    folds: results,
    rmse: meanSd(results.map((r) => r.model.rmse)),
    mae: meanSd(results.map((r) => r.model.mae)),
    biasOnlyRmse: meanSd(results.map((r) => r.biasOnly.rmse)),
    ...(options.bpmf ? { coverage90: meanSd(results.map((r) => r.calibration!.coverage90)) } : {}),
    ...(options.ranking
      ? {
        ranking: {
          ndcg10: across(0, (a) => a[10].ndcg),
          recall20: across(0, (a) => a[20].recall),
          popularNdcg10: across(1, (a) => a[10].ndcg),
          popularRecall20: across(1, (a) => a[20].recall),
        },
      }
      : {}),
  };
}

async function sgdFold(
  core: WasmCore,
  ratings: Ratings,
  split: Uint8Array,
  fold: number,
  config: TrainConfig,
  options: { threads: number; features?: MovieFeatures | null },
): Promise<FoldResult> {
  const run = await trainOnSplit(core, ratings, split, {
    config,
    threads: options.threads,
    features: options.features ?? null,
  });
  run.model.free();
  return {
    fold,
    model: run.test.model,
    biasOnly: run.test.biasOnly,
    bestEpoch: run.bestEpoch,
    validationRmse: run.history.map((h) => h.validationRmse),
  };
}

async function bpmfFold(
  core: WasmCore,
  ratings: Ratings,
  split: Uint8Array,
  fold: number,
  config: BpmfConfig,
  threads: number,
  features: MovieFeatures | null,
): Promise<FoldResult> {
  const run = await bpmfOnSplit(core, ratings, split, { config, threads, features });
  run.model.free();
  const { coverage90, ...model } = run.test.model;
  return {
    fold,
    model,
    biasOnly: run.test.biasOnly,
    bestEpoch: config.sweeps,
    validationRmse: run.history.slice(config.burnIn).map((h) => h.validationRmse),
    calibration: { coverage90, buckets: run.test.buckets },
  };
}

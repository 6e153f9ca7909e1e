/**
 * k-fold cross-validation: each fold in turn is the test set, the other folds
 * train (with 5% of them held out for early stopping), and the report gives
 * the mean and standard deviation of test RMSE and MAE across folds.
 *
 * @module
 */

import type { MovieFeatures } from "../features/movie_features.ts";
import type { Metrics } from "../evaluate/evaluate.ts";
import type { Ratings } from "../ingest/ratings.ts";
import { kFoldAssignments, SPLIT, splitRatings } from "../ingest/splits.ts";
import type { TrainConfig } from "./config.ts";
import { trainOnSplit } from "./train_split.ts";
import type { WasmCore } from "../core/wasm.ts";

/** One fold's result. */
export interface FoldResult {
  /** 0-based fold. */
  fold: number;
  /** Test metrics of the model on this fold. */
  model: Metrics;
  /** Test metrics of the biases-only baseline. */
  biasOnly: Metrics;
  /** Epoch kept. */
  bestEpoch: number;
  /** Validation RMSE after each epoch. */
  validationRmse: number[];
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
  },
): Promise<CrossValidation> {
  const folds = kFoldAssignments(ratings, options.folds, config.seed);
  const inner = splitRatings(ratings, { kind: "random", seed: config.seed + 1, validation: 0.05, test: 0 });
  const results: FoldResult[] = [];
  for (let f = 0; f < options.folds; f++) {
    const split = new Uint8Array(ratings.nRatings);
    for (let i = 0; i < split.length; i++) split[i] = folds[i] === f ? SPLIT.TEST : inner[i];
    const run = await trainOnSplit(core, ratings, split, {
      config,
      threads: options.threads,
      features: options.features ?? null,
    });
    run.model.free();
    const r = {
      fold: f,
      model: run.test.model,
      biasOnly: run.test.biasOnly,
      bestEpoch: run.bestEpoch,
      validationRmse: run.history.map((h) => h.validationRmse),
    };
    results.push(r);
    options.onFold?.(r);
  }
  return {
    folds: results,
    rmse: meanSd(results.map((r) => r.model.rmse)),
    mae: meanSd(results.map((r) => r.model.mae)),
    biasOnlyRmse: meanSd(results.map((r) => r.biasOnly.rmse)),
  };
}

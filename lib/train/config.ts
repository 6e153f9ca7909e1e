/**
 * The training configuration: every setting with its default, in one place,
 * and one check of all of them before any work starts.
 *
 * @module
 */

import { MAX_FACTORS } from "../model/model.ts";
import type { OptimizerName } from "../model/_pass.ts";

/** Hyper-parameters and schedule of a training run. */
export interface TrainConfig {
  /** Number of factors. Default: 64. */
  k: number;
  /** Most epochs to run. Default: 50. */
  epochs: number;
  /**
   * "sgd", "adam", or "adagrad" (per-row AdaGrad, as LIBMF). Default: {@link defaultOptimizer} — AdaGrad,
   * or SGD when the model learns from TMDB metadata.
   */
  optimizer: OptimizerName;
  /** Learning rate of the factors. Default: 0.1 for AdaGrad, 0.015 for SGD, 0.002 for Adam. */
  learningRate: number;
  /** Learning rate of the biases. Default: the factors' rate. */
  biasLearningRate: number;
  /** L2 weight decay of the factors. Default: 0.065 for AdaGrad, 0.08 otherwise. */
  regularization: number;
  /** L2 weight decay of the biases. Default: 0.01. */
  biasRegularization: number;
  /** SGD's learning rate is multiplied by this after every epoch. Default: 0.97. */
  decay: number;
  /** Standard deviation of the initial factors. Default: 0.1. */
  initScale: number;
  /** Seed of the initialisation and the rating order. Default: 42. */
  seed: number;
  /** Stop after this many epochs without a better validation RMSE. Default: 3. */
  patience: number;
  /** Adam learning rate of the metadata projection W. Default: 0.016 for SGD and AdaGrad, 0.008 for Adam. */
  metadataLearningRate: number;
  /**
   * Weight decay of W (against the mean gradient of a round). Default: 0.003 (chosen by measurement: 0.01
   * held W back on ml-latest-small, 0.001 let it overfit the generated set).
   */
  metadataRegularization: number;
  /**
   * With metadata: share of training ratings seen as if their movie were new
   * (its own factors and bias dropped), so W learns to stand in for them:
   * this is what makes cold-start predictions work. Chosen by movie within
   * each block of the training grid (a movie's ratings in a block are all
   * dropped or all kept), a new choice every epoch. Default: 0.1.
   */
  metadataDropout: number;
  /** Hidden ReLU units between the features and the factor space; 0 for a linear projection. Default: 0. */
  metadataHidden: number;
  /**
   * Users and movies are each cut into this many contiguous groups, making a
   * blocks × blocks grid for parallel SGD (DSGD). Part of the model's recipe,
   * independent of the thread count: any number of Workers gives the same
   * model. Default: 8.
   */
  blocks: number;
}

/** Largest DSGD grid side. */
export const MAX_BLOCKS = 64;

/** The optimisers' names, as `--optimizer` and {@link TrainConfig.optimizer} take them. */
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ["sgd", "adam", "adagrad"];

/**
 * The optimiser a run uses when none is named, chosen by measurement: AdaGrad, which reaches a good
 * model in a few epochs (on the ML-20M shape LIBMF's best validation RMSE in half LIBMF's time, where
 * SGD never gets there) and is as accurate or better without metadata (5-fold cv on ml-latest-small
 * 0.8549 against SGD's 0.8554; the generated default's test RMSE 0.7822 against 0.7837); with TMDB
 * metadata, SGD, which predicts new movies better on ml-latest-small (held-out movies 0.8621 against
 * 0.8765) and whose cv is better there (0.8261 against 0.8280).
 *
 * @param metadata Whether the model learns from movie metadata.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultOptimizer } from "../../mod.ts";
 *
 * assert.equal(defaultOptimizer(false), "adagrad");
 * assert.equal(defaultOptimizer(true), "sgd");
 * ```
 */
export function defaultOptimizer(metadata: boolean): OptimizerName {
  return metadata ? "sgd" : "adagrad";
}

/**
 * The defaults of every training setting, in one place.
 *
 * @param optimizer The optimiser, whose learning rate (and, for "adagrad", weight decay) differs:
 *   "adagrad" (default: see {@link defaultOptimizer}), "sgd" or "adam".
 * @returns A complete {@link TrainConfig}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultTrainConfig } from "../../mod.ts";
 *
 * assert.equal(defaultTrainConfig().k, 64);
 * assert.equal(defaultTrainConfig("adam").learningRate, 0.002);
 * ```
 */
export function defaultTrainConfig(optimizer: OptimizerName = defaultOptimizer(false)): TrainConfig {
  const lr = { sgd: 0.015, adam: 0.002, adagrad: 0.1 }[optimizer] ?? 0.015;
  return {
    k: 64,
    epochs: 50,
    optimizer,
    learningRate: lr,
    biasLearningRate: lr,
    regularization: optimizer === "adagrad" ? 0.065 : 0.08,
    biasRegularization: 0.01,
    decay: 0.97,
    initScale: 0.1,
    seed: 42,
    patience: 3,
    metadataLearningRate: optimizer === "adam" ? 0.008 : 0.016,
    metadataRegularization: 0.003,
    metadataDropout: 0.1,
    metadataHidden: 0,
    blocks: 8,
  };
}

/**
 * Fills in defaults and checks every field in one pass; throws RangeError with the fix. `metadata`
 * (whether the model learns from movie metadata) picks the optimiser when `partial` names none.
 */
export function resolveTrainConfig(partial: Partial<TrainConfig> = {}, metadata = false): TrainConfig {
  const base = defaultTrainConfig(partial.optimizer ?? defaultOptimizer(metadata));
  const lr = partial.learningRate ?? base.learningRate;
  const known = Object.fromEntries(
    (Object.keys(base) as (keyof TrainConfig)[]).map((key) => [key, partial[key]]).filter(([, v]) =>
      v !== undefined
    ),
  ) as Partial<TrainConfig>;
  const c: TrainConfig = { ...base, biasLearningRate: lr, ...known, learningRate: lr };
  const check = (ok: boolean, name: string, value: unknown, expected: string) => {
    if (!ok) throw new RangeError(`Invalid ${name} "${value}": expected ${expected}`);
  };
  check(
    OPTIMIZER_NAMES.includes(c.optimizer),
    "optimizer",
    c.optimizer,
    '"sgd", "adam" or "adagrad"',
  );
  check(Number.isInteger(c.k) && c.k >= 1 && c.k <= MAX_FACTORS, "k", c.k, `an integer in 1–${MAX_FACTORS}`);
  check(
    Number.isInteger(c.epochs) && c.epochs >= 1 && c.epochs <= 10000,
    "epochs",
    c.epochs,
    "an integer in 1–10000",
  );
  for (
    const [name, v] of [["learningRate", c.learningRate], ["biasLearningRate", c.biasLearningRate]] as const
  ) {
    check(v > 0 && v <= 10, name, v, "a number in (0, 10]");
  }
  for (
    const [name, v] of [["regularization", c.regularization], [
      "biasRegularization",
      c.biasRegularization,
    ]] as const
  ) {
    check(v >= 0 && v <= 100, name, v, "a number in [0, 100]");
  }
  check(c.decay > 0 && c.decay <= 1, "decay", c.decay, "a number in (0, 1]");
  check(c.initScale >= 0 && c.initScale <= 10, "initScale", c.initScale, "a number in [0, 10]");
  check(Number.isSafeInteger(c.seed), "seed", c.seed, "an integer");
  check(Number.isInteger(c.patience) && c.patience >= 1, "patience", c.patience, "a positive integer");
  check(
    Number.isInteger(c.blocks) && c.blocks >= 1 && c.blocks <= MAX_BLOCKS,
    "blocks",
    c.blocks,
    `an integer in 1–${MAX_BLOCKS}`,
  );
  check(
    c.metadataLearningRate > 0 && c.metadataLearningRate <= 10,
    "metadataLearningRate",
    c.metadataLearningRate,
    "a number in (0, 10]",
  );
  check(
    c.metadataDropout >= 0 && c.metadataDropout < 1,
    "metadataDropout",
    c.metadataDropout,
    "a number in [0, 1)",
  );
  check(
    c.metadataRegularization >= 0 && c.metadataRegularization <= 100,
    "metadataRegularization",
    c.metadataRegularization,
    "a number in [0, 100]",
  );
  return c;
}

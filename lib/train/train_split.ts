/**
 * Training on one split of loaded ratings: lay out the training side for
 * DSGD, train (continuing a state when given) with early stopping on the
 * validation side and a model file after each epoch when asked, then
 * measure the best model and the baselines on the test side. Used by
 * `trainFromFile`, cross-validation and the cold-start evaluation.
 *
 * @module
 */

import { type CheckpointMeta, type StoredMetrics, writeCheckpoint } from "./checkpoint.ts";
import {
  biasMetrics,
  constantMetrics,
  evaluateModel,
  fitBiases,
  meanOf,
  type Metrics,
} from "../evaluate/evaluate.ts";
import type { PmfModel } from "../model/model.ts";
import type { MovieFeatures } from "../features/movie_features.ts";
import { WorkerPool } from "../core/pool.ts";
import type { Ratings } from "../ingest/ratings.ts";
import { SPLIT } from "../ingest/splits.ts";
import { type EpochReport, freeState, initialState, runTraining, type TrainState } from "./train.ts";
import type { TrainConfig } from "./config.ts";
import { gatherSide } from "../ingest/rating_set.ts";
import { buildTrainLayout } from "./train_layout.ts";
import type { WasmCore } from "../core/wasm.ts";

/** Options of {@link trainOnSplit}. */
export interface SplitTrainOptions {
  /** Resolved configuration (ignored when resuming: the state's is used). */
  config: TrainConfig;
  /** Workers (the model does not depend on how many). */
  threads: number;
  /** A state to continue instead of starting afresh. */
  resumed?: TrainState;
  /** Movie features for the metadata projection, or null/undefined for none. */
  features?: MovieFeatures | null;
  /**
   * Model file to write, or null: after the first epoch, at the end, and in
   * between whenever training has run {@link CHECKPOINT_SPACING} times as
   * long as the last write took (so writing costs at most about a twentieth).
   */
  modelPath?: string | null;
  /** What to store in the model file besides the state. */
  meta?: CheckpointMeta;
  /** Called after each epoch with its report and seconds. */
  onEpoch?: (report: EpochReport, seconds: number) => void;
  /** Called with ratings done in the current epoch. */
  onProgress?: (done: number, total: number) => void;
  /** Called after the model file was written, with the state it holds. */
  onSaved?: (saved: { epoch: number; bestEpoch: number; bestValidationRmse: number }) => void;
}

/** Training time between two model-file writes, as a multiple of the last write's time. */
export const CHECKPOINT_SPACING = 20;

/** What {@link trainOnSplit} produced. */
export interface SplitTrainResult {
  /** The best model; the caller owns it. */
  model: PmfModel;
  /** The configuration used. */
  config: TrainConfig;
  /** Epoch history. */
  history: EpochReport[];
  /** Epoch of the kept model. */
  bestEpoch: number;
  /** Seconds of each epoch run here. */
  epochSeconds: number[];
  /** Test metrics of the model and the baselines. */
  test: { model: Metrics; globalMean: Metrics; biasOnly: Metrics };
}

/**
 * Trains on the TRAIN side of `split`, early-stops on VALIDATION and
 * measures on TEST; writes the model file after each epoch when asked.
 */
export async function trainOnSplit(
  core: WasmCore,
  ratings: Ratings,
  split: Uint8Array,
  options: SplitTrainOptions,
): Promise<SplitTrainResult> {
  const { threads, modelPath, meta } = options;
  const config = options.resumed?.config ?? options.config;
  const layout = buildTrainLayout(core, ratings, split, SPLIT.TRAIN, config.blocks, config.seed);
  using _train = layout.set;
  using validation = gatherSide(core, ratings, split, SPLIT.VALIDATION);
  using test = gatherSide(core, ratings, split, SPLIT.TEST);
  const features = options.features ?? null;
  const state = options.resumed ??
    initialState(core, options.config, layout.set, ratings.userIds, ratings.movieIds, features);

  await using pool = await WorkerPool.create(core, { threads });
  const epochSeconds: number[] = [];
  let epochStart = performance.now();
  let lastWrite: { end: number; took: number } | null = null, due = 0;
  try {
    await runTraining({
      core,
      pool,
      layout,
      validation,
      state,
      onProgress: options.onProgress,
      onEpoch: (report) => {
        const seconds = (performance.now() - epochStart) / 1000;
        epochSeconds.push(seconds);
        options.onEpoch?.(report, seconds);
      },
      onCheckpoint: async (s) => {
        const last = s.finished || s.epoch >= s.config.epochs;
        if (modelPath && meta && (last || lastWrite === null || performance.now() - lastWrite.end >= due)) {
          const t = performance.now();
          await writeCheckpoint(core, modelPath, s, meta);
          lastWrite = { end: performance.now(), took: performance.now() - t };
          due = CHECKPOINT_SPACING * lastWrite.took;
          options.onSaved?.({
            epoch: s.epoch,
            bestEpoch: s.bestEpoch,
            bestValidationRmse: s.bestValidationRmse,
          });
        }
        epochStart = performance.now();
      },
    });
    const bias = fitBiases(layout.set, ratings.nUsers, ratings.nMovies);
    const results = {
      model: await evaluateModel(core, pool, state.best, test, features),
      globalMean: constantMetrics(test, meanOf(layout.set)),
      biasOnly: biasMetrics(bias, test),
    };
    if (modelPath && meta && test.n) {
      const metrics: StoredMetrics = {
        nTest: test.n,
        test: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { rmse: v.rmse, mae: v.mae }])),
      };
      await writeCheckpoint(core, modelPath, state, { ...meta, metrics });
    }
    state.model.free();
    state.optimizerState?.free();
    return {
      model: state.best,
      config: state.config,
      history: state.history,
      bestEpoch: state.bestEpoch,
      epochSeconds,
      test: results,
    };
  } catch (error) {
    // Drain the Workers before freeing anything they may still touch.
    await pool.close();
    freeState(state);
    throw error;
  }
}

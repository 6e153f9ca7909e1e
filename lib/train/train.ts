/**
 * Multi-threaded PMF training: DSGD over a pool of Workers sharing the core's
 * memory, SGD (with a decaying learning rate) or Adam, validation after every
 * epoch, early stopping that keeps the best epoch, and a divergence check.
 *
 * Reproducible: the same options and data give the same model bits on one
 * machine with any number of Workers, because the block grid is part of the
 * configuration (not the thread count), the rating order inside each block
 * and the initialisation derive from the seed, blocks trained at the same
 * time share no rows, and partial sums are combined in a fixed order.
 *
 * @module
 */

import { fillPass, OptimizerState, type PassHyper } from "../model/_pass.ts";
import { mix32, Rng } from "../util/_random.ts";
import { evaluateModel } from "../evaluate/evaluate.ts";
import { initHidden, MetaTrainer } from "../model/meta_params.ts";
import { PmfModel } from "../model/model.ts";
import type { TrainConfig } from "./config.ts";
import type { MovieFeatures } from "../features/movie_features.ts";
import { type PoolTask, settleAll, type WorkerPool } from "../core/pool.ts";
import type { TrainLayout } from "./train_layout.ts";
import type { RatingSet } from "../ingest/rating_set.ts";
import { TrainPass, type WasmCore } from "../core/wasm.ts";

/** One epoch's figures. */
export interface EpochReport {
  /** 1-based epoch number. */
  epoch: number;
  /** RMSE on the training ratings, measured during the pass (before each update). */
  trainRmse: number;
  /** RMSE on the validation ratings after the epoch (NaN without validation). */
  validationRmse: number;
  /** Factor learning rate used in this epoch. */
  learningRate: number;
  /** True when this epoch is the best so far. */
  best: boolean;
}

/** Everything needed to continue a run exactly where it stopped. */
export interface TrainState {
  /** Resolved configuration. */
  config: TrainConfig;
  /** Epochs completed. */
  epoch: number;
  /** Current parameters. */
  model: PmfModel;
  /** Best parameters so far (by validation RMSE). */
  best: PmfModel;
  /** Epoch of `best` (0 before the first epoch). */
  bestEpoch: number;
  /** Validation RMSE of `best`. */
  bestValidationRmse: number;
  /** The optimiser's state (Adam's moments, AdaGrad's sums), or null for SGD. */
  optimizerState: OptimizerState | null;
  /** Movie features of a model with metadata (not owned by the state), or null. */
  features: MovieFeatures | null;
  /** W's optimiser and per-movie buffers, or null without metadata. */
  metaTrainer: MetaTrainer | null;
  /** Per-epoch history. */
  history: EpochReport[];
  /** True once early stopping or the epoch limit ended the run. */
  finished: boolean;
}

/**
 * Training stopped because the loss became NaN or exploded; the message names
 * the epoch and a smaller learning rate to try, and the last good model file
 * is kept.
 *
 * @example A learning rate far too large
 * ```ts
 * import assert from "node:assert/strict";
 * import { fit, TrainingDivergedError } from "../../mod.ts";
 *
 * const ratings = [];
 * for (let u = 1; u <= 30; u++) for (let m = 1; m <= 30; m++) ratings.push({ userId: u, movieId: m, rating: 5 - ((u * m) % 9) / 2 });
 * await assert.rejects(fit(ratings, { learningRate: 10, regularization: 0 }), (e) => {
 *   assert.ok(e instanceof TrainingDivergedError);
 *   assert.match(e.message, /use a smaller learning rate/);
 *   return true;
 * });
 * ```
 */
export class TrainingDivergedError extends Error {
  /** The epoch at which it happened. */
  readonly epoch: number;
  /** Builds the error with the advice to lower the learning rate. */
  constructor(epoch: number, trainRmse: number, lr: number) {
    super(
      `Training diverged at epoch ${epoch}: train RMSE is ${
        Number.isNaN(trainRmse) ? "NaN" : trainRmse.toFixed(2)
      }; use a smaller learning rate, for example --lr ${
        (lr / 4).toPrecision(2)
      } (now ${lr}); the last good checkpoint was kept`,
    );
    this.name = "TrainingDivergedError";
    this.epoch = epoch;
  }
}

/** Inputs of {@link runTraining}. */
export interface TrainRun {
  /** The core. */
  core: WasmCore;
  /** Workers (any number: the layout's grid fixes the result). */
  pool: WorkerPool;
  /** Training ratings in block order. */
  layout: TrainLayout;
  /** Validation ratings (may be empty: then every epoch counts as best). */
  validation: RatingSet;
  /** State to continue. */
  state: TrainState;
  /** Called after each epoch, before the checkpoint hook. */
  onEpoch?: (report: EpochReport) => void;
  /** Called with ratings done in the current epoch. */
  onProgress?: (done: number, total: number) => void;
  /** Awaited after each good epoch: write a checkpoint here. */
  onCheckpoint?: (state: TrainState) => Promise<void>;
}

/**
 * Starts a fresh state: μ from the training ratings, small random factors,
 * zero biases, zero W. Movies without training ratings keep zero factors, so
 * their predictions come from biases and metadata alone (cold start).
 */
export function initialState(
  core: WasmCore,
  config: TrainConfig,
  train: RatingSet,
  userIds: Uint32Array,
  movieIds: Uint32Array,
  features: MovieFeatures | null = null,
): TrainState {
  const shape = { nUsers: userIds.length, nMovies: movieIds.length, k: config.k };
  const meta = features
    ? { nFeatures: features.nFeatures, schema: features.schema, hidden: config.metadataHidden }
    : null;
  const model = new PmfModel(core, shape, userIds, movieIds, meta);
  const best = new PmfModel(core, shape, userIds, movieIds, meta);
  let sum = 0;
  const r = train.ratings.view;
  for (let i = 0; i < train.n; i++) sum += r[i];
  model.mu = train.n ? sum / train.n : 3;
  const rng = new Rng(config.seed, 7);
  for (const arr of [model.p, model.q]) {
    const v = arr.view;
    for (let row = 0; row < v.length / model.stride; row++) {
      for (let j = 0; j < config.k; j++) {
        v[row * model.stride + j] = Math.fround(rng.normal() * config.initScale);
      }
    }
  }
  const rated = new Uint8Array(model.nMovies);
  const tm = train.movies.view;
  for (let i = 0; i < train.n; i++) rated[tm[i]] = 1;
  const qv = model.q.view;
  for (let mi = 0; mi < model.nMovies; mi++) {
    if (!rated[mi]) qv.fill(0, mi * model.stride, (mi + 1) * model.stride);
  }
  if (model.meta?.hidden) initHidden(model.meta, config.seed);
  best.copyFrom(model);
  const optimizerState = OptimizerState.create(core, model, config.optimizer);
  const metaTrainer = model.meta ? new MetaTrainer(core, model.nMovies, model.meta) : null;
  return {
    features,
    metaTrainer,
    config,
    epoch: 0,
    model,
    best,
    bestEpoch: 0,
    bestValidationRmse: Infinity,
    optimizerState,
    history: [],
    finished: false,
  };
}

/** Frees the state's shared memory (not the features, which the caller owns). */
export function freeState(state: TrainState): void {
  state.model.free();
  state.best.free();
  state.optimizerState?.free();
  state.metaTrainer?.free();
}

/** Ratings per task, so progress moves and Workers stay busy. */
const CHUNK = 1 << 20;
/**
 * With metadata and Adam, W takes this many Adam steps per epoch, spread over the
 * sub-epochs (at least one each), whatever the grid: each step projects
 * every movie again and waits for every Worker. Measured on ml-latest-small
 * and the generated default (cold-start evaluation and 5-fold cv): 8 steps at
 * learning rate 0.008 hold warm RMSE and lower cold-start RMSE against 16 at
 * 0.002, for a quarter less time per metadata epoch on the ML-20M shape.
 */
const META_STEPS_PER_EPOCH = 8;
/**
 * W's Adam steps per epoch with SGD and AdaGrad, which train the movies'
 * effective rows between them (see MetaTrainer.enter): each step also costs a
 * pass over the movie rows to recover W's gradient. With SGD, 4 steps at
 * learning rate 0.016 measured as accurate as the joint path's 8 at 0.008
 * (cold-start and warm RMSE on ml-latest-small with TMDB and the generated
 * default, 5-fold cv); 3 at 0.021 and 2 at 0.032 were 0.1% worse on
 * ml-latest-small's warm RMSE. With AdaGrad, 4 steps at 0.016 against the
 * joint path's 8 at 0.008: 5-fold cv on ml-latest-small 0.8280 against 0.8284,
 * cold-start RMSE 0.8765/0.8665 against 0.8804/0.8691 (seeds 42, 1), and a
 * third off the epoch on the ML-20M shape.
 */
const PRIOR_STEPS_PER_EPOCH = 4;

/** Trains until the epoch limit or early stopping; mutates and returns `run.state`. */
export async function runTraining(run: TrainRun): Promise<TrainState> {
  const { core, pool, layout, state } = run;
  const c = state.config;
  const g = layout.groups;
  using pass = new TrainPass();
  const address = pass.address();
  const trainTask = (start: number, end: number): PoolTask<"trainRange"> => ({
    kernel: "trainRange",
    args: [address, start, end, false],
  });
  // Whether the trainer's buffers hold W's projection: every epoch ends with a step of W, which projects again.
  let projected = false;
  while (!state.finished && state.epoch < c.epochs) {
    const epoch = state.epoch + 1;
    const lr = c.optimizer === "sgd" ? c.learningRate * c.decay ** (epoch - 1) : c.learningRate;
    const lrBias = c.optimizer === "sgd" ? c.biasLearningRate * c.decay ** (epoch - 1) : c.biasLearningRate;
    const hyper: PassHyper = {
      optimizer: c.optimizer,
      lr,
      lrBias,
      reg: c.regularization,
      regBias: c.biasRegularization,
      drop: c.metadataDropout,
      salt: mix32(c.seed ^ Math.imul(epoch, 0x9e3779b1)),
    };
    const meta = state.model.meta && state.metaTrainer && state.features
      ? { params: state.model.meta, trainer: state.metaTrainer, features: state.features }
      : null;
    fillPass(pass, state.model, layout.set, hyper, state.optimizerState, meta?.trainer.buffers ?? null);
    // Squared-error sums per task, added up in task order (not completion order).
    const sums: number[] = [];
    let done = 0;
    // In sub-epoch s, block (w, (w + s) mod g) of every user group w: no two share a row.
    const block = (w: number, s: number) => w * g + ((w + s) % g);
    if (meta) {
      // SGD and AdaGrad train the rated movies' `q + W·f` directly between W's steps
      // (see MetaTrainer.enter), with a plain per-rating step.
      const prior = c.optimizer !== "adam";
      const steps = prior ? PRIOR_STEPS_PER_EPOCH : META_STEPS_PER_EPOCH;
      const rounds = Math.max(1, Math.round(steps / g));
      const slices = g * rounds, wSteps = prior ? Math.min(steps, slices) : slices;
      const rows = { q: state.model.q, bi: state.model.bi, stride: state.model.stride };
      if (!projected) await meta.trainer.project(core, meta.features, meta.params, pool);
      projected = true;
      if (prior) await meta.trainer.enter(core, rows, layout.movieCounts, pool);
      let pending = 0, taken = 0;
      for (let s = 0; s < g; s++) {
        // Rounds: every block trains one slice; W steps after some of them.
        for (let r = 0; r < rounds; r++) {
          const tasks: PoolTask<"trainRange">[] = [];
          let n = 0;
          for (let w = 0; w < g; w++) {
            const lo = layout.blockOffsets[block(w, s)], len = layout.blockOffsets[block(w, s) + 1] - lo;
            const start = lo + Math.floor((len * r) / rounds),
              end = lo + Math.floor((len * (r + 1)) / rounds);
            tasks.push(trainTask(start, end));
            n += end - start;
          }
          sums.push(...await pool.runAll(tasks));
          done += n;
          pending += n;
          run.onProgress?.(done, layout.set.n);
          if (Math.floor(((s * rounds + r + 1) * wSteps) / slices) === taken) continue;
          taken++;
          if (c.optimizer === "adagrad") {
            const { si } = state.optimizerState!;
            await meta.trainer.leaveAdagrad(core, rows, layout.movieCounts, c.regularization, si, pool);
          } else if (prior) {
            const share = (1 - c.metadataDropout) * pending / Math.max(1, layout.set.n);
            const rates = { lr, lrBias, reg: c.regularization, regBias: c.biasRegularization, share };
            await meta.trainer.leave(core, rows, layout.movieCounts, rates, pool);
          }
          await meta.trainer.step(
            core,
            meta.features,
            meta.params,
            pending,
            c.metadataLearningRate,
            c.metadataRegularization,
            pool,
          );
          pending = 0;
          if (prior && taken < wSteps) await meta.trainer.enter(core, rows, layout.movieCounts, pool);
        }
      }
    }
    for (let s = 0; s < g && !meta; s++) {
      // Block w goes to Worker w mod size; each Worker trains its blocks in order, in chunks.
      const perWorker: { task: PoolTask<"trainRange">; slot: number }[][] = Array.from(
        { length: pool.size },
        () => [],
      );
      for (let w = 0; w < g; w++) {
        const end = layout.blockOffsets[block(w, s) + 1];
        for (let start = layout.blockOffsets[block(w, s)]; start < end; start += CHUNK) {
          perWorker[w % pool.size].push({
            task: trainTask(start, Math.min(start + CHUNK, end)),
            slot: sums.length,
          });
          sums.push(0);
        }
      }
      await settleAll(perWorker.map(async (tasks, t) => {
        for (const { task, slot } of tasks) {
          sums[slot] = await pool.run(t, task);
          done += task.args[2] - task.args[1];
          run.onProgress?.(done, layout.set.n);
        }
      }));
    }
    let sse = 0;
    for (const part of sums) sse += part;
    const trainRmse = Math.sqrt(sse / Math.max(1, layout.set.n));
    if (!Number.isFinite(trainRmse) || trainRmse > 100) throw new TrainingDivergedError(epoch, trainRmse, lr);
    const validationRmse = run.validation.n
      // The trainer's projection is W's current one: every epoch ends with a step of W.
      ? (await evaluateModel(core, pool, state.model, run.validation, state.features, meta?.trainer.buffers))
        .rmse
      : NaN;
    if (run.validation.n && !Number.isFinite(validationRmse)) throw new TrainingDivergedError(epoch, NaN, lr);
    const better = !run.validation.n || validationRmse < state.bestValidationRmse - 1e-6;
    if (better) {
      state.best.copyFrom(state.model);
      state.bestEpoch = epoch;
      state.bestValidationRmse = run.validation.n ? validationRmse : NaN;
    }
    const report: EpochReport = { epoch, trainRmse, validationRmse, learningRate: lr, best: better };
    state.epoch = epoch;
    state.history.push(report);
    if (epoch - state.bestEpoch >= c.patience || epoch >= c.epochs) state.finished = true;
    run.onEpoch?.(report);
    await run.onCheckpoint?.(state);
  }
  return state;
}

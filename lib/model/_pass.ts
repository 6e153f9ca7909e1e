/**
 * The training pass (`TrainPass`, generated from core-wasm/src/bindings.rs)
 * filled for the kernels and Workers, and the Adam state.
 *
 * @module
 */

import type { MetaBuffers } from "./meta_params.ts";
import type { PmfModel } from "./model.ts";
import type { RatingSet } from "../ingest/rating_set.ts";
import { type CoreArray, Optimizer, type TrainPass, type WasmCore } from "../core/wasm.ts";

/** Optimiser settings one pass uses. */
export interface PassHyper {
  /** The optimiser. */
  optimizer: OptimizerName;
  /** Learning rate of the factors. */
  lr: number;
  /** Learning rate of the biases. */
  lrBias: number;
  /** Weight decay of the factors. */
  reg: number;
  /** Weight decay of the biases. */
  regBias: number;
  /** With metadata: share of movies in each range of ratings trained as if they were new. Default: 0. */
  drop?: number;
  /** Salt of the drop decision (with each range's start). Default: 0. */
  salt?: number;
}

/** The optimisers, by their names in the configuration. */
export type OptimizerName = "sgd" | "adam" | "adagrad";

const OPTIMIZERS: Record<OptimizerName, Optimizer> = {
  sgd: Optimizer.Sgd,
  adam: Optimizer.Adam,
  adagrad: Optimizer.Adagrad,
};

/**
 * The optimiser's state, zeroed; one owner. Adam keeps moments of every
 * parameter (`mp`…`vq`) and per-row bias moments and step powers (`su`, `si`);
 * AdaGrad keeps only per-row sums of squared gradients and each row's squared
 * length (`su`, `si`; its moment arrays are empty); SGD keeps none (see
 * {@link OptimizerState.create}).
 */
export class OptimizerState implements Disposable {
  /** Adam: first moment of P. */
  readonly mp: CoreArray<Float32Array>;
  /** Adam: second moment of P. */
  readonly vp: CoreArray<Float32Array>;
  /** Adam: first moment of Q. */
  readonly mq: CoreArray<Float32Array>;
  /** Adam: second moment of Q. */
  readonly vq: CoreArray<Float32Array>;
  /**
   * Per user, 4 floats: Adam's bias m, bias v, beta1^t, beta2^t; AdaGrad's factor and bias sums (the
   * other two unused; zero between rounds).
   */
  readonly su: CoreArray<Float32Array>;
  /**
   * Per movie: the same; with metadata, AdaGrad's other two hold a round's step sizes and
   * kept ratings (see MetaTrainer.leaveAdagrad), zero between rounds.
   */
  readonly si: CoreArray<Float32Array>;

  /** The state `optimizer` needs for `model`, zeroed, or null when it needs none (SGD). */
  static create(core: WasmCore, model: PmfModel, optimizer: OptimizerName): OptimizerState | null {
    return optimizer === "sgd" ? null : new OptimizerState(core, model, optimizer);
  }

  /** Allocates zeroed state for `model` and `optimizer`. */
  constructor(core: WasmCore, model: PmfModel, optimizer: "adam" | "adagrad") {
    const moments = optimizer === "adam";
    const users = moments ? model.nUsers * model.stride : 0,
      movies = moments ? model.nMovies * model.stride : 0;
    [this.mp, this.vp, this.mq, this.vq, this.su, this.si] = core.allocArrays(
      Float32Array,
      [users, users, movies, movies, model.nUsers * 4, model.nMovies * 4],
      64,
    );
  }

  /** The arrays in a fixed order (for checkpoints; the "adam_" names are the file format's). */
  get arrays(): { name: string; array: CoreArray<Float32Array> }[] {
    return [
      { name: "adam_mp", array: this.mp },
      { name: "adam_vp", array: this.vp },
      { name: "adam_mq", array: this.mq },
      { name: "adam_vq", array: this.vq },
      { name: "adam_su", array: this.su },
      { name: "adam_si", array: this.si },
    ];
  }

  /** Releases the arrays. */
  free(): void {
    for (const { array } of this.arrays) array.free();
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/**
 * Fills `pass` for `model` over `set` (the core reads it by field name);
 * `meta` adds the metadata buffers. Unused buffers are 0.
 */
export function fillPass(
  pass: TrainPass,
  model: PmfModel,
  set: RatingSet,
  hyper: PassHyper,
  state: OptimizerState | null,
  meta: MetaBuffers | null = null,
): void {
  pass.n_users = model.nUsers;
  pass.n_movies = model.nMovies;
  pass.k = model.k;
  pass.stride = model.stride;
  pass.mu = model.mu;
  pass.p = model.p.ptr;
  pass.q = model.q.ptr;
  pass.bu = model.bu.ptr;
  pass.bi = model.bi.ptr;
  pass.optimizer = OPTIMIZERS[hyper.optimizer];
  pass.lr = hyper.lr;
  pass.lr_bias = hyper.lrBias;
  pass.reg = hyper.reg;
  pass.reg_bias = hyper.regBias;
  pass.mp = state?.mp.ptr ?? 0;
  pass.vp = state?.vp.ptr ?? 0;
  pass.mq = state?.mq.ptr ?? 0;
  pass.vq = state?.vq.ptr ?? 0;
  pass.su = state?.su.ptr ?? 0;
  pass.si = state?.si.ptr ?? 0;
  pass.users = set.users.ptr;
  pass.movies = set.movies.ptr;
  pass.ratings = set.ratings.ptr;
  pass.n_ratings = set.n;
  pass.m = meta?.m.ptr ?? 0;
  pass.g = meta?.g.ptr ?? 0;
  pass.mb = meta?.mb.ptr ?? 0;
  pass.gb = meta?.gb.ptr ?? 0;
  pass.drop = hyper.drop ?? 0;
  pass.salt = hyper.salt ?? 0;
}

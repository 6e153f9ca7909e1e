/**
 * The training descriptor (`TrainDesc` in core-wasm/src/exports.rs) and the
 * Adam state, written into shared memory for the kernels and Workers.
 *
 * @module
 */

import type { PmfModel } from "./model.ts";
import type { RatingSet } from "./train_layout.ts";
import type { CoreArray, WasmCore } from "./wasm.ts";

/** Words in a `TrainDesc`. */
export const DESC_WORDS = 33;

/** Optimiser settings one pass uses. */
export interface PassHyper {
  /** "sgd" or "adam". */
  optimizer: "sgd" | "adam";
  /** Learning rate of the factors. */
  lr: number;
  /** Learning rate of the biases. */
  lrBias: number;
  /** Weight decay of the factors. */
  reg: number;
  /** Weight decay of the biases. */
  regBias: number;
  /** With metadata: share of ratings trained as if their movie were new. Default: 0. */
  drop?: number;
  /** Salt of the per-rating drop decision. Default: 0. */
  salt?: number;
}

/** Adam's moments for every parameter, zeroed; one owner. */
export class AdamState implements Disposable {
  /** First and second moments of P and Q, then per-row bias moments and step powers. */
  readonly mp: CoreArray<Float32Array>;
  /** Second moment of P. */
  readonly vp: CoreArray<Float32Array>;
  /** First moment of Q. */
  readonly mq: CoreArray<Float32Array>;
  /** Second moment of Q. */
  readonly vq: CoreArray<Float32Array>;
  /** Per user: bias m, bias v, beta1^t, beta2^t. */
  readonly su: CoreArray<Float32Array>;
  /** Per movie: the same. */
  readonly si: CoreArray<Float32Array>;

  /** Allocates zeroed state for `model`. */
  constructor(core: WasmCore, model: PmfModel) {
    const users = model.nUsers * model.stride, movies = model.nMovies * model.stride;
    [this.mp, this.vp, this.mq, this.vq, this.su, this.si] = core.allocArrays(
      Float32Array,
      [users, users, movies, movies, model.nUsers * 4, model.nMovies * 4],
      64,
    );
  }

  /** The arrays in a fixed order (for checkpoints). */
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

/** Writes a descriptor for `model` over `set` into `desc` (33 words); `meta` adds the metadata buffers. */
export function writeDesc(
  core: WasmCore,
  desc: CoreArray<Uint32Array>,
  model: PmfModel,
  set: RatingSet,
  hyper: PassHyper,
  adam: AdamState | null,
  meta: MetaBuffers | null = null,
): void {
  const w = desc.view;
  const f = core.view(Float32Array, desc.ptr, DESC_WORDS);
  w[0] = model.nUsers;
  w[1] = model.nMovies;
  w[2] = model.k;
  w[3] = model.stride;
  f[4] = model.mu;
  w[5] = model.p.ptr;
  w[6] = model.q.ptr;
  w[7] = model.bu.ptr;
  w[8] = model.bi.ptr;
  w[9] = hyper.optimizer === "adam" ? 1 : 0;
  f[10] = hyper.lr;
  f[11] = hyper.lrBias;
  f[12] = hyper.reg;
  f[13] = hyper.regBias;
  f[14] = 0.9;
  f[15] = 0.999;
  f[16] = 1e-8;
  w[17] = adam?.mp.ptr ?? 0;
  w[18] = adam?.vp.ptr ?? 0;
  w[19] = adam?.mq.ptr ?? 0;
  w[20] = adam?.vq.ptr ?? 0;
  w[21] = adam?.su.ptr ?? 0;
  w[22] = adam?.si.ptr ?? 0;
  w[23] = set.users.ptr;
  w[24] = set.movies.ptr;
  w[25] = set.ratings.ptr;
  w[26] = set.n;
  w[27] = meta?.m.ptr ?? 0;
  w[28] = meta?.g.ptr ?? 0;
  w[29] = meta?.mb.ptr ?? 0;
  w[30] = meta?.gb.ptr ?? 0;
  f[31] = hyper.drop ?? 0;
  w[32] = hyper.salt ?? 0;
}

/** Per-movie metadata buffers a pass reads (`m`, `mb`) and writes (`g`, `gb`). */
export interface MetaBuffers {
  /** `W·f_i` per movie, `nMovies × stride`. */
  m: CoreArray<Float32Array>;
  /** Gradient sums per movie, `nMovies × stride`. */
  g: CoreArray<Float32Array>;
  /** `w_b·f_i` per movie. */
  mb: CoreArray<Float32Array>;
  /** Bias gradient sums per movie. */
  gb: CoreArray<Float32Array>;
}

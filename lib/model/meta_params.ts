/**
 * The metadata projection's parameters (W: features × stride, w_b: features)
 * and the training machinery around them: per-movie buffers the passes use,
 * and the between-round update (reduce the per-movie gradient sums into dW,
 * one Adam step, project again). See core-wasm/src/meta.rs.
 *
 * @module
 */

import { Rng } from "../util/_random.ts";
import type { MovieFeatures } from "../features/movie_features.ts";
import type { CoreArray, WasmCore } from "../core/wasm.ts";

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

/**
 * The projection's parameters in shared memory. Linear (`hidden` 0): W
 * (`nFeatures × stride`) and w_b (`nFeatures`). With a hidden ReLU layer of
 * `hidden` units: one packed array `[W1 (nFeatures × hidden) | b1 (hidden) |
 * W2 (hidden × stride) | w_b (nFeatures)]` (see core-wasm/src/meta.rs).
 */
export class MetaParams implements Disposable {
  /** Number of features. */
  readonly nFeatures: number;
  /** Floats per factor row. */
  readonly stride: number;
  /** The features' schema (SHA-256 of the column names). */
  readonly schema: string;
  /** Hidden units, or 0 for the linear projection. */
  readonly hidden: number;
  /** The parameter arrays: [W, w_b] (linear) or [packed] (hidden layer). */
  readonly tensors: CoreArray<Float32Array>[];

  /** Allocates zeroed parameters (the caller initialises a hidden layer; see {@link initHidden}). */
  constructor(core: WasmCore, nFeatures: number, stride: number, schema: string, hidden = 0) {
    if (!Number.isInteger(hidden) || hidden < 0 || hidden > 256 || hidden % 4 !== 0) {
      throw new RangeError(`Invalid hidden layer size "${hidden}": expected 0 or a multiple of 4 up to 256`);
    }
    this.nFeatures = nFeatures;
    this.stride = stride;
    this.schema = schema;
    this.hidden = hidden;
    const sizes = hidden
      ? [nFeatures * hidden + hidden + hidden * stride + nFeatures]
      : [nFeatures * stride, nFeatures];
    this.tensors = core.allocArrays(Float32Array, sizes, 64);
  }

  /** The arrays in a fixed order (for copies and checkpoints). */
  get arrays(): { name: string; array: CoreArray<Float32Array> }[] {
    return this.hidden
      ? [{ name: "w_hidden", array: this.tensors[0] }]
      : [{ name: "w", array: this.tensors[0] }, { name: "wb", array: this.tensors[1] }];
  }

  /** Releases the arrays. */
  free(): void {
    for (const t of this.tensors) t.free();
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/** Small random W1 and W2 and a slightly positive b1, so ReLU units start alive; seeded. */
export function initHidden(params: MetaParams, seed: number): void {
  const { nFeatures: f, hidden: h, stride: s } = params;
  const v = params.tensors[0].view;
  const rng = new Rng(seed, 11);
  for (let i = 0; i < f * h; i++) v[i] = Math.fround(rng.normal() * 0.1);
  for (let i = 0; i < h; i++) v[f * h + i] = 0.01;
  for (let i = 0; i < h * s; i++) v[f * h + h + i] = Math.fround(rng.normal() * 0.01);
}

/**
 * Fills `m` and `mb` with each movie's metadata vector and bias; a hidden
 * layer also needs `activations` (`nMovies × hidden`; a temporary one is
 * used when it is not given).
 */
export function project(
  core: WasmCore,
  features: MovieFeatures,
  params: MetaParams,
  m: CoreArray<Float32Array>,
  mb: CoreArray<Float32Array>,
  activations?: CoreArray<Float32Array>,
): void {
  const csr = csrArgs(features);
  if (!params.hidden) {
    core.kernels.metaProject(
      ...csr,
      features.nFeatures,
      params.stride,
      params.tensors[0].ptr,
      params.tensors[1].ptr,
      m.ptr,
      mb.ptr,
    );
    return;
  }
  const temp = activations
    ? null
    : core.allocArray(Float32Array, (features.indptr.length - 1) * params.hidden);
  try {
    core.kernels.metaProjectHidden(
      ...csr,
      features.nFeatures,
      params.hidden,
      params.stride,
      params.tensors[0].ptr,
      (activations ?? temp!).ptr,
      m.ptr,
      mb.ptr,
    );
  } finally {
    temp?.free();
  }
}

/** Adam state of the projection and the per-movie buffers; one per training run. */
export class MetaTrainer implements Disposable {
  /** Buffers the passes read and write. */
  readonly buffers: MetaBuffers;
  /** Adam moments: for each parameter array in order, its first then its second moment. */
  readonly moments: CoreArray<Float32Array>[];
  /** Adam steps taken. */
  steps = 0;
  #grads: CoreArray<Float32Array>[];
  #activations: CoreArray<Float32Array> | null;

  /** Allocates buffers for `nMovies` movies and `params`' shape. */
  constructor(core: WasmCore, nMovies: number, params: MetaParams) {
    const s = params.stride;
    const sizes = params.tensors.map((t) => t.length);
    const arrays = core.allocArrays(
      Float32Array,
      [
        nMovies * s,
        nMovies * s,
        nMovies,
        nMovies,
        nMovies * Math.max(1, params.hidden),
        ...sizes,
        ...sizes.flatMap((n) => [n, n]),
      ],
      64,
    );
    const [m, g, mb, gb, activations] = arrays;
    this.buffers = { m, g, mb, gb };
    this.#activations = params.hidden ? activations : null;
    if (!params.hidden) activations.free();
    const n = sizes.length;
    this.#grads = arrays.slice(5, 5 + n);
    this.moments = arrays.slice(5 + n, 5 + 3 * n);
  }

  /** Projects with the current parameters into the pass buffers. */
  project(core: WasmCore, features: MovieFeatures, params: MetaParams): void {
    project(core, features, params, this.buffers.m, this.buffers.mb, this.#activations ?? undefined);
  }

  /**
   * Between rounds: folds the per-movie gradient sums of `nRatings` ratings
   * into one Adam step on W and w_b, then projects again.
   */
  step(
    core: WasmCore,
    features: MovieFeatures,
    params: MetaParams,
    nRatings: number,
    lr: number,
    reg: number,
  ): void {
    const b = this.buffers;
    const csr = csrArgs(features);
    if (params.hidden) {
      core.kernels.metaReduceHidden(
        ...csr,
        features.nFeatures,
        params.hidden,
        params.stride,
        params.tensors[0].ptr,
        this.#activations!.ptr,
        b.g.ptr,
        b.gb.ptr,
        this.#grads[0].ptr,
      );
    } else {
      core.kernels.metaReduce(
        ...csr,
        features.nFeatures,
        params.stride,
        b.g.ptr,
        b.gb.ptr,
        this.#grads[0].ptr,
        this.#grads[1].ptr,
      );
    }
    this.steps++;
    const c1 = Math.fround(1 - 0.9 ** this.steps), c2 = Math.fround(1 - 0.999 ** this.steps);
    const scale = 1 / Math.max(1, nRatings);
    params.tensors.forEach((t, k) => {
      const mo = this.moments[2 * k], vo = this.moments[2 * k + 1];
      core.kernels.metaAdam(
        t.ptr,
        this.#grads[k].ptr,
        mo.ptr,
        vo.ptr,
        t.length,
        scale,
        lr,
        reg,
        c1,
        c2,
      );
    });
    this.project(core, features, params);
  }

  /** Releases every buffer. */
  free(): void {
    for (const a of [...Object.values(this.buffers), ...this.#grads, ...this.moments]) a.free();
    this.#activations?.free();
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/** The feature matrix's CSR arguments of the metadata kernels: indptr, indices, values, rows. */
function csrArgs(features: MovieFeatures): [number, number, number, number] {
  return [features.indptr.ptr, features.indices.ptr, features.values.ptr, features.indptr.length - 1];
}

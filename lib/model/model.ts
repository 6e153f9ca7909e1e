/**
 * The PMF model: `clamp(μ + b_u + b_i + p_u·q_i, 0.5, 5)` with factor rows
 * in the core's shared memory (row-major, `stride` floats per row: k rounded
 * up to a multiple of 4, zero-padded), plus the maps from dense index back to
 * MovieLens id.
 *
 * @module
 */

import { MetaParams } from "./meta_params.ts";
import type { CoreArray, WasmCore } from "../core/wasm.ts";

/** Largest number of factors the kernels accept. */
export const MAX_FACTORS = 256;

/** Floats per row for `k` factors. */
export function strideFor(k: number): number {
  return Math.ceil(k / 4) * 4;
}

/** Sizes of a model. */
export interface ModelShape {
  /** Number of users. */
  nUsers: number;
  /** Number of movies. */
  nMovies: number;
  /** Number of factors. */
  k: number;
}

/** A model in shared memory; free it with {@link PmfModel.free} or `using`. */
export class PmfModel implements Disposable {
  /** Number of users. */
  readonly nUsers: number;
  /** Number of movies. */
  readonly nMovies: number;
  /** Number of factors. */
  readonly k: number;
  /** Floats per factor row. */
  readonly stride: number;
  /** Global mean rating μ. */
  mu = 0;
  /** User factors P, `nUsers × stride`. */
  readonly p: CoreArray<Float32Array>;
  /** Movie factors Q, `nMovies × stride`. */
  readonly q: CoreArray<Float32Array>;
  /** User biases. */
  readonly bu: CoreArray<Float32Array>;
  /** Movie biases. */
  readonly bi: CoreArray<Float32Array>;
  /** MovieLens userId of each user index. */
  readonly userIds: Uint32Array;
  /** MovieLens movieId of each movie index. */
  readonly movieIds: Uint32Array;
  /** The metadata projection (W, w_b), or null for a model without metadata. */
  readonly meta: MetaParams | null;
  #freed = false;

  /**
   * Allocates a zeroed model of `shape` in `core`'s memory; `meta` adds a
   * zeroed metadata projection for `nFeatures` features of a schema.
   */
  constructor(
    core: WasmCore,
    shape: ModelShape,
    userIds: Uint32Array,
    movieIds: Uint32Array,
    meta: { nFeatures: number; schema: string; hidden?: number } | null = null,
  ) {
    if (!Number.isInteger(shape.k) || shape.k < 1 || shape.k > MAX_FACTORS) {
      throw new RangeError(
        `Cannot make a model with k = "${shape.k}" factors: expected an integer in 1–${MAX_FACTORS}`,
      );
    }
    if (userIds.length !== shape.nUsers || movieIds.length !== shape.nMovies) {
      throw new TypeError("Cannot make a model: the id maps do not match the shape");
    }
    this.nUsers = shape.nUsers;
    this.nMovies = shape.nMovies;
    this.k = shape.k;
    this.stride = strideFor(shape.k);
    this.userIds = userIds;
    this.movieIds = movieIds;
    [this.p, this.q, this.bu, this.bi] = core.allocArrays(
      Float32Array,
      [this.nUsers * this.stride, this.nMovies * this.stride, this.nUsers, this.nMovies],
      64,
    );
    try {
      this.meta = meta
        ? new MetaParams(core, meta.nFeatures, this.stride, meta.schema, meta.hidden ?? 0)
        : null;
    } catch (error) {
      for (const a of [this.p, this.q, this.bu, this.bi]) a.free();
      throw error;
    }
  }

  /** The parameter arrays in a fixed order (for copies, checkpoints and checksums). */
  get arrays(): { name: string; array: CoreArray<Float32Array> }[] {
    return [
      { name: "p", array: this.p },
      { name: "q", array: this.q },
      { name: "bu", array: this.bu },
      { name: "bi", array: this.bi },
      ...(this.meta?.arrays ?? []),
    ];
  }

  /** Copies every parameter of `other` (same shape) into this model. */
  copyFrom(other: PmfModel): void {
    this.mu = other.mu;
    const mine = this.arrays, theirs = other.arrays;
    for (let i = 0; i < mine.length; i++) mine[i].array.view.set(theirs[i].array.view);
  }

  /** Releases the shared memory; idempotent. */
  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    for (const { array } of this.arrays) array.free();
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

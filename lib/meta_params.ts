/**
 * The metadata projection's parameters (W: features × stride, w_b: features)
 * and the training machinery around them: per-movie buffers the passes use,
 * and the between-round update (reduce the per-movie gradient sums into dW,
 * one Adam step, project again). See core-wasm/src/meta.rs.
 *
 * @module
 */

import type { MetaBuffers } from "./_train_kernels.ts";
import type { MovieFeatures } from "./movie_features.ts";
import type { CoreArray, WasmCore } from "./wasm.ts";

/** W and w_b in shared memory. */
export class MetaParams implements Disposable {
  /** Number of features. */
  readonly nFeatures: number;
  /** Floats per row of W. */
  readonly stride: number;
  /** The features' schema (SHA-256 of the column names). */
  readonly schema: string;
  /** W, `nFeatures × stride`. */
  readonly w: CoreArray<Float32Array>;
  /** w_b, `nFeatures`. */
  readonly wb: CoreArray<Float32Array>;

  /** Allocates zeroed parameters. */
  constructor(core: WasmCore, nFeatures: number, stride: number, schema: string) {
    this.nFeatures = nFeatures;
    this.stride = stride;
    this.schema = schema;
    [this.w, this.wb] = core.allocArrays(Float32Array, [nFeatures * stride, nFeatures], 64);
  }

  /** The arrays in a fixed order (for copies and checkpoints). */
  get arrays(): { name: string; array: CoreArray<Float32Array> }[] {
    return [{ name: "w", array: this.w }, { name: "wb", array: this.wb }];
  }

  /** Releases the arrays. */
  free(): void {
    this.w.free();
    this.wb.free();
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/** Fills `m` and `mb` with `W·f_i` and `w_b·f_i` for every movie. */
export function project(
  core: WasmCore,
  features: MovieFeatures,
  params: MetaParams,
  m: CoreArray<Float32Array>,
  mb: CoreArray<Float32Array>,
): void {
  core.invoke("pmf_meta_project", [
    features.indptr.ptr,
    features.indices.ptr,
    features.values.ptr,
    features.indptr.length - 1,
    features.nFeatures,
    params.stride,
    params.w.ptr,
    params.wb.ptr,
    m.ptr,
    mb.ptr,
  ]);
}

/** Adam state of W and w_b and the per-movie buffers; one per training run. */
export class MetaTrainer implements Disposable {
  /** Buffers the passes read and write. */
  readonly buffers: MetaBuffers;
  /** Adam moments: W first, W second, w_b first, w_b second. */
  readonly moments: CoreArray<Float32Array>[];
  /** Adam steps taken. */
  steps = 0;
  #dw: CoreArray<Float32Array>;
  #dwb: CoreArray<Float32Array>;

  /** Allocates buffers for `nMovies` movies and `params`' shape. */
  constructor(core: WasmCore, nMovies: number, params: MetaParams) {
    const s = params.stride, f = params.nFeatures;
    const [m, g, mb, gb, dw, dwb, mw, vw, mwb, vwb] = core.allocArrays(
      Float32Array,
      [nMovies * s, nMovies * s, nMovies, nMovies, f * s, f, f * s, f * s, f, f],
      64,
    );
    this.buffers = { m, g, mb, gb };
    this.#dw = dw;
    this.#dwb = dwb;
    this.moments = [mw, vw, mwb, vwb];
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
    core.invoke("pmf_meta_reduce", [
      features.indptr.ptr,
      features.indices.ptr,
      features.values.ptr,
      features.indptr.length - 1,
      features.nFeatures,
      params.stride,
      b.g.ptr,
      b.gb.ptr,
      this.#dw.ptr,
      this.#dwb.ptr,
    ]);
    this.steps++;
    const c1 = Math.fround(1 - 0.9 ** this.steps), c2 = Math.fround(1 - 0.999 ** this.steps);
    const scale = 1 / Math.max(1, nRatings);
    const [mw, vw, mwb, vwb] = this.moments;
    core.invoke("pmf_meta_adam", [
      params.w.ptr,
      this.#dw.ptr,
      mw.ptr,
      vw.ptr,
      params.w.length,
      scale,
      lr,
      reg,
      c1,
      c2,
    ]);
    core.invoke("pmf_meta_adam", [
      params.wb.ptr,
      this.#dwb.ptr,
      mwb.ptr,
      vwb.ptr,
      params.wb.length,
      scale,
      lr,
      reg,
      c1,
      c2,
    ]);
    project(core, features, params, b.m, b.mb);
  }

  /** Releases every buffer. */
  free(): void {
    for (const a of [...Object.values(this.buffers), this.#dw, this.#dwb, ...this.moments]) a.free();
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/**
 * Scoring and top-N for a trained model. A movie's vector is `q_i` plus, with
 * metadata, `W·f_i`; its bias `b_i` plus `w_b·f_i`. {@link MovieVectors}
 * precomputes both once; scoring a user against every movie is then one
 * SIMD kernel call (`pmf_score_movies`).
 *
 * @module
 */

import { project } from "./meta_params.ts";
import type { PmfModel } from "./model.ts";
import type { MovieFeatures } from "./movie_features.ts";
import { scoreArgs, type WasmCore } from "./wasm.ts";
import type { CoreArray } from "./wasm.ts";

/** Effective movie vectors and biases of a model; free with `using`. */
export class MovieVectors implements Disposable {
  /** `q_i (+ W·f_i)`, `nMovies × stride`. */
  readonly vectors: CoreArray<Float32Array>;
  /** `b_i (+ w_b·f_i)`. */
  readonly bias: CoreArray<Float32Array>;

  /**
   * Computes them for `model` (a model with metadata needs its `features`);
   * `useMetadata: false` leaves the metadata terms out.
   */
  constructor(core: WasmCore, model: PmfModel, features: MovieFeatures | null, useMetadata = true) {
    [this.vectors, this.bias] = core.allocArrays(
      Float32Array,
      [model.nMovies * model.stride, model.nMovies],
      64,
    );
    if (model.meta && useMetadata) {
      if (!features) {
        this.free();
        throw new TypeError("Cannot score a model with metadata without its movie features");
      }
      project(core, features, model.meta, this.vectors, this.bias);
    }
    const v = this.vectors.view, q = model.q.view, b = this.bias.view, bi = model.bi.view;
    for (let i = 0; i < v.length; i++) v[i] += q[i];
    for (let i = 0; i < b.length; i++) b[i] += bi[i];
  }

  /** Releases the arrays. */
  free(): void {
    this.vectors.free();
    this.bias.free();
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/** One recommended movie. */
export interface Scored {
  /** Dense movie index. */
  movie: number;
  /** Predicted rating, clamped to 0.5–5. */
  rating: number;
}

/**
 * The `n` movies with the highest predicted rating for user index `user`,
 * skipping `exclude` (e.g. movies the user rated). Ties go to the lower index.
 */
export function topMovies(
  core: WasmCore,
  model: PmfModel,
  movies: MovieVectors,
  user: number,
  n: number,
  exclude: ReadonlySet<number> = new Set(),
): Scored[] {
  using scores = core.allocArray(Float32Array, model.nMovies);
  core.call(
    "scoreMovies",
    scoreArgs({
      user: model.p.ptr + user * model.stride * 4,
      factors: movies.vectors.ptr,
      stride: model.stride,
      k: model.k,
      bias: movies.bias.ptr,
      offset: model.mu + model.bu.view[user],
      first: 0,
      count: model.nMovies,
      out: scores.ptr,
    }),
  );
  const s = scores.view;
  const best: number[] = [];
  for (let m = 0; m < s.length; m++) {
    if (exclude.has(m)) continue;
    if (best.length < n || s[m] > s[best[best.length - 1]]) {
      let at = best.length;
      while (at > 0 && s[best[at - 1]] < s[m]) at--;
      best.splice(at, 0, m);
      if (best.length > n) best.pop();
    }
  }
  return best.map((movie) => ({ movie, rating: Math.min(5, Math.max(0.5, s[movie])) }));
}

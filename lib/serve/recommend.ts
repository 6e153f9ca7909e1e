/**
 * Scoring and top-N for a trained model. A movie's vector is `q_i` plus, with
 * metadata, `W·f_i`; its bias `b_i` plus `w_b·f_i`. {@link MovieVectors}
 * precomputes both once; scoring a user against every movie is then one
 * SIMD kernel call (`scoreMovies`), which holds the model's formula.
 *
 * @module
 */

import { project } from "../model/meta_params.ts";
import type { PmfModel } from "../model/model.ts";
import type { MovieFeatures } from "../features/movie_features.ts";
import type { CoreArray, WasmCore } from "../core/wasm.ts";

/** Effective movie vectors and biases of a model; free with `using`. */
export class MovieVectors implements Disposable {
  /** Rows: the model's movies, then (with metadata) the movies that have features but no ratings. */
  readonly rows: number;
  /** `q_i (+ W·f_i)`, `rows × stride` (a movie without ratings: `W·f_i` alone). */
  readonly vectors: CoreArray<Float32Array>;
  /** `b_i (+ w_b·f_i)`. */
  readonly bias: CoreArray<Float32Array>;

  /**
   * Computes them for `model` (a model with metadata needs its `features`,
   * whose rows past the model's movies are movies without ratings);
   * `useMetadata: false` leaves the metadata terms out.
   */
  constructor(core: WasmCore, model: PmfModel, features: MovieFeatures | null, useMetadata = true) {
    const featureRows = model.meta && useMetadata && features ? features.indptr.length - 1 : 0;
    this.rows = Math.max(model.nMovies, featureRows);
    [this.vectors, this.bias] = core.allocArrays(Float32Array, [this.rows * model.stride, this.rows], 64);
    if (model.meta && useMetadata) {
      if (!features) {
        this.free();
        throw new TypeError("Cannot score a model with metadata without its movie features");
      }
      project(core, features, model.meta, this.vectors, this.bias);
    }
    // The effective vector and bias: q_i (+ W·f_i) and b_i (+ w_b·f_i).
    core.axpy(1, model.q.ptr, this.vectors.ptr, model.q.length);
    core.axpy(1, model.bi.ptr, this.bias.ptr, model.bi.length);
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

/** Whom to score: a user's factors (a byte offset of `k` floats in the core's memory) and bias. */
export interface ScoredUser {
  /** Byte offset of the user's factors. */
  factors: number;
  /** The user's bias. */
  bias: number;
}

/** The {@link ScoredUser} of the model's user with dense index `u`. */
export function modelUser(model: PmfModel, u: number): ScoredUser {
  return { factors: model.p.ptr + u * model.stride * 4, bias: model.bu.view[u] };
}

/** One recommended movie. */
export interface Scored {
  /** Dense movie index. */
  movie: number;
  /** Predicted rating, clamped to 0.5–5. */
  rating: number;
  /** The unclamped score it was ranked by. */
  score: number;
}

/** Scores movies `first..first + count` into `out` with the core's formula (see `predict::raw_score`). */
function score(
  core: WasmCore,
  model: PmfModel,
  movies: MovieVectors,
  user: ScoredUser,
  range: { first: number; count: number; out: number },
  clamped: boolean,
): void {
  core.scoreMovies({
    user: user.factors,
    userBias: user.bias,
    mu: model.mu,
    factors: movies.vectors.ptr,
    stride: model.stride,
    k: model.k,
    bias: movies.bias.ptr,
    ...range,
    clamped,
  });
}

/** The predicted rating (0.5–5) of `user` for movie index `movie`; `out` is one float of scratch. */
export function predictMovie(
  core: WasmCore,
  model: PmfModel,
  movies: MovieVectors,
  user: ScoredUser | number,
  movie: number,
  out: CoreArray<Float32Array>,
): number {
  const who = typeof user === "number" ? modelUser(model, user) : user;
  score(core, model, movies, who, { first: movie, count: 1, out: out.ptr }, true);
  return out.view[0];
}

/**
 * The `n` movies with the highest predicted rating for `user` (a dense index
 * or a {@link ScoredUser}), skipping `exclude` (e.g. movies the user rated),
 * ranked by the raw score so clamping makes no ties; ties go to the lower
 * index. Scoring and selection run in the core (`topMovies`).
 */
export function topMovies(
  core: WasmCore,
  model: PmfModel,
  movies: MovieVectors,
  user: ScoredUser | number,
  n: number,
  exclude: ReadonlySet<number> = new Set(),
): Scored[] {
  const who = typeof user === "number" ? modelUser(model, user) : user;
  const want = Math.max(0, Math.min(n, movies.rows));
  using skip = core.allocArray(Uint32Array, exclude.size);
  skip.view.set(Uint32Array.from(exclude).sort());
  using ids = core.allocArray(Uint32Array, want);
  using ratings = core.allocArray(Float32Array, want);
  const found = core.kernels.topMovies(
    who.factors,
    who.bias,
    model.mu,
    movies.vectors.ptr,
    model.stride,
    model.k,
    movies.bias.ptr,
    movies.rows,
    skip.ptr,
    exclude.size,
    want,
    ids.ptr,
    ratings.ptr,
  );
  const m = ids.view.slice(0, found), r = ratings.view.slice(0, found);
  using raw = core.allocArray(Float32Array, 1);
  return Array.from(m, (movie, i) => {
    score(core, model, movies, who, { first: movie, count: 1, out: raw.ptr }, false);
    return { movie, rating: r[i], score: raw.view[0] };
  });
}

/**
 * The `n` rows closest to row `m` by cosine similarity among rows
 * `0..rows` of `vectors` (`stride` floats apart, `k` used), `m` left out,
 * closest first, ties to the lower index. A zero row has similarity 0.
 */
export function mostSimilar(
  vectors: Float32Array,
  stride: number,
  k: number,
  rows: number,
  m: number,
  n: number,
): { movie: number; similarity: number }[] {
  const norm = (i: number) =>
    Math.sqrt(vectors.subarray(i * stride, i * stride + k).reduce((a, x) => a + x * x, 0)) || 1;
  const nm = norm(m);
  const scored: { movie: number; similarity: number }[] = [];
  for (let i = 0; i < rows; i++) {
    if (i === m) continue;
    let dot = 0;
    for (let j = 0; j < k; j++) dot += vectors[m * stride + j] * vectors[i * stride + j];
    scored.push({ movie: i, similarity: dot / (nm * norm(i)) });
  }
  scored.sort((a, b) => b.similarity - a.similarity || a.movie - b.movie);
  return scored.slice(0, n);
}

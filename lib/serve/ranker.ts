/**
 * Serving the ranking model (lib/train/implicit.ts): each user's best movies
 * by `p_u·q_i`, a new user's row folded in from a few ratings (one row of the
 * same least-squares solve, in the core), and movies like a movie by the
 * cosine of their rows. The rating model then says how much the user would
 * like each one.
 *
 * @module
 */

import type { ImplicitConfig, ImplicitFactors } from "../train/implicit.ts";
import { observationWeight } from "../train/implicit_data.ts";
import type { CoreArray, WasmCore } from "../core/wasm.ts";
import type { PoolTask, WorkerPool } from "../core/pool.ts";
import { mostSimilar } from "./recommend.ts";

/** A movie and its ranking score. */
export interface Ranked {
  /** Dense movie index. */
  movie: number;
  /** `p_u·q_i`: about 1 for the kind of movie the user rates (and likes), about 0 for the rest. */
  score: number;
}

/**
 * The `n` movies with the largest `row·q_i` (the core's top-N kernel without
 * biases), skipping `exclude` (sorted, distinct), best first, ties to the
 * lower index.
 */
export function topByDot(
  core: WasmCore,
  f: ImplicitFactors,
  row: number,
  n: number,
  exclude: Uint32Array,
): number[] {
  const want = Math.max(0, Math.min(n, f.nMovies));
  using skip = core.allocArray(Uint32Array, Math.max(1, exclude.length));
  skip.view.set(exclude);
  using ids = core.allocArray(Uint32Array, Math.max(1, want));
  using clamped = core.allocArray(Float32Array, Math.max(1, want));
  const found = core.kernels.topMovies(
    row,
    0,
    0,
    f.movies.ptr,
    f.stride,
    f.k,
    0,
    f.nMovies,
    skip.ptr,
    exclude.length,
    want,
    ids.ptr,
    clamped.ptr,
  );
  return Array.from(ids.view.subarray(0, found));
}

/** Conjugate-gradient steps of a fold-in, started from zero (exact within k steps). */
const FOLD_IN_STEPS = 64;

/** The ranking model ready to serve; owns its factors (free with `using`). */
export class Ranker implements Disposable {
  readonly factors: ImplicitFactors;
  readonly config: ImplicitConfig;
  /** The λ the model was fitted with. */
  readonly reg: number;
  #core: WasmCore;
  /** Gram matrix of the movie rows, for fold-ins (computed on first use). */
  #gram: CoreArray<Float32Array> | null = null;

  /** Takes ownership of `factors`. */
  constructor(core: WasmCore, factors: ImplicitFactors, config: ImplicitConfig, reg: number) {
    this.#core = core;
    this.factors = factors;
    this.config = config;
    this.reg = reg;
  }

  /** Byte offset of user `u`'s row. */
  userRow(u: number): number {
    return this.factors.users.ptr + u * this.factors.stride * 4;
  }

  /**
   * The `n` best movies for a user row (a byte offset of `stride` floats),
   * skipping `exclude` (sorted, distinct), best first, ties to the lower index.
   */
  top(row: number, n: number, exclude: Uint32Array): Ranked[] {
    const f = this.factors, core = this.#core;
    // The core's dot product, the one the ranking kernels use.
    return topByDot(core, f, row, n, exclude).map((movie) => ({
      movie,
      score: core.kernels.dot(row, f.movies.ptr + movie * f.stride * 4, f.k, false),
    }));
  }

  /**
   * A new user's row from their ratings (movie indices and ratings), weighted
   * as in training; returned in core memory (the caller frees it).
   */
  foldIn(movies: readonly number[], ratings: readonly number[]): CoreArray<Float32Array> {
    const f = this.factors, core = this.#core, c = this.config;
    if (!this.#gram) {
      this.#gram = core.allocArray(Float32Array, f.stride * f.stride, 64);
      core.kernels.implicitGram(f.movies.ptr, 0, f.nMovies, f.stride, this.#gram.ptr);
    }
    const row = core.allocArray(Float32Array, f.stride, 64);
    const n = movies.length;
    using indptr = core.allocArray(Uint32Array, 2);
    using indices = core.allocArray(Uint32Array, Math.max(1, n));
    using weights = core.allocArray(Float32Array, Math.max(1, n));
    indptr.view.set([0, n]);
    indices.view.set(movies);
    weights.view.set(ratings.map((r) => observationWeight(r, c)));
    try {
      core.kernels.implicitSolve(
        row.ptr,
        1,
        0,
        1,
        indptr.ptr,
        indices.ptr,
        weights.ptr,
        f.movies.ptr,
        f.nMovies,
        this.#gram.ptr,
        f.stride,
        c.alpha0,
        this.reg,
        c.nu,
        FOLD_IN_STEPS,
      );
    } catch (error) {
      row.free();
      throw error;
    }
    return row;
  }

  /** The cosine of movie rows `a` and `b` (0 when either is zero). */
  #cosine(a: number, b: number): number {
    const f = this.factors, v = f.movies.view;
    let dot = 0, na = 0, nb = 0;
    for (let j = 0; j < f.k; j++) {
      const x = v[a * f.stride + j], y = v[b * f.stride + j];
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
    return na && nb ? dot / Math.sqrt(na * nb) : 0;
  }

  /** Movies by the cosine of their rows with movie `m`'s (m itself left out), best first. */
  similar(m: number, n: number): { movie: number; similarity: number }[] {
    const f = this.factors;
    return mostSimilar(f.movies.view, f.stride, f.k, f.nMovies, m, n);
  }

  /**
   * Why `movie` suits a user: of the movies they rated (`rated`, with
   * ratings), the liked one (rated at least `liked`, else their best rated)
   * whose row is closest to it by cosine; null when they rated nothing.
   */
  because(
    movie: number,
    rated: ReadonlyMap<number, number>,
    liked = 4,
  ): { movie: number; rating: number } | null {
    let best: { movie: number; rating: number } | null = null, bestCos = -Infinity;
    const floor = Math.min(liked, Math.max(...rated.values()));
    for (const [m, r] of rated) {
      if (r < floor) continue;
      const c = this.#cosine(movie, m);
      if (c > bestCos) [best, bestCos] = [{ movie: m, rating: r }, c];
    }
    return best;
  }

  /**
   * Every user's `n` best movies at once, on the pool's Workers (or this
   * thread): each user skips its row of the CSR `excluded` (offsets per
   * user, increasing movie indices). Returns `n` movie indices and scores
   * per user, best first; a user with fewer candidates gets
   * 0xffffffff and NaN after its last.
   */
  async topAll(
    pool: WorkerPool | null,
    excluded: { offsets: Uint32Array; movies: Uint32Array },
    n: number,
  ): Promise<{ movies: Uint32Array; scores: Float32Array }> {
    const f = this.factors, core = this.#core;
    using ptr = core.allocArray(Uint32Array, f.nUsers + 1);
    using movies = core.allocArray(Uint32Array, Math.max(1, excluded.movies.length));
    using ids = core.allocArray(Uint32Array, Math.max(1, f.nUsers * n));
    using scores = core.allocArray(Float32Array, Math.max(1, f.nUsers * n));
    ptr.view.set(excluded.offsets);
    movies.view.set(excluded.movies);
    const parts = Math.max(1, (pool?.size ?? 1) * 8);
    const tasks = Array.from({ length: parts }, (_, i): PoolTask<"topMoviesBatch"> => ({
      kernel: "topMoviesBatch",
      args: [
        f.users.ptr,
        f.nUsers,
        Math.floor((f.nUsers * i) / parts),
        Math.floor((f.nUsers * (i + 1)) / parts),
        f.stride,
        f.k,
        f.movies.ptr,
        f.nMovies,
        ptr.ptr,
        movies.ptr,
        n,
        ids.ptr,
        scores.ptr,
      ],
    }));
    if (pool) await pool.runAll(tasks);
    else for (const t of tasks) core.call(t.kernel, t.args);
    return { movies: ids.view.slice(0, f.nUsers * n), scores: scores.view.slice(0, f.nUsers * n) };
  }

  /** Releases the factors and scratch. */
  free(): void {
    this.factors.free();
    this.#gram?.free();
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

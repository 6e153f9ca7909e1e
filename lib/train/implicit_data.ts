/**
 * The ranking model's data: each user's rated movies and ratings
 * ({@link RatedRows}, on the host), the observations the solver reads (both
 * directions as weighted CSRs in the core's memory, {@link Observations}),
 * and the held-out share that chooses λ ({@link holdOut}).
 *
 * @module
 */

import type { Ratings, UserRowArrays } from "../ingest/ratings.ts";
import { type RankingTask, sampleUsers } from "../evaluate/ranking.ts";
import type { CoreArray, WasmCore } from "../core/wasm.ts";
import { mix32 } from "../util/_random.ts";

/** Each user's rated movies (increasing) and ratings as a CSR (rows = users). */
export interface RatedRows {
  indptr: Uint32Array;
  movies: Uint32Array;
  ratings: Float32Array;
}

/**
 * {@link RatedRows} in the core's memory (at MovieLens 20M scale a copy is
 * hundreds of MB: it goes where training's freed arrays were, not on the
 * host heap); `rows` are views of it (views of a shared memory stay valid
 * when it grows).
 */
export class CoreRows implements Disposable {
  readonly rows: RatedRows;
  #arrays: CoreArray<Uint32Array | Float32Array>[];

  /** Takes ownership of arrays holding `n` rows (see `Ratings.takeUserRows`). */
  constructor(a: UserRowArrays) {
    this.#arrays = [a.offsets, a.movies, a.ratings];
    this.rows = {
      indptr: a.offsets.view,
      movies: a.movies.view.subarray(0, a.n),
      ratings: a.ratings.view.subarray(0, a.n),
    };
  }

  /** Allocates zeroed rows for `nUsers` users and `n` ratings. */
  static alloc(core: WasmCore, nUsers: number, n: number): CoreRows {
    return new CoreRows({
      offsets: core.allocArray(Uint32Array, nUsers + 1),
      movies: core.allocArray(Uint32Array, Math.max(1, n)),
      ratings: core.allocArray(Float32Array, Math.max(1, n)),
      n,
    });
  }

  /** A copy of host `rows` in the core's memory. */
  static copyOf(core: WasmCore, rows: RatedRows): CoreRows {
    const out = CoreRows.alloc(core, rows.indptr.length - 1, rows.movies.length);
    out.rows.indptr.set(rows.indptr);
    out.rows.movies.set(rows.movies);
    out.rows.ratings.set(rows.ratings);
    return out;
  }

  /** Releases the arrays (a second call does nothing). */
  free(): void {
    for (const a of this.#arrays) a.free();
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/** The rows of `ratings` (sorted by user, then movie) whose index passes `keep`, in the core's memory. */
export function ratedRows(core: WasmCore, ratings: Ratings, keep: (row: number) => boolean): CoreRows {
  let n = 0;
  for (let i = 0; i < ratings.nRatings; i++) if (keep(i)) n++;
  const out = CoreRows.alloc(core, ratings.nUsers, n);
  const off = ratings.userOffsets.view, m = ratings.columns.movies.view, r = ratings.columns.ratings.view;
  const { indptr, movies, ratings: values } = out.rows;
  n = 0;
  for (let u = 0; u < ratings.nUsers; u++) {
    for (let i = off[u]; i < off[u + 1]; i++) {
      if (!keep(i)) continue;
      movies[n] = m[i];
      values[n++] = r[i];
    }
    indptr[u + 1] = n;
  }
  return out;
}

/** How a rating becomes an observation's weight: max(min, rating − offset). */
export interface Weighting {
  weightOffset: number;
  minWeight: number;
}

/** The weight of an observation with rating `r`. */
export function observationWeight(r: number, w: Weighting): number {
  return Math.max(w.minWeight, r - w.weightOffset);
}

/** One direction of the observations as a CSR in the core: row r's items and weights at `indptr[r]..indptr[r+1]`. */
export interface CoreCsr {
  rows: number;
  indptr: CoreArray<Uint32Array>;
  indices: CoreArray<Uint32Array>;
  weights: CoreArray<Float32Array>;
}

/**
 * Writes the transpose of a CSR (`indptr`, `indices` below `nCols`, `values`) into `out`: column c's
 * rows in increasing order with their values at `out.indptr[c]..out.indptr[c + 1]`. `out.indptr`
 * (`nCols + 1` entries) must be zero.
 */
export function transposeCsr(
  indptr: Uint32Array,
  indices: Uint32Array,
  values: Float32Array,
  nCols: number,
  out: { indptr: Uint32Array; indices: Uint32Array; values: Float32Array },
): void {
  const rows = indptr.length - 1, nnz = indptr[rows], counts = out.indptr;
  for (let i = 0; i < nnz; i++) counts[indices[i] + 1]++;
  for (let c = 0; c < nCols; c++) counts[c + 1] += counts[c];
  const fill = counts.slice(0, nCols);
  for (let r = 0; r < rows; r++) {
    for (let i = indptr[r]; i < indptr[r + 1]; i++) {
      const at = fill[indices[i]]++;
      out.indices[at] = r;
      out.values[at] = values[i];
    }
  }
}

/**
 * The observations in both directions (users → movies, movies → users), in
 * the core's memory; built straight from {@link RatedRows} without host copies.
 */
export class Observations implements Disposable {
  readonly byUser: CoreCsr;
  readonly byMovie: CoreCsr;

  /** Copies `rows` in with their weights and transposes them (each movie's users in increasing order). */
  constructor(core: WasmCore, rows: RatedRows, nMovies: number, weighting: Weighting) {
    const nUsers = rows.indptr.length - 1, nnz = Math.max(1, rows.movies.length);
    const arrays = [
      ...core.allocArrays(Uint32Array, [nUsers + 1, nnz, nMovies + 1, nnz]),
      ...core.allocArrays(Float32Array, [nnz, nnz]),
    ];
    const [uPtr, uIdx, mPtr, mIdx] = arrays as CoreArray<Uint32Array>[];
    const [uW, mW] = arrays.slice(4) as CoreArray<Float32Array>[];
    this.byUser = { rows: nUsers, indptr: uPtr, indices: uIdx, weights: uW };
    this.byMovie = { rows: nMovies, indptr: mPtr, indices: mIdx, weights: mW };
    // Views after every allocation: growing the memory makes no view stale here.
    uPtr.view.set(rows.indptr);
    uIdx.view.set(rows.movies);
    const w = uW.view;
    for (let i = 0; i < rows.ratings.length; i++) w[i] = observationWeight(rows.ratings[i], weighting);
    transposeCsr(rows.indptr, rows.movies, w, nMovies, {
      indptr: mPtr.view,
      indices: mIdx.view,
      values: mW.view,
    });
  }

  /** Releases the arrays. */
  free(): void {
    for (const c of [this.byUser, this.byMovie]) {
      c.indptr.free();
      c.indices.free();
      c.weights.free();
    }
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/**
 * Splits off a seeded share of every user's ratings (users with at least 5):
 * the rest as {@link RatedRows}, and the ranking protocol's view of the split
 * (held-out ratings ≥ `relevant` are hits; candidates are the movies with a
 * kept rating that the user did not rate). With `maxUsers`, a seeded sample
 * of that many users with hits is scored, the others' hits are dropped.
 */
export function holdOut(
  core: WasmCore,
  rows: RatedRows,
  nMovies: number,
  options: { share: number; seed: number; relevant: number; maxUsers?: number },
): { train: CoreRows; task: RankingTask } {
  const nUsers = rows.indptr.length - 1, cut = Math.floor(options.share * 2 ** 32);
  const out = new Uint8Array(rows.movies.length);
  let kept = 0;
  for (let u = 0; u < nUsers; u++) {
    const a = rows.indptr[u], b = rows.indptr[u + 1];
    for (let i = a; i < b; i++) {
      out[i] = b - a >= 5 && mix32(options.seed ^ mix32(u ^ mix32(rows.movies[i]))) < cut ? 1 : 0;
      if (!out[i]) kept++;
    }
  }
  const train = CoreRows.alloc(core, nUsers, kept);
  const { indptr, movies, ratings } = train.rows;
  const relevant: (Set<number> | null)[] = [];
  const popularity = new Uint32Array(nMovies), ratingSum = new Float64Array(nMovies);
  let n = 0, users = 0;
  for (let u = 0; u < nUsers; u++) {
    let rel: Set<number> | null = null;
    for (let i = rows.indptr[u]; i < rows.indptr[u + 1]; i++) {
      const m = rows.movies[i];
      if (out[i]) {
        if (rows.ratings[i] >= options.relevant) (rel ??= new Set()).add(m);
        continue;
      }
      movies[n] = m;
      ratings[n++] = rows.ratings[i];
      popularity[m]++;
      ratingSum[m] += rows.ratings[i];
    }
    indptr[u + 1] = n;
    relevant.push(rel);
    if (rel) users++;
  }
  const chosen = sampleUsers(relevant.flatMap((r, u) => (r ? [u] : [])), options.maxUsers, options.seed);
  for (let u = 0; u < nUsers; u++) if (!chosen.has(u)) relevant[u] = null;
  users = chosen.size;
  let catalogue = 0;
  for (let m = 0; m < nMovies; m++) if (popularity[m] > 0) catalogue++;
  // Each user's kept movies are increasing (as in `rows`): the protocol's sorted lists, copied for the
  // scored users only, so the rows can be freed once the observations are built.
  const none = new Uint32Array(0);
  const known = Array.from(
    { length: nUsers },
    (_, u) => (relevant[u] ? movies.slice(indptr[u], indptr[u + 1]) : none),
  );
  return { train, task: { nUsers, nMovies, known, relevant, popularity, ratingSum, catalogue, users } };
}

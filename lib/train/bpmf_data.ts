/**
 * The Gibbs sampler's data: the training ratings as two CSRs in the core's
 * memory (users → movies and movies → users, each row's ratings with the
 * other side's row), and row ranges of about equal work for the Workers.
 *
 * @module
 */

import type { CoreArray, WasmCore } from "../core/wasm.ts";
import type { Ratings } from "../ingest/ratings.ts";
import { transposeCsr } from "./implicit_data.ts";

/** One side's ratings: row r's other-side rows and ratings at `indptr[r]..indptr[r + 1]`. */
export interface SideCsr {
  rows: number;
  indptr: CoreArray<Uint32Array>;
  indices: CoreArray<Uint32Array>;
  ratings: CoreArray<Float32Array>;
}

/** The training ratings by user and by movie, in the core. */
export class TrainingCsrs implements Disposable {
  readonly byUser: SideCsr;
  readonly byMovie: SideCsr;
  /** Number of training ratings. */
  readonly n: number;
  /** Their mean. */
  readonly mean: number;

  /** The ratings whose index passes `keep` (the file's order is by user, then movie). */
  constructor(core: WasmCore, ratings: Ratings, keep: (row: number) => boolean) {
    const nUsers = ratings.nUsers, nMovies = ratings.nMovies;
    let n = 0;
    for (let i = 0; i < ratings.nRatings; i++) if (keep(i)) n++;
    this.n = n;
    const nnz = Math.max(1, n);
    const [uPtr, uIdx, mPtr, mIdx] = core.allocArrays(Uint32Array, [nUsers + 1, nnz, nMovies + 1, nnz]);
    const [uR, mR] = core.allocArrays(Float32Array, [nnz, nnz]);
    this.byUser = { rows: nUsers, indptr: uPtr, indices: uIdx, ratings: uR };
    this.byMovie = { rows: nMovies, indptr: mPtr, indices: mIdx, ratings: mR };
    const off = ratings.userOffsets.view,
      movie = ratings.columns.movies.view,
      value = ratings.columns.ratings.view;
    const up = uPtr.view, ui = uIdx.view, ur = uR.view;
    let at = 0, sum = 0;
    for (let u = 0; u < nUsers; u++) {
      for (let i = off[u]; i < off[u + 1]; i++) {
        if (!keep(i)) continue;
        ui[at] = movie[i];
        ur[at++] = value[i];
        sum += value[i];
      }
      up[u + 1] = at;
    }
    this.mean = n ? sum / n : 0;
    transposeCsr(up, ui.subarray(0, n), ur.subarray(0, n), nMovies, {
      indptr: mPtr.view,
      indices: mIdx.view,
      values: mR.view,
    });
  }

  /** Releases the arrays. */
  free(): void {
    for (const c of [this.byUser, this.byMovie]) {
      c.indptr.free();
      c.indices.free();
      c.ratings.free();
    }
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/**
 * Cuts rows `0..rows` into at most `parts` contiguous ranges of about equal
 * work, a row weighing its ratings plus `rowCost` (its own solve).
 */
export function workRanges(indptr: Uint32Array, parts: number, rowCost: number): [number, number][] {
  const rows = indptr.length - 1;
  const total = indptr[rows] + rows * rowCost;
  const out: [number, number][] = [];
  let start = 0;
  for (let p = 1; p <= parts && start < rows; p++) {
    const goal = (total * p) / parts;
    let end = start;
    while (end < rows && (p === parts || indptr[end + 1] + (end + 1) * rowCost <= goal)) end++;
    if (end === start) end++;
    out.push([start, end]);
    start = end;
  }
  if (start < rows) out[out.length - 1][1] = rows;
  return out;
}

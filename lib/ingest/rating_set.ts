/**
 * One side of a split (training, validation or test ratings) as columns in
 * the core's shared memory, and how to gather it from loaded ratings.
 *
 * @module
 */

import type { Ratings } from "./ratings.ts";
import type { CoreArray, WasmCore } from "../core/wasm.ts";

/** Ratings of one side of a split, in shared memory. */
export class RatingSet implements Disposable {
  /** Number of ratings. */
  readonly n: number;
  /** Dense user indices. */
  readonly users: CoreArray<Uint32Array>;
  /** Dense movie indices. */
  readonly movies: CoreArray<Uint32Array>;
  /** Ratings. */
  readonly ratings: CoreArray<Float32Array>;

  /** Allocates a set of `n` ratings. */
  constructor(core: WasmCore, n: number) {
    this.n = n;
    this.users = core.allocArray(Uint32Array, Math.max(n, 1));
    this.movies = core.allocArray(Uint32Array, Math.max(n, 1));
    this.ratings = core.allocArray(Float32Array, Math.max(n, 1));
  }

  /** Releases the arrays. */
  free(): void {
    this.users.free();
    this.movies.free();
    this.ratings.free();
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/** Copies the rows whose `split` entry equals `side` into a {@link RatingSet}. */
export function gatherSide(core: WasmCore, ratings: Ratings, split: Uint8Array, side: number): RatingSet {
  let n = 0;
  for (let i = 0; i < ratings.nRatings; i++) if (split[i] === side) n++;
  const set = new RatingSet(core, n);
  const su = ratings.columns.users.view, sm = ratings.columns.movies.view, sr = ratings.columns.ratings.view;
  const du = set.users.view, dm = set.movies.view, dr = set.ratings.view;
  let j = 0;
  for (let i = 0; i < ratings.nRatings; i++) {
    if (split[i] !== side) continue;
    du[j] = su[i];
    dm[j] = sm[i];
    dr[j] = sr[i];
    j++;
  }
  return set;
}

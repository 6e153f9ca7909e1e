/**
 * Train / validation / test splits and k-fold assignments of ratings.
 *
 * Every split is a `Uint8Array` with one entry per rating row. The random
 * split and the folds hash each rating's (MovieLens userId, movieId) with the
 * seed using integer arithmetic only, so a seed gives the same split on every
 * machine, whatever the file order, and a rating stays on its side when other
 * ratings are added. The time split puts each user's latest ratings in test
 * and the ones just before in validation.
 *
 * @module
 */

import { mix32 } from "../util/_random.ts";
import type { Ratings } from "./ratings.ts";

/** Values of a split assignment. */
export const SPLIT = { TRAIN: 0, VALIDATION: 1, TEST: 2 } as const;

/** Options for {@link splitRatings}. */
export interface SplitOptions {
  /** "random" (default) or "time" (per user, latest ratings to test). */
  kind?: "random" | "time";
  /** Seed of the random split. Default: 42. */
  seed?: number;
  /** Share of ratings for validation. Default: 0.05. */
  validation?: number;
  /** Share of ratings for test. Default: 0.05. */
  test?: number;
}

/** Defaults of {@link SplitOptions}, in one place. */
export const SPLIT_DEFAULTS: Required<SplitOptions> = {
  kind: "random",
  seed: 42,
  validation: 0.05,
  test: 0.05,
};

/** Counts of each side of a split. */
export interface SplitCounts {
  /** Training ratings. */
  train: number;
  /** Validation ratings. */
  validation: number;
  /** Test ratings. */
  test: number;
}

function checkShares(validation: number, test: number): void {
  for (const [name, v] of [["validation", validation], ["test", test]] as const) {
    if (!(v >= 0 && v < 1)) {
      throw new RangeError(`Cannot split with ${name} share "${v}": expected a number in [0, 1)`);
    }
  }
  if (validation + test >= 1) {
    throw new RangeError(
      `Cannot split with validation ${validation} and test ${test}: together they must be below 1`,
    );
  }
}

/** A uniform number in [0, 1) from a rating's ids and a seed. */
function ratingHash(seed: number, salt: number, userId: number, movieId: number): number {
  return mix32(mix32(mix32(seed ^ salt) ^ userId) ^ movieId) / 4294967296;
}

/** Assigns every rating row to train, validation or test; see the module doc. */
export function splitRatings(ratings: Ratings, options: SplitOptions = {}): Uint8Array {
  const o = { ...SPLIT_DEFAULTS, ...options };
  checkShares(o.validation, o.test);
  if (!Number.isSafeInteger(o.seed)) {
    throw new RangeError(`Cannot split with seed "${o.seed}": expected an integer`);
  }
  if (o.kind === "time") return timeSplit(ratings, o.validation, o.test);
  if (o.kind !== "random") throw new RangeError(`Cannot split by "${o.kind}": expected "random" or "time"`);
  const out = new Uint8Array(ratings.nRatings);
  const users = ratings.columns.users.view, movies = ratings.columns.movies.view;
  const cut = o.test, cut2 = o.test + o.validation;
  for (let i = 0; i < out.length; i++) {
    const h = ratingHash(o.seed, 0x5151, ratings.userIds[users[i]], ratings.movieIds[movies[i]]);
    out[i] = h < cut ? SPLIT.TEST : h < cut2 ? SPLIT.VALIDATION : SPLIT.TRAIN;
  }
  return out;
}

/**
 * Per user, sorts ratings by (timestamp, movie) and sends the latest
 * `round(test · n)` to test and the `round(validation · n)` before them to
 * validation, always leaving at least one for training.
 */
function timeSplit(ratings: Ratings, validation: number, test: number): Uint8Array {
  const times = ratings.columns.times?.view;
  if (!times) {
    throw new TypeError(
      "Cannot split by time: the ratings file has no timestamp column; use the random split (--split random)",
    );
  }
  const out = new Uint8Array(ratings.nRatings);
  const offsets = ratings.userOffsets.view;
  let keys = new Float64Array(1024);
  for (let u = 0; u < ratings.nUsers; u++) {
    const start = offsets[u], n = offsets[u + 1] - start;
    if (n > keys.length) keys = new Float64Array(n * 2);
    // Rows of a user are in movie order, so (time, local index) orders by (time, movie).
    // The key fits a double exactly: time < 2^32, local index < 2^21.
    if (n >= 1 << 21) {
      throw new RangeError(`Cannot split by time: user ${ratings.userIds[u]} has over 2^21 ratings`);
    }
    const k = keys.subarray(0, n);
    for (let j = 0; j < n; j++) k[j] = times[start + j] * 2097152 + j;
    k.sort();
    const nTest = Math.min(Math.round(test * n), n - 1);
    const nVal = Math.min(Math.round(validation * n), n - 1 - nTest);
    for (let j = 0; j < n; j++) {
      const row = start + (k[j] % 2097152);
      out[row] = j >= n - nTest ? SPLIT.TEST : j >= n - nTest - nVal ? SPLIT.VALIDATION : SPLIT.TRAIN;
    }
  }
  return out;
}

/** Assigns every rating row to one of `folds` folds (0-based), by the seeded hash. */
export function kFoldAssignments(ratings: Ratings, folds: number, seed = 42): Uint8Array {
  if (!Number.isInteger(folds) || folds < 2 || folds > 100) {
    throw new RangeError(`Cannot make "${folds}" folds: expected an integer in 2–100`);
  }
  const out = new Uint8Array(ratings.nRatings);
  const users = ratings.columns.users.view, movies = ratings.columns.movies.view;
  for (let i = 0; i < out.length; i++) {
    const h = ratingHash(seed, 0xf01d, ratings.userIds[users[i]], ratings.movieIds[movies[i]]);
    out[i] = Math.floor(h * folds);
  }
  return out;
}

/** Counts the rows on each side of a split. */
export function countSplit(assignment: Uint8Array): SplitCounts {
  const c = [0, 0, 0];
  for (let i = 0; i < assignment.length; i++) c[assignment[i]]++;
  return { train: c[SPLIT.TRAIN], validation: c[SPLIT.VALIDATION], test: c[SPLIT.TEST] };
}

/**
 * Ratings handed over in memory (an array of objects) instead of a file:
 * checked row by row, then assembled like a parsed file.
 *
 * @module
 */

import { allocColumns } from "./_ingest_kernels.ts";
import { assembleRatings, type Ratings } from "./ratings.ts";
import type { WasmCore } from "../core/wasm.ts";

/** One rating, as MovieLens has it. */
export interface RatingInput {
  /** MovieLens userId, an integer in 0–2147483647. */
  userId: number;
  /** MovieLens movieId, an integer in 0–2147483647. */
  movieId: number;
  /** The rating, 0.5–5. */
  rating: number;
}

const MAX_ID = 2 ** 31 - 1;

/**
 * Checks and loads `rows` into the core's memory as {@link Ratings}; a row
 * that is not a rating throws a `RangeError` naming its index and the fix.
 */
export async function ratingsFromArray(core: WasmCore, rows: readonly RatingInput[]): Promise<Ratings> {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new RangeError("Cannot use the ratings: expected a non-empty array of { userId, movieId, rating }");
  }
  const cols = allocColumns(core, rows.length, false);
  let maxUser = 0, maxMovie = 0;
  try {
    const users = cols.users.view, movies = cols.movies.view, values = cols.ratings.view;
    rows.forEach((row, i) => {
      const bad = (what: string) => new RangeError(`Cannot use ratings[${i}]: ${what}`);
      if (!Number.isInteger(row?.userId) || row.userId < 0 || row.userId > MAX_ID) {
        throw bad(`userId "${row?.userId}" is not an integer in 0–${MAX_ID}`);
      }
      if (!Number.isInteger(row.movieId) || row.movieId < 0 || row.movieId > MAX_ID) {
        throw bad(`movieId "${row.movieId}" is not an integer in 0–${MAX_ID}`);
      }
      if (!(row.rating >= 0.5 && row.rating <= 5)) throw bad(`rating "${row.rating}" is outside 0.5–5`);
      users[i] = row.userId;
      movies[i] = row.movieId;
      values[i] = row.rating;
      maxUser = Math.max(maxUser, row.userId);
      maxMovie = Math.max(maxMovie, row.movieId);
    });
  } catch (error) {
    cols.users.free();
    cols.movies.free();
    cols.ratings.free();
    throw error;
  }
  const report = {
    rowsParsed: rows.length,
    duplicates: 0,
    blankLines: 0,
    skippedRows: 0,
    skippedExamples: [],
    reordered: false,
  };
  const fingerprint = { size: 0, mtimeMs: 0, headTailSha256: "in-memory" };
  return await assembleRatings(
    core,
    cols,
    rows.length,
    { user: maxUser, movie: maxMovie },
    report,
    fingerprint,
  );
}

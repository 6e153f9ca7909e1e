/**
 * Users' rating histories for a model: which movies each user rated (to
 * leave them out of recommendations), re-indexed to the model's indices.
 * Read from the ratings cache's offsets and movie column alone when the cache
 * is current, else from the ratings (rebuilding the cache).
 *
 * @module
 */

import { indexOfSorted } from "../util/_io.ts";
import type { PmfModel } from "../model/model.ts";
import { cachePathFor, readCacheArrays, readCacheArraySync } from "../ingest/ratings_cache.ts";
import { fingerprintFile } from "../ingest/ratings_ingest.ts";
import { loadRatings } from "../ingest/ratings_load.ts";
import type { WasmCore } from "../core/wasm.ts";

/** Loads the histories of `model`'s users from a ratings CSV; null when the file is missing. */
export async function loadHistory(
  core: WasmCore,
  ratingsPath: string,
  model: PmfModel,
): Promise<History | null> {
  try {
    const quick = await quickHistory(core, ratingsPath, model);
    if (quick) return quick;
    const { ratings } = await loadRatings(core, ratingsPath);
    using _r = ratings;
    return mapHistory(
      { userIds: ratings.userIds, movieIds: ratings.movieIds, offsets: ratings.userOffsets.view.slice() },
      ratings.columns.movies.view.slice(0, ratings.nRatings),
      ratings.columns.ratings.view.slice(0, ratings.nRatings),
      model,
    );
  } catch (error) {
    if (error instanceof Error && /file not found/.test(error.message)) return null;
    throw error;
  }
}

/** Users' rated movies and their ratings from the ratings cache alone, or null. */
async function quickHistory(core: WasmCore, ratingsPath: string, model: PmfModel): Promise<History | null> {
  let fingerprint;
  try {
    using f = await Deno.open(ratingsPath);
    fingerprint = await fingerprintFile(f, (await f.stat()).size);
  } catch {
    return null;
  }
  const cachePath = cachePathFor(ratingsPath);
  const arrays = await readCacheArrays(core, cachePath, fingerprint, [
    "userIds",
    "movieIds",
    "userOffsets",
    "movies",
  ]);
  if (!arrays) return null;
  const u32 = (name: string) => new Uint32Array(arrays.get(name)!.buffer);
  const source = { userIds: u32("userIds"), movieIds: u32("movieIds"), offsets: u32("userOffsets") };
  if (!sameIds(source, model)) {
    const values = await readCacheArrays(core, cachePath, fingerprint, ["ratings"]);
    return mapHistory(
      source,
      u32("movies"),
      values ? new Float32Array(values.get("ratings")!.buffer) : null,
      model,
    );
  }
  // The ratings themselves (80 MB for 20 M ratings) are read only when a question needs them.
  const lazyRatings = () => {
    const bytes = readCacheArraySync(core, cachePath, fingerprint, "ratings");
    return bytes ? new Float32Array(bytes.buffer) : null;
  };
  return { offsets: source.offsets, movies: u32("movies"), ratings: null, lazyRatings };
}

/** Users' rated movies (model indices) and, when known, the ratings. */
export interface History {
  /** User u's entries are `offsets[u]..offsets[u + 1]`. */
  offsets: Uint32Array;
  /** The movies, by user. */
  movies: Uint32Array;
  /** The ratings, by user, or null (unknown, or not read yet: see {@link historyRatings}). */
  ratings: Float32Array | null;
  /** Reads the ratings the first time they are needed. */
  lazyRatings?: () => Float32Array | null;
}

/** The history's ratings, read now if they are read lazily; null when they cannot be had. */
export function historyRatings(h: History): Float32Array | null {
  if (!h.ratings && h.lazyRatings) {
    h.ratings = h.lazyRatings();
    h.lazyRatings = undefined;
  }
  return h.ratings;
}

function sameIds(source: { userIds: Uint32Array; movieIds: Uint32Array }, model: PmfModel): boolean {
  const same = (a: Uint32Array, b: Uint32Array) => a.length === b.length && a.every((x, i) => x === b[i]);
  return same(source.userIds, model.userIds) && same(source.movieIds, model.movieIds);
}

/**
 * Users' rated movies (and ratings), re-indexed to the model's indices; the
 * arrays are used as they are when the ids match, so pass copies the caller
 * does not keep.
 */
export function mapHistory(
  source: { userIds: Uint32Array; movieIds: Uint32Array; offsets: Uint32Array },
  cm: Uint32Array,
  cr: Float32Array | null,
  model: PmfModel,
): History {
  const n = cm.length, off = source.offsets;
  if (sameIds(source, model)) {
    return { offsets: off, movies: cm, ratings: cr };
  }
  const movieMap = Int32Array.from(source.movieIds, (id) => indexOfSorted(model.movieIds, id));
  const offsets = new Uint32Array(model.nUsers + 1);
  const movies = new Uint32Array(n), values = cr ? new Float32Array(n) : null;
  let at = 0;
  for (let u = 0; u < model.nUsers; u++) {
    const src = indexOfSorted(source.userIds, model.userIds[u]);
    if (src >= 0) {
      for (let i = off[src]; i < off[src + 1]; i++) {
        const m = movieMap[cm[i]];
        if (m >= 0) {
          movies[at] = m;
          if (values && cr) values[at] = cr[i];
          at++;
        }
      }
    }
    offsets[u + 1] = at;
  }
  return { offsets, movies: movies.slice(0, at), ratings: values ? values.slice(0, at) : null };
}

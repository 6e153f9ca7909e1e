/**
 * Loading ratings the way a user expects: from the binary cache when it is
 * current, otherwise from the CSV (then the cache is rebuilt, with a one-line
 * reason).
 *
 * @module
 */

import { type IngestOptions, ingestRatingsCsv } from "./ratings_ingest.ts";
import type { Ratings } from "./ratings.ts";
import { cachePathFor, readRatingsCache, writeRatingsCache } from "./ratings_cache.ts";
import { fingerprintFile } from "./ratings_ingest.ts";
import { notFound } from "../util/errors.ts";
import type { WasmCore } from "../core/wasm.ts";

/** Options for {@link loadRatings}. */
export interface LoadRatingsOptions extends IngestOptions {
  /** Use and refresh the binary cache beside the CSV. Default: true. */
  cache?: boolean;
  /** Cache file. Default: the CSV path plus `.pmfcache`. */
  cachePath?: string;
}

/** What {@link loadRatings} did. */
export interface LoadedRatings {
  /** The ratings; the caller owns them. */
  ratings: Ratings;
  /** True when they came from the cache. */
  fromCache: boolean;
  /** Why the CSV was parsed (no cache, CSV changed, corrupt cache, …), or "" when the cache was used. */
  cacheNote: string;
  /** A warning when the cache could not be written (the ratings are fine). */
  cacheWriteWarning?: string;
}

/** Loads ratings from the cache or the CSV; see the module doc. */
export async function loadRatings(
  core: WasmCore,
  csvPath: string,
  options: LoadRatingsOptions = {},
): Promise<LoadedRatings> {
  const useCache = options.cache ?? true;
  const cachePath = options.cachePath ?? cachePathFor(csvPath);
  if (!useCache) {
    return {
      ratings: await ingestRatingsCsv(core, csvPath, options),
      fromCache: false,
      cacheNote: "cache disabled",
    };
  }
  let fingerprint;
  try {
    using file = await Deno.open(csvPath);
    fingerprint = await fingerprintFile(file, (await file.stat()).size);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw notFound(
        "ratings",
        csvPath,
        "expected a MovieLens ratings.csv (see data/README.md), or run 'deno task gen-data' to make one",
        error,
      );
    }
    throw error;
  }
  const cached = await readRatingsCache(core, cachePath, fingerprint);
  if (cached.ratings && cached.ratings.report.skippedRows > 0 && !options.skipInvalid) {
    // Built by a run that skipped bad rows: a strict run must see them, so parse the CSV (it reports the first).
    cached.ratings.free();
  } else if (cached.ratings) {
    return { ratings: cached.ratings, fromCache: true, cacheNote: "" };
  }
  const ratings = await ingestRatingsCsv(core, csvPath, options);
  let cacheWriteWarning: string | undefined;
  try {
    await writeRatingsCache(core, ratings, cachePath);
  } catch (error) {
    const why = (error as Error).message.replace(/^Cannot write "[^"]*": /, "");
    cacheWriteWarning =
      `Cannot write the ratings cache "${cachePath}": ${why}; loading will parse the CSV again next time`;
  }
  return { ratings, fromCache: false, cacheNote: cached.reason ?? "", cacheWriteWarning };
}

/**
 * Ratings in columnar form, in the core's shared memory: dense user and
 * movie indices, ratings, timestamps, and per-user offsets, with the maps
 * from dense index back to MovieLens id.
 *
 * @module
 */

import { indexOfSorted } from "../util/_io.ts";
import {
  dedupeRows,
  freeColumns,
  indexIds,
  type RatingColumns,
  scanRows,
  sortRows,
  userOffsets,
} from "./_ingest_kernels.ts";
import type { CoreArray, WasmCore } from "../core/wasm.ts";
import { settleAll, type WorkerPool } from "../core/pool.ts";

/** What ingestion noticed and how it recovered. */
export interface IngestReport {
  /** Rows in the file that were parsed (before duplicates were dropped). */
  rowsParsed: number;
  /** Rows dropped because a later row had the same (user, movie); the last one is kept. */
  duplicates: number;
  /** Blank lines skipped. */
  blankLines: number;
  /** Bad rows skipped (only with `skipInvalid`). */
  skippedRows: number;
  /** The first few skipped rows' messages. */
  skippedExamples: string[];
  /** True when the file's rows were not in (user, movie) order and were sorted. */
  reordered: boolean;
}

/** Everything that identifies a ratings file's contents, for caches and checkpoints. */
export interface RatingsFingerprint {
  /** File size in bytes. */
  size: number;
  /** Modification time in ms since the epoch (0 when unknown). */
  mtimeMs: number;
  /** SHA-256 of the first and last 64 KiB, hex. */
  headTailSha256: string;
}

/** Parts that make up a {@link Ratings}. */
export interface RatingsParts {
  /** Number of ratings. */
  nRatings: number;
  /** Columns with dense indices; capacity may exceed `nRatings`. */
  columns: RatingColumns;
  /** Per-user offsets, `nUsers + 1` entries. */
  userOffsets: CoreArray<Uint32Array>;
  /** MovieLens userId of each dense user index, increasing. */
  userIds: Uint32Array;
  /** MovieLens movieId of each dense movie index, increasing. */
  movieIds: Uint32Array;
  /** Ingestion report. */
  report: IngestReport;
  /** Identity of the source file. */
  fingerprint: RatingsFingerprint;
}

/** Each user's (movie, rating) rows in shared memory: user u's are `offsets[u]..offsets[u + 1]` of the first `n`. */
export interface UserRowArrays {
  offsets: CoreArray<Uint32Array>;
  movies: CoreArray<Uint32Array>;
  ratings: CoreArray<Float32Array>;
  n: number;
}

/** Columnar ratings in shared memory; free them with {@link Ratings.free} or `using`. */
export class Ratings implements Disposable {
  /** Number of ratings. */
  readonly nRatings: number;
  /** Number of distinct users. */
  readonly nUsers: number;
  /** Number of distinct movies. */
  readonly nMovies: number;
  /** Columns (dense user and movie indices, ratings, timestamps), sorted by (user, movie). */
  readonly columns: RatingColumns;
  /** User u's ratings are rows `userOffsets[u]..userOffsets[u + 1]`. */
  readonly userOffsets: CoreArray<Uint32Array>;
  /** MovieLens userId of each dense user index, increasing. */
  readonly userIds: Uint32Array;
  /** MovieLens movieId of each dense movie index, increasing. */
  readonly movieIds: Uint32Array;
  /** What ingestion noticed. */
  readonly report: IngestReport;
  /** Identity of the source file. */
  readonly fingerprint: RatingsFingerprint;
  #freed = false;

  /** Takes ownership of `parts`. */
  constructor(parts: RatingsParts) {
    this.nRatings = parts.nRatings;
    this.nUsers = parts.userIds.length;
    this.nMovies = parts.movieIds.length;
    this.columns = parts.columns;
    this.userOffsets = parts.userOffsets;
    this.userIds = parts.userIds;
    this.movieIds = parts.movieIds;
    this.report = parts.report;
    this.fingerprint = parts.fingerprint;
  }

  /** Dense index of a MovieLens userId, or -1. */
  userIndex(userId: number): number {
    return indexOfSorted(this.userIds, userId);
  }

  /** Dense index of a MovieLens movieId, or -1. */
  movieIndex(movieId: number): number {
    return indexOfSorted(this.movieIds, movieId);
  }

  /** Mean of all ratings. */
  meanRating(): number {
    const r = this.columns.ratings.view;
    let sum = 0;
    for (let i = 0; i < this.nRatings; i++) sum += r[i];
    return this.nRatings ? sum / this.nRatings : NaN;
  }

  /**
   * Hands over the rows that pass `keep` as each user's (movie, rating)
   * rows: compacted in place in this object's movie and rating columns, with
   * `userOffsets` rewritten as the rows' offsets; the user and time columns
   * are freed. Nothing is copied, so a large set costs no new memory. The
   * ratings are consumed: afterwards only `free()` may be called, and it
   * does nothing (the caller owns the arrays handed over).
   */
  takeUserRows(keep: (row: number) => boolean): UserRowArrays {
    if (this.#freed) throw new TypeError("Cannot take rows from freed ratings");
    this.#freed = true;
    const off = this.userOffsets.view, m = this.columns.movies.view, r = this.columns.ratings.view;
    let n = 0;
    for (let u = 0; u < this.nUsers; u++) {
      const [a, b] = [off[u], off[u + 1]];
      off[u] = n;
      for (let i = a; i < b; i++) {
        if (!keep(i)) continue;
        m[n] = m[i];
        r[n++] = r[i];
      }
    }
    off[this.nUsers] = n;
    this.columns.users.free();
    this.columns.times?.free();
    return { offsets: this.userOffsets, movies: this.columns.movies, ratings: this.columns.ratings, n };
  }

  /**
   * Frees the timestamp column once nothing will split by time any more (only
   * `splitRatings` reads it): 80 MB on MovieLens 20M, which the training layout
   * allocated next can reuse. Afterwards the ratings behave as if the file had
   * no timestamps.
   */
  releaseTimes(): void {
    this.columns.times?.free();
    this.columns.times = null;
  }

  /** Releases the shared memory; idempotent. */
  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    freeColumns(this.columns);
    this.userOffsets.free();
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/**
 * Turns `n` parsed rows (raw MovieLens ids) into {@link Ratings}: ids become
 * dense indices in id order, rows go in (user, movie) order (stably), a
 * repeated (user, movie) keeps its last rating, and per-user offsets are
 * built. `maxIds` are the largest raw ids. Takes ownership of `cols` (freed
 * on failure) and fills `report`'s row counts. With a pool, the user and
 * movie columns are indexed at once on its Workers.
 */
export async function assembleRatings(
  core: WasmCore,
  cols: RatingColumns,
  n: number,
  maxIds: { user: number; movie: number },
  report: IngestReport,
  fingerprint: RatingsFingerprint,
  pool: WorkerPool | null = null,
): Promise<Ratings> {
  let owned: RatingColumns | null = cols;
  try {
    const [userIds, movieIds] = await settleAll([
      indexIds(core, cols.users, n, maxIds.user, pool, 0),
      indexIds(core, cols.movies, n, maxIds.movie, pool, pool ? 1 % pool.size : 0),
    ]);
    // One pass; sorting, removing duplicates and the offsets again only where it found the need.
    const scan = scanRows(core, cols, n, userIds.length);
    let kept = n, offsets = scan.offsets;
    if (!scan.sorted || scan.firstDuplicate < n) {
      scan.offsets.free();
      if (!scan.sorted) {
        cols = sortRows(core, cols, n, userIds.length, movieIds.length);
        owned = cols;
        report.reordered = true;
      }
      kept = dedupeRows(core, cols, n);
      offsets = userOffsets(core, cols.users, kept, userIds.length);
    }
    report.rowsParsed = n;
    report.duplicates = n - kept;
    owned = null;
    return new Ratings({
      nRatings: kept,
      columns: cols,
      userOffsets: offsets,
      userIds,
      movieIds,
      report,
      fingerprint,
    });
  } catch (error) {
    if (owned) freeColumns(owned);
    throw error;
  }
}

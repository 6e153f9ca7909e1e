/**
 * Typed wrappers of the core's ingestion kernels: ratings CSV parsing, id
 * indexing, (user, movie) ordering with duplicate removal, per-user offsets
 * and checksums. Buffers are {@link CoreArray}s owned by the caller; every
 * function frees what it allocates itself, also on error.
 *
 * @module
 */

import type { CoreArray, KernelArgs, ParseSummary, WasmCore } from "../core/wasm.ts";
import type { WorkerPool } from "../core/pool.ts";

/** Where one parse call stopped: rows, lines and bytes consumed, the outcome and the running id maxima. */
export type ParseOutcome = ParseSummary;

/** Rating columns in the shared memory; all have the same capacity. */
export interface RatingColumns {
  /** Raw user ids while parsing, dense user indices afterwards. */
  users: CoreArray<Uint32Array>;
  /** Raw movie ids while parsing, dense movie indices afterwards. */
  movies: CoreArray<Uint32Array>;
  /** Ratings, 0.5–5 in steps of 0.5. */
  ratings: CoreArray<Float32Array>;
  /** Unix timestamps in seconds, or null when the file has none. */
  times: CoreArray<Uint32Array> | null;
}

/** Frees every column. */
export function freeColumns(cols: RatingColumns): void {
  cols.users.free();
  cols.movies.free();
  cols.ratings.free();
  cols.times?.free();
}

/** Copies the first `n` rows of `from` into `to` from row `at` (bulk copies in the core). */
export function copyRows(
  core: WasmCore,
  from: RatingColumns,
  to: RatingColumns,
  n: number,
  at: number,
): void {
  if (n === 0) return;
  core.kernels.copy32(from.users.ptr, to.users.ptr + 4 * at, n);
  core.kernels.copy32(from.movies.ptr, to.movies.ptr + 4 * at, n);
  core.kernels.copy32(from.ratings.ptr, to.ratings.ptr + 4 * at, n);
  if (from.times && to.times) core.kernels.copy32(from.times.ptr, to.times.ptr + 4 * at, n);
}

/** Allocates zeroed columns of `capacity` rows. */
export function allocColumns(core: WasmCore, capacity: number, hasTime: boolean): RatingColumns {
  const cols: Partial<RatingColumns> = {};
  try {
    cols.users = core.allocArray(Uint32Array, capacity);
    cols.movies = core.allocArray(Uint32Array, capacity);
    cols.ratings = core.allocArray(Float32Array, capacity);
    cols.times = hasTime ? core.allocArray(Uint32Array, capacity) : null;
    return cols as RatingColumns;
  } catch (error) {
    cols.users?.free();
    cols.movies?.free();
    cols.ratings?.free();
    cols.times?.free();
    throw error;
  }
}

/**
 * The `parseRatings` kernel's arguments for whole lines at `input` (`len`
 * bytes) into `cols` from row `start`; `maxUser` and `maxMovie` are the running
 * maxima of earlier calls. For {@link parseRatingLines} or a pool task.
 */
export function parseArgs(
  input: number,
  len: number,
  cols: RatingColumns,
  start: number,
  maxUser: number,
  maxMovie: number,
): KernelArgs<"parseRatings"> {
  return [
    input,
    len,
    cols.times !== null,
    cols.users.ptr,
    cols.movies.ptr,
    cols.ratings.ptr,
    cols.times?.ptr ?? 0,
    start,
    cols.users.length,
    maxUser,
    maxMovie,
  ];
}

/** Parses on this thread; the arguments are {@link parseArgs}'s. */
export function parseRatingLines(
  core: WasmCore,
  input: number,
  len: number,
  cols: RatingColumns,
  start: number,
  maxUser: number,
  maxMovie: number,
): ParseOutcome {
  return core.call("parseRatings", parseArgs(input, len, cols, start, maxUser, maxMovie));
}

/**
 * Rows per call of a pass over a whole column. WebAssembly engines start a
 * function in baseline code and switch to optimised code at a later call, so
 * one call over 20 million rows would run unoptimised from end to end.
 */
const KERNEL_SLICE = 1 << 21;

/** Largest id indexed through a lookup table; larger ids take a slower sorted path. */
export const TABLE_MAX_ID: number = (1 << 25) - 1;

/**
 * Replaces the first `n` raw ids of `ids` by dense indices in raw-id order
 * and returns the raw id of each index. The two passes over the ids run on
 * Worker `worker` of `pool` when one is given (so the user and movie columns
 * can be indexed at once), else on this thread, `slice` rows per call.
 */
export async function indexIds(
  core: WasmCore,
  ids: CoreArray<Uint32Array>,
  n: number,
  maxId: number,
  pool: WorkerPool | null = null,
  worker = 0,
  slice: number = KERNEL_SLICE,
): Promise<Uint32Array> {
  if (maxId > TABLE_MAX_ID) return indexIdsSorted(ids, n);
  const pass = async <K extends "idsMark" | "idsRemap">(kernel: K, args: KernelArgs<K>) => {
    if (pool) await pool.run(worker, { kernel, args });
    else core.call(kernel, args);
  };
  using table = core.allocArray(Int32Array, maxId + 1);
  // In slices: the engine optimises a kernel between calls, not during one.
  for (let at = 0; at < n; at += slice) {
    await pass("idsMark", [ids.ptr + 4 * at, Math.min(slice, n - at), table.ptr, table.length]);
  }
  const count = core.kernels.idsAssign(table.ptr, table.length);
  using list = core.allocArray(Uint32Array, count);
  core.kernels.idsList(table.ptr, table.length, list.ptr, count);
  for (let at = 0; at < n; at += slice) {
    await pass("idsRemap", [ids.ptr + 4 * at, Math.min(slice, n - at), table.ptr, table.length]);
  }
  return list.view.slice();
}

/** The path for ids too large for a table: sort the distinct ids, binary-search each. */
function indexIdsSorted(ids: CoreArray<Uint32Array>, n: number): Uint32Array {
  const sorted = ids.view.slice(0, n).sort();
  let count = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[count++] = sorted[i];
  }
  const unique = sorted.slice(0, count);
  const view = ids.view;
  for (let i = 0; i < n; i++) {
    const id = view[i];
    let lo = 0, hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (unique[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    view[i] = lo;
  }
  return unique;
}

/**
 * One pass over the first `n` (user-index) rows, `slice` rows a call: whether they
 * are in (user, movie) order and, if so, the first row whose pair the next one
 * repeats (`n` when none) and, when there is none, the per-user offsets. Most files
 * are sorted without duplicates: then this is the only pass ({@link sortRows},
 * {@link dedupeRows} and {@link userOffsets} are for the others). The caller frees
 * `offsets` (also when it is not used).
 */
export function scanRows(
  core: WasmCore,
  cols: RatingColumns,
  n: number,
  nUsers: number,
  slice: number = KERNEL_SLICE,
): { sorted: boolean; firstDuplicate: number; offsets: CoreArray<Uint32Array> } {
  const offsets = core.allocArray(Uint32Array, nUsers + 1);
  const state = core.allocArray(Uint32Array, 4);
  try {
    let found = n;
    for (let at = 0; at === 0 || at < n; at += slice) {
      const to = Math.min(n, at + slice);
      found = core.kernels.scanRows(
        cols.users.ptr,
        cols.movies.ptr,
        n,
        at,
        to,
        nUsers,
        offsets.ptr,
        state.ptr,
      );
      if (found < 0) break;
    }
    return { sorted: found >= 0, firstDuplicate: Math.max(found, 0), offsets };
  } catch (error) {
    offsets.free();
    throw error;
  } finally {
    state.free();
  }
}

/**
 * Reorders the first `n` rows by (user, movie), stably (file order among
 * equal pairs). Returns new columns of exactly `n` rows; frees `cols`.
 */
export function sortRows(
  core: WasmCore,
  cols: RatingColumns,
  n: number,
  nUsers: number,
  nMovies: number,
): RatingColumns {
  let order: CoreArray<Uint32Array> | undefined;
  {
    using counts = core.allocArray(Uint32Array, Math.max(nUsers, nMovies) + 1);
    using byMovie = core.allocArray(Uint32Array, n);
    core.kernels.countingOrder(cols.movies.ptr, n, nMovies, counts.ptr, 0, byMovie.ptr);
    order = core.allocArray(Uint32Array, n);
    try {
      core.kernels.countingOrder(cols.users.ptr, n, nUsers, counts.ptr, byMovie.ptr, order.ptr);
    } catch (error) {
      order.free();
      throw error;
    }
  }
  using _order = order;
  const sorted = allocColumns(core, n, cols.times !== null);
  try {
    core.kernels.gather32(cols.users.ptr, order.ptr, n, sorted.users.ptr);
    core.kernels.gather32(cols.movies.ptr, order.ptr, n, sorted.movies.ptr);
    core.kernels.gather32(cols.ratings.ptr, order.ptr, n, sorted.ratings.ptr);
    if (cols.times && sorted.times) {
      core.kernels.gather32(cols.times.ptr, order.ptr, n, sorted.times.ptr);
    }
  } catch (error) {
    freeColumns(sorted);
    throw error;
  }
  freeColumns(cols);
  return sorted;
}

/** Drops duplicate (user, movie) rows of sorted columns, keeping the last; returns the rows kept. */
export function dedupeRows(core: WasmCore, cols: RatingColumns, n: number): number {
  return core.kernels.dedupe(cols.users.ptr, cols.movies.ptr, cols.ratings.ptr, cols.times?.ptr ?? 0, n);
}

/** Per-user offsets (`nUsers + 1`) of the first `n` user-sorted rows. */
export function userOffsets(
  core: WasmCore,
  users: CoreArray<Uint32Array>,
  n: number,
  nUsers: number,
): CoreArray<Uint32Array> {
  const offsets = core.allocArray(Uint32Array, nUsers + 1);
  try {
    core.kernels.userOffsets(users.ptr, n, nUsers, offsets.ptr);
    return offsets;
  } catch (error) {
    offsets.free();
    throw error;
  }
}

/** 64-bit checksum of `nWords` 4-byte words at `ptr`, as 16 hex digits. */
export function checksum(core: WasmCore, ptr: number, nWords: number, scalar = false): string {
  return core.kernels.checksum(ptr, nWords, scalar);
}

/**
 * The checksums of several arrays at once in the core (their chains side by
 * side), for {@link ContainerFile.readAll}: arrays that are word-aligned views
 * of the core's memory are summed in place, others through {@link coreChecksum}.
 */
export function coreChecksums(core: WasmCore): (arrays: Uint8Array[]) => string[] {
  const one = coreChecksum(core);
  return (arrays) => {
    const inCore = arrays.map((a) => a.buffer === core.memory.buffer && a.byteOffset % 4 === 0);
    const many = arrays.filter((_, i) => inCore[i]);
    using ptrs = core.allocArray(Uint32Array, Math.max(1, many.length));
    using lens = core.allocArray(Uint32Array, Math.max(1, many.length));
    many.forEach((a, i) => {
      ptrs.view[i] = a.byteOffset;
      lens.view[i] = a.length >>> 2;
    });
    const sums = many.length ? core.kernels.checksumMany(ptrs.ptr, lens.ptr, many.length) : [];
    let next = 0;
    return arrays.map((a, i) => inCore[i] ? sums[next++] : one(a));
  };
}

/**
 * A checksum function for the container reader that runs in the core (SIMD):
 * in place for views of the core's memory, else through a temporary copy.
 * Same value as `checksumWords` in lib/util/container.ts.
 */
export function coreChecksum(core: WasmCore): (bytes: Uint8Array) => string {
  return (bytes) => {
    const words = bytes.length >>> 2;
    if (bytes.buffer === core.memory.buffer && bytes.byteOffset % 4 === 0) {
      return checksum(core, bytes.byteOffset, words);
    }
    using tmp = core.allocArray(Uint32Array, Math.max(1, words));
    core.view(Uint8Array, tmp.ptr, words * 4).set(bytes.subarray(0, words * 4));
    return checksum(core, tmp.ptr, words);
  };
}

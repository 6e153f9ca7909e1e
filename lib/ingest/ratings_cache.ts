/**
 * The binary ratings cache: parsed {@link Ratings} saved beside the CSV and
 * reloaded while the CSV is unchanged.
 *
 * The container (magic `PMFRATES`) is the one in `lib/util/container.ts`,
 * shared with the model file. The header holds the CSV's fingerprint (size, modification time, SHA-256 of
 * its first and last 64 KiB), the counts, the ingestion report, and each
 * array's length and 64-bit checksum. A cache is written to a temporary file
 * and renamed into place, so a reader never sees half of one.
 *
 * @module
 */

import { type ArrayToWrite, ContainerError, ContainerFile, writeContainer } from "../util/container.ts";
import { checksum, coreChecksum, coreChecksums, type RatingColumns } from "./_ingest_kernels.ts";
import { type IngestReport, Ratings, type RatingsFingerprint } from "./ratings.ts";
import type { CoreArray, WasmCore } from "../core/wasm.ts";

/** Current cache format version; other versions are rebuilt. */
export const CACHE_VERSION = 2;
const CACHE_FORMAT = { magic: "PMFRATES", version: CACHE_VERSION, what: "ratings cache" };

/** Where the cache for a ratings CSV lives. */
export function cachePathFor(csvPath: string): string {
  return `${csvPath}.pmfcache`;
}

interface CacheHeader {
  source: RatingsFingerprint;
  nRatings: number;
  nUsers: number;
  nMovies: number;
  hasTime: boolean;
  report: IngestReport;
}

/** Writes `ratings` to `path` atomically (temporary file, then rename). */
export async function writeRatingsCache(core: WasmCore, ratings: Ratings, path: string): Promise<void> {
  const c = ratings.columns;
  const inCore = [
    { name: "users", ptr: c.users.ptr, length: ratings.nRatings, dtype: "u32" as const },
    { name: "movies", ptr: c.movies.ptr, length: ratings.nRatings, dtype: "u32" as const },
    { name: "ratings", ptr: c.ratings.ptr, length: ratings.nRatings, dtype: "f32" as const },
    ...(c.times
      ? [{ name: "times", ptr: c.times.ptr, length: ratings.nRatings, dtype: "u32" as const }]
      : []),
    { name: "userOffsets", ptr: ratings.userOffsets.ptr, length: ratings.nUsers + 1, dtype: "u32" as const },
  ];
  // Views of the core's memory, written as they are (nothing allocates while the file is written).
  const arrays: ArrayToWrite[] = inCore.map((a) => ({
    name: a.name,
    dtype: a.dtype,
    bytes: core.view(Uint8Array, a.ptr, a.length * 4),
    checksum: checksum(core, a.ptr, a.length),
  }));
  for (const [name, ids] of [["userIds", ratings.userIds], ["movieIds", ratings.movieIds]] as const) {
    arrays.push({ name, dtype: "u32", bytes: new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength) });
  }
  const header: CacheHeader = {
    source: ratings.fingerprint,
    nRatings: ratings.nRatings,
    nUsers: ratings.nUsers,
    nMovies: ratings.nMovies,
    hasTime: c.times !== null,
    report: ratings.report,
  };
  await writeContainer(path, CACHE_FORMAT, { ...header }, arrays);
}

/** Outcome of {@link readRatingsCache}: the ratings, or why the cache cannot be used. */
export type CacheRead = { ratings: Ratings; reason?: undefined } | { ratings?: undefined; reason: string };

/** Opens a cache that is intact, current and built from a CSV with `fingerprint`; else the reason. */
async function openCache(
  path: string,
  fingerprint: RatingsFingerprint,
): Promise<{ file: ContainerFile; header: CacheHeader } | { reason: string }> {
  let file: ContainerFile;
  try {
    file = await ContainerFile.open(path, CACHE_FORMAT);
  } catch (error) {
    if (!(error instanceof ContainerError)) {
      return { reason: `the cache could not be opened (${(error as Error).message})` };
    }
    return { reason: error.kind === "missing" ? "no cache yet" : aboutTheCache(error) };
  }
  const header = file.header as unknown as CacheHeader;
  const changed = describeChange(header.source, fingerprint);
  if (changed) {
    file.close();
    return { reason: `the CSV changed since the cache was built (${changed})` };
  }
  return { file, header };
}

/**
 * Loads a cache if it exists, is intact, is of the current format and was
 * built from a CSV with `fingerprint`. Otherwise returns a one-line reason.
 */
export async function readRatingsCache(
  core: WasmCore,
  path: string,
  fingerprint: RatingsFingerprint,
): Promise<CacheRead> {
  const opened = await openCache(path, fingerprint);
  if ("reason" in opened) return { reason: opened.reason };
  using file = opened.file;
  return await readArrays(core, file, opened.header);
}

/** "it is truncated: …" → "the cache is truncated: …". */
function aboutTheCache(error: ContainerError): string {
  return error.message.replace(/^its /, "the cache's ").replace(/^it /, "the cache ");
}

function describeChange(was: RatingsFingerprint, now: RatingsFingerprint): string {
  if (!was) return "no fingerprint";
  if (was.size !== now.size) return `size ${was.size} → ${now.size} bytes`;
  if (was.headTailSha256 !== now.headTailSha256) return "content differs";
  if (was.mtimeMs !== now.mtimeMs) return "modification time differs";
  return "";
}

async function readArrays(core: WasmCore, file: ContainerFile, header: CacheHeader): Promise<CacheRead> {
  const owned: CoreArray<Uint32Array | Float32Array>[] = [];
  // Straight into the core's memory, verified there all together.
  const alloc = <T extends Uint32Array | Float32Array>(
    name: string,
    ctor: { new (b: ArrayBufferLike, o: number, l: number): T; BYTES_PER_ELEMENT: number },
  ): CoreArray<T> => {
    const arr = core.allocArray(ctor, file.entry(name)?.length ?? 0);
    owned.push(arr);
    return arr;
  };
  try {
    const users = alloc("users", Uint32Array);
    const movies = alloc("movies", Uint32Array);
    const ratings = alloc("ratings", Float32Array);
    const times = header.hasTime ? alloc("times", Uint32Array) : null;
    const offsets = alloc("userOffsets", Uint32Array);
    const named = { users, movies, ratings, times, userOffsets: offsets };
    await file.readAll(
      Object.entries(named).filter(([, a]) => a !== null).map(([name, a]) => ({
        name,
        into: core.view(Uint8Array, a!.ptr, a!.length * 4),
      })),
      coreChecksums(core),
    );
    const ids = async (name: string) => new Uint32Array((await file.read(name)).buffer);
    const userIds = await ids("userIds"), movieIds = await ids("movieIds");
    const cols: RatingColumns = { users, movies, ratings, times };
    const result = new Ratings({
      nRatings: header.nRatings,
      columns: cols,
      userOffsets: offsets,
      userIds,
      movieIds,
      report: header.report,
      fingerprint: header.source,
    });
    if (result.nUsers !== header.nUsers || result.nMovies !== header.nMovies) {
      result.free();
      return { reason: "the cache's counts disagree with its arrays (corrupt)" };
    }
    return { ratings: result };
  } catch (error) {
    for (const a of owned) a.free();
    if (error instanceof ContainerError) return { reason: aboutTheCache(error) };
    throw error;
  }
}

/**
 * Reads one array of a current, intact cache without waiting (for a value
 * needed inside a synchronous call), verified in the core; null when the
 * cache is missing, stale or damaged.
 */
export function readCacheArraySync(
  core: WasmCore,
  path: string,
  fingerprint: RatingsFingerprint,
  name: string,
): Uint8Array | null {
  try {
    using file = ContainerFile.openSync(path, CACHE_FORMAT);
    if (describeChange((file.header as unknown as CacheHeader).source, fingerprint)) return null;
    const words = file.entry(name)?.length ?? 0;
    using staging = core.allocArray(Uint32Array, Math.max(1, words));
    return file.readSync(name, core.view(Uint8Array, staging.ptr, words * 4), coreChecksum(core)).slice();
  } catch (error) {
    if (error instanceof ContainerError || error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/**
 * Reads only the named arrays of a current, intact cache (each verified by
 * its checksum), as raw little-endian bytes; null when the cache is missing,
 * stale or damaged (then load the ratings the usual way).
 */
export async function readCacheArrays(
  core: WasmCore,
  path: string,
  fingerprint: RatingsFingerprint,
  names: readonly string[],
): Promise<Map<string, Uint8Array> | null> {
  const opened = await openCache(path, fingerprint);
  if ("reason" in opened) return null;
  using file = opened.file;
  const verify = coreChecksum(core);
  const out = new Map<string, Uint8Array>();
  try {
    for (const name of names) {
      // Read into the core's memory and verify there (no copy), then hand out one copy.
      const words = file.entry(name)?.length ?? 0;
      using staging = core.allocArray(Uint32Array, Math.max(1, words));
      const bytes = await file.read(name, core.view(Uint8Array, staging.ptr, words * 4), verify);
      out.set(name, bytes.slice());
    }
  } catch (error) {
    if (error instanceof ContainerError) return null;
    throw error;
  }
  return out;
}

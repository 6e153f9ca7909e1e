/**
 * The binary ratings cache: parsed {@link Ratings} saved beside the CSV and
 * reloaded while the CSV is unchanged.
 *
 * Layout (little-endian): the 8-byte magic `PMFRATES`, a u32 format version,
 * a u32 header length, the UTF-8 JSON header padded with spaces to a multiple
 * of 16, then each array at the offset the header gives (16-byte aligned).
 * The header holds the CSV's fingerprint (size, modification time, SHA-256 of
 * its first and last 64 KiB), the counts, the ingestion report, and each
 * array's length and 64-bit checksum. A cache is written to a temporary file
 * and renamed into place, so a reader never sees half of one.
 *
 * @module
 */

import { pad16, readFull, writeAll } from "../util/_io.ts";
import { checksum, type RatingColumns } from "./_ingest_kernels.ts";
import { type IngestReport, Ratings, type RatingsFingerprint } from "./ratings.ts";
import type { CoreArray, WasmCore } from "../core/wasm.ts";

/** Current cache format version; older caches are rebuilt. */
export const CACHE_VERSION = 1;
const MAGIC = "PMFRATES";
const ENCODER = new TextEncoder();

/** Where the cache for a ratings CSV lives. */
export function cachePathFor(csvPath: string): string {
  return `${csvPath}.pmfcache`;
}

interface ArrayEntry {
  name: string;
  offset: number;
  length: number;
  checksum: string;
}

interface CacheHeader {
  source: RatingsFingerprint;
  nRatings: number;
  nUsers: number;
  nMovies: number;
  hasTime: boolean;
  report: IngestReport;
  arrays: ArrayEntry[];
}

/** The arrays of a Ratings, in file order, as (name, 4-byte-element view owner). */
function arraysOf(r: Ratings): { name: string; ptr: number; length: number }[] {
  const c = r.columns;
  const list = [
    { name: "users", ptr: c.users.ptr, length: r.nRatings },
    { name: "movies", ptr: c.movies.ptr, length: r.nRatings },
    { name: "ratings", ptr: c.ratings.ptr, length: r.nRatings },
  ];
  if (c.times) list.push({ name: "times", ptr: c.times.ptr, length: r.nRatings });
  list.push({ name: "userOffsets", ptr: r.userOffsets.ptr, length: r.nUsers + 1 });
  return list;
}

/** Writes `ratings` to `path` atomically (temporary file, then rename). */
export async function writeRatingsCache(core: WasmCore, ratings: Ratings, path: string): Promise<void> {
  const arrays: ArrayEntry[] = [];
  const sources: Uint8Array[] = [];
  const add = (name: string, bytes: Uint8Array, sum: string) => {
    arrays.push({ name, offset: 0, length: bytes.length / 4, checksum: sum });
    sources.push(bytes);
  };
  for (const a of arraysOf(ratings)) {
    add(a.name, core.view(Uint8Array, a.ptr, a.length * 4), checksum(core, a.ptr, a.length));
  }
  for (const [name, ids] of [["userIds", ratings.userIds], ["movieIds", ratings.movieIds]] as const) {
    add(name, new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength), hostChecksum(core, ids));
  }
  const header: CacheHeader = {
    source: ratings.fingerprint,
    nRatings: ratings.nRatings,
    nUsers: ratings.nUsers,
    nMovies: ratings.nMovies,
    hasTime: ratings.columns.times !== null,
    report: ratings.report,
    arrays,
  };
  // Offsets depend on the header's length, which depends on the offsets' digits:
  // lay out with a generous header size, then fix the size.
  let headerBytes = ENCODER.encode(JSON.stringify(header));
  for (let pass = 0; pass < 3; pass++) {
    let offset = 16 + pad16(headerBytes.length + 64);
    for (const a of arrays) {
      a.offset = offset;
      offset += pad16(a.length * 4);
    }
    headerBytes = ENCODER.encode(JSON.stringify(header));
  }
  const headerRegion = new Uint8Array(arrays[0].offset - 16).fill(0x20);
  headerRegion.set(headerBytes);
  const prefix = new Uint8Array(16);
  prefix.set(ENCODER.encode(MAGIC));
  const dv = new DataView(prefix.buffer);
  dv.setUint32(8, CACHE_VERSION, true);
  dv.setUint32(12, headerBytes.length, true);

  const tmp = `${path}.tmp-${Deno.pid}`;
  try {
    const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
    try {
      await writeAll(file, prefix);
      await writeAll(file, headerRegion);
      let at = arrays[0].offset;
      for (let i = 0; i < arrays.length; i++) {
        if (arrays[i].offset > at) await writeAll(file, new Uint8Array(arrays[i].offset - at));
        await writeAll(file, sources[i]);
        at = arrays[i].offset + sources[i].length;
      }
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}

/** Outcome of {@link readRatingsCache}: the ratings, or why the cache cannot be used. */
export type CacheRead = { ratings: Ratings; reason?: undefined } | { ratings?: undefined; reason: string };

/**
 * Loads a cache if it exists, is intact, is of the current format and was
 * built from a CSV with `fingerprint`. Otherwise returns a one-line reason.
 */
export async function readRatingsCache(
  core: WasmCore,
  path: string,
  fingerprint: RatingsFingerprint,
): Promise<CacheRead> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { reason: "no cache yet" };
    return { reason: `the cache could not be opened (${(error as Error).message})` };
  }
  using _file = file;
  const size = (await file.stat()).size;
  const prefix = new Uint8Array(16);
  if (await readFull(file, prefix) < 16 || new TextDecoder().decode(prefix.subarray(0, 8)) !== MAGIC) {
    return { reason: "the cache file is not a ratings cache (corrupt)" };
  }
  const dv = new DataView(prefix.buffer);
  const version = dv.getUint32(8, true);
  if (version !== CACHE_VERSION) {
    return { reason: `the cache has format version ${version}, this version reads ${CACHE_VERSION}` };
  }
  const headerLen = dv.getUint32(12, true);
  if (headerLen > size - 16 || headerLen > 1 << 20) {
    return { reason: "the cache header is truncated (corrupt)" };
  }
  const headerBytes = new Uint8Array(headerLen);
  await readFull(file, headerBytes);
  let header: CacheHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(headerBytes));
  } catch {
    return { reason: "the cache header is not valid JSON (corrupt)" };
  }
  const changed = describeChange(header.source, fingerprint);
  if (changed) return { reason: `the CSV changed since the cache was built (${changed})` };
  const last = header.arrays[header.arrays.length - 1];
  if (!last || last.offset + last.length * 4 > size) {
    return { reason: "the cache file is truncated (corrupt)" };
  }
  return await readArrays(core, file, header);
}

function describeChange(was: RatingsFingerprint, now: RatingsFingerprint): string {
  if (!was) return "no fingerprint";
  if (was.size !== now.size) return `size ${was.size} → ${now.size} bytes`;
  if (was.headTailSha256 !== now.headTailSha256) return "content differs";
  if (was.mtimeMs !== now.mtimeMs) return "modification time differs";
  return "";
}

async function readArrays(core: WasmCore, file: Deno.FsFile, header: CacheHeader): Promise<CacheRead> {
  const entry = (name: string) => header.arrays.find((a) => a.name === name);
  const owned: CoreArray<Uint32Array | Float32Array>[] = [];
  const load = async <T extends Uint32Array | Float32Array>(
    name: string,
    ctor: { new (b: ArrayBufferLike, o: number, l: number): T; BYTES_PER_ELEMENT: number },
  ): Promise<CoreArray<T> | string> => {
    const e = entry(name);
    if (!e) return `the cache lacks "${name}" (corrupt)`;
    const arr = core.allocArray(ctor, e.length);
    owned.push(arr);
    await file.seek(e.offset, Deno.SeekMode.Start);
    const got = await readFull(file, core.view(Uint8Array, arr.ptr, e.length * 4));
    if (got !== e.length * 4) return `the cache's "${name}" is truncated (corrupt)`;
    if (checksum(core, arr.ptr, e.length) !== e.checksum) {
      return `the cache's "${name}" fails its checksum (corrupt)`;
    }
    return arr;
  };
  try {
    const users = await load("users", Uint32Array);
    const movies = await load("movies", Uint32Array);
    const ratings = await load("ratings", Float32Array);
    const times = header.hasTime ? await load("times", Uint32Array) : null;
    const offsets = await load("userOffsets", Uint32Array);
    const userIds = await load("userIds", Uint32Array);
    const movieIds = await load("movieIds", Uint32Array);
    for (const x of [users, movies, ratings, times, offsets, userIds, movieIds]) {
      if (typeof x === "string") throw new CacheProblem(x);
    }
    const cols = { users, movies, ratings, times } as RatingColumns;
    const result = new Ratings({
      nRatings: header.nRatings,
      columns: cols,
      userOffsets: offsets as CoreArray<Uint32Array>,
      userIds: (userIds as CoreArray<Uint32Array>).view.slice(),
      movieIds: (movieIds as CoreArray<Uint32Array>).view.slice(),
      report: header.report,
      fingerprint: header.source,
    });
    (userIds as CoreArray<Uint32Array>).free();
    (movieIds as CoreArray<Uint32Array>).free();
    if (result.nUsers !== header.nUsers || result.nMovies !== header.nMovies) {
      result.free();
      return { reason: "the cache's counts disagree with its arrays (corrupt)" };
    }
    return { ratings: result };
  } catch (error) {
    for (const a of owned) a.free();
    if (error instanceof CacheProblem) return { reason: error.message };
    throw error;
  }
}

class CacheProblem extends Error {}

function hostChecksum(core: WasmCore, words: Uint32Array): string {
  using tmp = core.allocArray(Uint32Array, words.length);
  tmp.view.set(words);
  return checksum(core, tmp.ptr, words.length);
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
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch {
    return null;
  }
  using _file = file;
  const prefix = new Uint8Array(16);
  if (await readFull(file, prefix) < 16 || new TextDecoder().decode(prefix.subarray(0, 8)) !== MAGIC) {
    return null;
  }
  const dv = new DataView(prefix.buffer);
  if (dv.getUint32(8, true) !== CACHE_VERSION) return null;
  const headerBytes = new Uint8Array(dv.getUint32(12, true));
  await readFull(file, headerBytes);
  let header: CacheHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(headerBytes));
  } catch {
    return null;
  }
  if (describeChange(header.source, fingerprint)) return null;
  const out = new Map<string, Uint8Array>();
  for (const name of names) {
    const e = header.arrays.find((a) => a.name === name);
    if (!e) return null;
    using tmp = core.allocArray(Uint32Array, Math.max(1, e.length));
    await file.seek(e.offset, Deno.SeekMode.Start);
    if (await readFull(file, core.view(Uint8Array, tmp.ptr, e.length * 4)) !== e.length * 4) return null;
    if (checksum(core, tmp.ptr, e.length) !== e.checksum) return null;
    out.set(name, core.view(Uint8Array, tmp.ptr, e.length * 4).slice());
  }
  return out;
}

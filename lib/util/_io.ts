/**
 * Small file and array helpers shared by the readers and writers.
 *
 * @module
 */

/** Reads until `into` is full or the file ends; returns the bytes read. */
export async function readFull(file: Deno.FsFile, into: Uint8Array): Promise<number> {
  let done = 0;
  while (done < into.length) {
    const n = await file.read(into.subarray(done));
    if (n === null) break;
    done += n;
  }
  return done;
}

/** Reads `length` bytes at `offset` (fewer if the file ends first). */
export async function readRange(file: Deno.FsFile, offset: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  await file.seek(offset, Deno.SeekMode.Start);
  const done = await readFull(file, out);
  return done === length ? out : out.subarray(0, done);
}

/** Writes every byte (a single write may take only part). */
export async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += await file.write(bytes.subarray(done));
}

/** Rounds up to a multiple of 16. */
export function pad16(n: number): number {
  return Math.ceil(n / 16) * 16;
}

/** Index of `id` in an increasing array, or -1. */
export function indexOfSorted(sorted: Uint32Array, id: number): number {
  let lo = 0, hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] === id) return mid;
    if (sorted[mid] < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

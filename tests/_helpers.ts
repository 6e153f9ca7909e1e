/** Helpers shared by tests: a seeded generator and file locations. */

/** Deterministic xorshift32 floats in [-1, 1). */
export function seededFloats(n: number, seed: number): Float32Array {
  let s = (seed * 2654435761 + 1) >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = (s / 4294967296) * 2 - 1;
  }
  return out;
}

/** The repository root as a file URL ending in "/". */
export const ROOT: URL = new URL("../", import.meta.url);

/** Path to the deno binary running the tests, for subprocesses. */
export const DENO: string = Deno.execPath();

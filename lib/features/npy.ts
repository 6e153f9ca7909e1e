/**
 * NumPy `.npy` files (format version 1.0): a float32 matrix written row by
 * row, and the header parsed back. The header is the magic `\x93NUMPY`,
 * version 1.0, a little-endian u16 length, and a Python dict literal
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (rows, cols), }` padded
 * with spaces and a newline so the data starts at a multiple of 64 bytes.
 *
 * @module
 */

import { writeAll } from "../util/_io.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** The header bytes of a C-order little-endian float32 array of `shape`. */
export function npyHeader(shape: readonly number[]): Uint8Array {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${dims}, }`;
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1;
  const total = Math.ceil(unpadded / 64) * 64;
  const text = dict + " ".repeat(total - unpadded) + "\n";
  const out = new Uint8Array(total);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, text.length, true);
  out.set(new TextEncoder().encode(text), 10);
  return out;
}

/**
 * Writes a `rows × cols` float32 matrix; `fillRow(r, out)` fills row r
 * (zeroed beforehand). Rows are written in chunks, so the dense matrix is
 * never whole in memory. The file is written to a temporary name and renamed.
 */
export async function writeNpy(
  path: string,
  rows: number,
  cols: number,
  fillRow: (row: number, out: Float32Array) => void,
): Promise<void> {
  const tmp = `${path}.tmp-${Deno.pid}`;
  try {
    using file = await Deno.open(tmp, { write: true, create: true, truncate: true });
    await writeAll(file, npyHeader([rows, cols]));
    const perChunk = Math.max(1, Math.floor((1 << 22) / Math.max(1, cols * 4)));
    const buf = new Float32Array(perChunk * cols);
    for (let start = 0; start < rows; start += perChunk) {
      const n = Math.min(perChunk, rows - start);
      buf.fill(0);
      for (let r = 0; r < n; r++) fillRow(start + r, buf.subarray(r * cols, (r + 1) * cols));
      await writeAll(file, new Uint8Array(buf.buffer, 0, n * cols * 4));
    }
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
  await Deno.rename(tmp, path);
}

/** What a `.npy` header says. */
export interface NpyInfo {
  /** The dtype, e.g. "<f4". */
  descr: string;
  /** True for column-major data. */
  fortranOrder: boolean;
  /** The array's shape. */
  shape: number[];
  /** Byte offset of the data. */
  dataOffset: number;
}

/** Parses the header of `.npy` bytes; throws SyntaxError when they are not a `.npy` file. */
export function readNpyHeader(bytes: Uint8Array): NpyInfo {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new SyntaxError("Cannot read .npy: the magic bytes are missing");
  }
  const major = bytes[6];
  const lenBytes = major === 1 ? 2 : 4;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = lenBytes === 2 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = 8 + lenBytes;
  const text = new TextDecoder().decode(bytes.subarray(start, start + len));
  const descr = text.match(/'descr':\s*'([^']+)'/)?.[1];
  const fortran = text.match(/'fortran_order':\s*(True|False)/)?.[1];
  const shape = text.match(/'shape':\s*\(([^)]*)\)/)?.[1];
  if (!descr || !fortran || shape === undefined) throw new SyntaxError(`Cannot read .npy header: ${text}`);
  return {
    descr,
    fortranOrder: fortran === "True",
    shape: shape.split(",").map((s) => s.trim()).filter(Boolean).map(Number),
    dataOffset: start + len,
  };
}

/**
 * The one binary container format, used by the model file and the ratings
 * cache, readable and verifiable without the WebAssembly core.
 *
 * Layout (little-endian): a 32-byte prefix — 8 magic bytes naming the kind
 * (`PMFMODEL`, `PMFRATES`), u32 format version, u32 header length, the
 * 64-bit checksum of the header bytes, 8 zero bytes — then the UTF-8 JSON
 * header padded with spaces to a multiple of 16, then each array at the
 * offset the header's `arrays` list gives (16-byte aligned), each with its
 * length in 4-byte words, its element type and its own 64-bit checksum.
 *
 * Files are written to a temporary file, synced and renamed into place, so a
 * crash at any moment leaves the previous file whole; a failed write leaves
 * no temporary file behind.
 *
 * The checksum is {@link checksumWords}: the same function as the core's
 * (`core-wasm/src/checksum.rs`), which the product uses for speed.
 *
 * @module
 */

import { pad16, readFull, writeAll } from "./_io.ts";

/** Bytes before the header. */
export const PREFIX_BYTES = 32;
const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();
const MASK64 = (1n << 64n) - 1n;
const PRIME = 0x9e3779b1;

/**
 * The 64-bit checksum of 4-byte words, as 16 hex digits: four 32-bit lanes
 * `h = rotl(h ^ w, 13) · 0x9E3779B1` take the words round-robin, then the
 * lanes and the length are mixed into 64 bits. Equal, word for word, to the
 * core's SIMD and scalar checksums (a test checks it).
 */
export function checksumWords(words: Uint32Array): string {
  const sum = checksumPieces();
  sum.addWords(words);
  return sum.digest();
}

/**
 * {@link checksumWords} over words given in pieces, in order: every piece but
 * the last must hold a multiple of 4 words (16 bytes).
 */
export function checksumPieces(): {
  add(bytes: Uint8Array): void;
  addWords(words: Uint32Array): void;
  digest(): string;
} {
  const h = [0x2545f491, 0x6a09e667, 0xbb67ae85, 0x3c6ef372];
  let n = 0, ended = false;
  const addWords = (words: Uint32Array) => {
    if (ended) throw new TypeError("checksumPieces: only the last piece may hold a partial group of 4 words");
    let [h0, h1, h2, h3] = h;
    const blocks = words.length >>> 2;
    let x: number;
    for (let i = 0; i < blocks * 4; i += 4) {
      x = h0 ^ words[i];
      h0 = Math.imul((x << 13) | (x >>> 19), PRIME);
      x = h1 ^ words[i + 1];
      h1 = Math.imul((x << 13) | (x >>> 19), PRIME);
      x = h2 ^ words[i + 2];
      h2 = Math.imul((x << 13) | (x >>> 19), PRIME);
      x = h3 ^ words[i + 3];
      h3 = Math.imul((x << 13) | (x >>> 19), PRIME);
    }
    [h[0], h[1], h[2], h[3]] = [h0, h1, h2, h3];
    for (let j = 0; blocks * 4 + j < words.length; j++) {
      x = h[j] ^ words[blocks * 4 + j];
      h[j] = Math.imul((x << 13) | (x >>> 19), PRIME);
      ended = true;
    }
    n += words.length;
  };
  return {
    addWords,
    add: (bytes) =>
      addWords(
        bytes.byteOffset % 4 === 0
          ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2)
          : new Uint32Array(bytes.slice().buffer, 0, bytes.length >>> 2),
      ),
    digest: () => {
      let m = BigInt(n) ^ 0x9e3779b97f4a7c15n;
      for (const v of h) {
        m ^= BigInt(v >>> 0);
        m = (m * 0xbf58476d1ce4e5b9n) & MASK64;
        m ^= m >> 31n;
      }
      m ^= m >> 29n;
      m = (m * 0x94d049bb133111ebn) & MASK64;
      m ^= m >> 32n;
      return m.toString(16).padStart(16, "0");
    },
  };
}

/** The checksum of bytes whose length is a multiple of 4 (an array's contents). */
export function checksumBytes(bytes: Uint8Array): string {
  const sum = checksumPieces();
  sum.add(bytes);
  return sum.digest();
}

/** The header's checksum: its bytes zero-padded to whole words, plus one zero word. */
function headerChecksum(bytes: Uint8Array): string {
  const words = new Uint32Array(Math.ceil(bytes.length / 4) + 1);
  new Uint8Array(words.buffer).set(bytes);
  return checksumWords(words);
}

/** Which container: its magic bytes, format version and a name for messages. */
export interface ContainerFormat {
  /** Exactly 8 ASCII characters. */
  magic: string;
  /** The format version this code writes and reads. */
  version: number;
  /** What the file is, for messages: "movie-recommender model", "ratings cache". */
  what: string;
}

/** An array as the header lists it. */
export interface ArrayEntry {
  /** Its name. */
  name: string;
  /** Byte offset in the file. */
  offset: number;
  /** Length in 4-byte elements. */
  length: number;
  /** Element type. */
  dtype: "f32" | "u32";
  /** 64-bit checksum, 16 hex digits. */
  checksum: string;
}

/**
 * An array to write: its bytes and, when the caller computed it already (in
 * the core), its checksum; or, to copy a large array without holding it,
 * its length, its checksum and a function that hands its bytes over in pieces.
 */
export type ArrayToWrite =
  & {
    /** Its name. */
    name: string;
    /** Element type. */
    dtype: "f32" | "u32";
  }
  & ({
    /** Its contents (a multiple of 4 bytes); read only while writing. */
    bytes: Uint8Array;
    /** Its checksum; computed with {@link checksumWords} when absent. */
    checksum?: string;
  } | {
    /** Its length in bytes (a multiple of 4). */
    byteLength: number;
    /** Its checksum. */
    checksum: string;
    /** Calls `write` with its bytes in order, in pieces. */
    pieces(write: (piece: Uint8Array) => Promise<void>): Promise<void>;
  });

/** Bytes of an array to write. */
function byteLength(a: ArrayToWrite): number {
  return "bytes" in a ? a.bytes.length : a.byteLength;
}

/**
 * Writes a container atomically: `header` (any JSON object; its `arrays`
 * field is filled in here) and `arrays`, in order. `createDir` makes the
 * file's folder first when it is missing.
 */
export async function writeContainer(
  path: string,
  format: ContainerFormat,
  header: Record<string, unknown>,
  arrays: readonly ArrayToWrite[],
  options: { createDir?: boolean } = {},
): Promise<void> {
  const entries: ArrayEntry[] = arrays.map((a) => ({
    name: a.name,
    offset: 0,
    length: byteLength(a) / 4,
    dtype: a.dtype,
    checksum: "bytes" in a ? a.checksum ?? checksumBytes(a.bytes) : a.checksum,
  }));
  const full = { ...header, arrays: entries };
  // Offsets depend on the header's length, which depends on the offsets' digits:
  // lay out with room to spare, then settle.
  let headerBytes = ENCODER.encode(JSON.stringify(full));
  for (let pass = 0; pass < 3; pass++) {
    let offset = PREFIX_BYTES + pad16(headerBytes.length + 64);
    for (const e of entries) {
      e.offset = offset;
      offset += pad16(e.length * 4);
    }
    headerBytes = ENCODER.encode(JSON.stringify(full));
  }
  const headerEnd = entries[0]?.offset ?? PREFIX_BYTES + pad16(headerBytes.length);
  const head = new Uint8Array(headerEnd);
  head.set(ENCODER.encode(format.magic));
  const dv = new DataView(head.buffer);
  dv.setUint32(8, format.version, true);
  dv.setUint32(12, headerBytes.length, true);
  const sum = headerChecksum(headerBytes);
  dv.setUint32(16, parseInt(sum.slice(8), 16), true);
  dv.setUint32(20, parseInt(sum.slice(0, 8), 16), true);
  head.subarray(PREFIX_BYTES).fill(0x20).set(headerBytes);

  const dir = path.replace(/[^/\\]*$/, "");
  if (dir && options.createDir) await Deno.mkdir(dir, { recursive: true });
  const tmp = `${path}.tmp-${Deno.pid}`;
  try {
    using file = await Deno.open(tmp, { write: true, create: true, truncate: true });
    await writeAll(file, head);
    let at = headerEnd;
    for (let i = 0; i < arrays.length; i++) {
      if (entries[i].offset > at) await writeAll(file, new Uint8Array(entries[i].offset - at));
      const a = arrays[i];
      if ("bytes" in a) await writeAll(file, a.bytes);
      else await a.pieces((piece) => writeAll(file, piece));
      at = entries[i].offset + byteLength(a);
    }
    await file.sync();
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw writeError(path, error);
  }
  try {
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw writeError(path, error);
  }
}

/** An error that names the file and the action, whatever the operating system said. */
function writeError(path: string, error: unknown): Error {
  const why = error instanceof Deno.errors.IsADirectory || (error as Error)?.message?.includes("os error 21")
    ? "it is a folder; give a file name"
    : (error as Error)?.message?.includes("os error 28")
    ? "the disk is full; free some space"
    : (error as Error)?.message ?? String(error);
  return new Error(`Cannot write "${path}": ${why}`, { cause: error });
}

/** Why a container cannot be read; `message` is a phrase like "it is truncated: …". */
export class ContainerError extends Error {
  /** What kind of problem: the file is missing, foreign, of another version, truncated or corrupt. */
  readonly kind: "missing" | "foreign" | "version" | "truncated" | "corrupt";
  /** Builds the error. */
  constructor(kind: ContainerError["kind"], message: string) {
    super(message);
    this.name = "ContainerError";
    this.kind = kind;
  }
}

/** An open, checked container: its header is verified; arrays are verified as they are read. */
export class ContainerFile implements Disposable {
  /** The parsed header (with `arrays`). */
  readonly header: { arrays: ArrayEntry[] } & Record<string, unknown>;
  /** File size in bytes. */
  readonly size: number;
  #file: Deno.FsFile;

  private constructor(file: Deno.FsFile, size: number, header: ContainerFile["header"]) {
    this.#file = file;
    this.size = size;
    this.header = header;
  }

  /**
   * Opens `path` and checks the magic bytes, the version, the header's
   * checksum and that every array lies within the file; throws
   * {@link ContainerError} otherwise.
   */
  static open(path: string, format: ContainerFormat): Promise<ContainerFile> {
    try {
      return Promise.resolve(ContainerFile.openSync(path, format));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** {@link open} without waiting: the prefix and header are small. */
  static openSync(path: string, format: ContainerFormat): ContainerFile {
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) throw new ContainerError("missing", "file not found");
      throw error;
    }
    try {
      const size = file.statSync().size;
      const prefix = readSyncAt(file, 0, Math.min(PREFIX_BYTES, size));
      if (prefix.length < PREFIX_BYTES || DECODER.decode(prefix.subarray(0, 8)) !== format.magic) {
        throw new ContainerError("foreign", `it is not a ${format.what} file (wrong magic bytes)`);
      }
      const dv = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
      const version = dv.getUint32(8, true);
      if (version !== format.version) {
        throw new ContainerError(
          "version",
          `it has format version ${version}, this version reads ${format.version}`,
        );
      }
      const headerLen = dv.getUint32(12, true);
      if (PREFIX_BYTES + headerLen > size) throw truncated(size, PREFIX_BYTES + headerLen);
      const headerBytes = readSyncAt(file, PREFIX_BYTES, headerLen);
      const stored = dv.getUint32(20, true).toString(16).padStart(8, "0") +
        dv.getUint32(16, true).toString(16).padStart(8, "0");
      if (headerChecksum(headerBytes) !== stored) {
        throw new ContainerError("corrupt", "its header fails its checksum (corrupt)");
      }
      const header = JSON.parse(DECODER.decode(headerBytes));
      const last = header.arrays?.[header.arrays.length - 1];
      if (!Array.isArray(header.arrays)) {
        throw new ContainerError("corrupt", "its header lists no arrays (corrupt)");
      }
      if (last && last.offset + last.length * 4 > size) throw truncated(size, last.offset + last.length * 4);
      return new ContainerFile(file, size, header);
    } catch (error) {
      file.close();
      throw error;
    }
  }

  /** The header's entry for array `name`, or undefined. */
  entry(name: string): ArrayEntry | undefined {
    return this.header.arrays.find((a) => a.name === name);
  }

  /**
   * Reads array `name` (into `into` when given, which must hold its bytes)
   * and verifies its checksum with `verify` (default {@link checksumBytes});
   * throws {@link ContainerError} when it is missing or corrupt.
   */
  async read(
    name: string,
    into?: Uint8Array,
    verify: (bytes: Uint8Array) => string = checksumBytes,
  ): Promise<Uint8Array> {
    const e = this.entry(name);
    if (!e) throw new ContainerError("corrupt", `it lacks the array "${name}" (corrupt)`);
    const bytes = into ?? new Uint8Array(e.length * 4);
    await this.#file.seek(e.offset, Deno.SeekMode.Start);
    if (await readFull(this.#file, bytes.subarray(0, e.length * 4)) < e.length * 4) {
      throw truncated(this.size, e.offset + e.length * 4);
    }
    if (verify(bytes.subarray(0, e.length * 4)) !== e.checksum) {
      throw new ContainerError("corrupt", `its array "${name}" fails its checksum (corrupt)`);
    }
    return bytes;
  }

  /**
   * Hands array `name`'s bytes to `write` in pieces of at most `pieceBytes`,
   * in order, verifying its checksum on the way (`verify` computes a checksum
   * from a running state: see {@link checksumPieces}); throws
   * {@link ContainerError} when it is missing, truncated or corrupt — after
   * the pieces were handed over, so a caller writing them elsewhere must
   * discard that on failure.
   */
  async pieces(
    name: string,
    write: (piece: Uint8Array) => Promise<void>,
    pieceBytes = 1 << 22,
  ): Promise<void> {
    const e = this.entry(name);
    if (!e) throw new ContainerError("corrupt", `it lacks the array "${name}" (corrupt)`);
    const buf = new Uint8Array(Math.min(pieceBytes, Math.max(4, e.length * 4)));
    const sum = checksumPieces();
    await this.#file.seek(e.offset, Deno.SeekMode.Start);
    for (let done = 0; done < e.length * 4;) {
      const piece = buf.subarray(0, Math.min(buf.length, e.length * 4 - done));
      if (await readFull(this.#file, piece) < piece.length) {
        throw truncated(this.size, e.offset + e.length * 4);
      }
      sum.add(piece);
      await write(piece);
      done += piece.length;
    }
    if (sum.digest() !== e.checksum) {
      throw new ContainerError("corrupt", `its array "${name}" fails its checksum (corrupt)`);
    }
  }

  /**
   * Reads several arrays (each into its `into` when given), then verifies them
   * together with `verifyAll` (default: {@link checksumBytes} of each), which
   * may compute all checksums in one pass; throws {@link ContainerError} for the
   * first that is missing, truncated or corrupt.
   */
  async readAll(
    requests: readonly { name: string; into?: Uint8Array }[],
    verifyAll: (arrays: Uint8Array[]) => string[] = (arrays) => arrays.map(checksumBytes),
  ): Promise<Uint8Array[]> {
    const entries = requests.map(({ name }) => {
      const e = this.entry(name);
      if (!e) throw new ContainerError("corrupt", `it lacks the array "${name}" (corrupt)`);
      return e;
    });
    const out: Uint8Array[] = [];
    for (const [i, e] of entries.entries()) {
      const bytes = (requests[i].into ?? new Uint8Array(e.length * 4)).subarray(0, e.length * 4);
      await this.#file.seek(e.offset, Deno.SeekMode.Start);
      if (await readFull(this.#file, bytes) < e.length * 4) {
        throw truncated(this.size, e.offset + e.length * 4);
      }
      out.push(bytes);
    }
    const sums = verifyAll(out);
    const bad = entries.findIndex((e, i) => sums[i] !== e.checksum);
    if (bad >= 0) {
      throw new ContainerError("corrupt", `its array "${entries[bad].name}" fails its checksum (corrupt)`);
    }
    return out;
  }

  /** {@link read} without waiting, for a caller that cannot wait (a lazily needed array). */
  readSync(
    name: string,
    into?: Uint8Array,
    verify: (bytes: Uint8Array) => string = checksumBytes,
  ): Uint8Array {
    const e = this.entry(name);
    if (!e) throw new ContainerError("corrupt", `it lacks the array "${name}" (corrupt)`);
    const bytes = into ?? new Uint8Array(e.length * 4);
    const got = readSyncAt(this.#file, e.offset, e.length * 4, bytes);
    if (got.length < e.length * 4) throw truncated(this.size, e.offset + e.length * 4);
    if (verify(bytes.subarray(0, e.length * 4)) !== e.checksum) {
      throw new ContainerError("corrupt", `its array "${name}" fails its checksum (corrupt)`);
    }
    return bytes;
  }

  /** Closes the file. */
  close(): void {
    this.#file.close();
  }

  /** Same as {@link close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}

function truncated(size: number, expected: number): ContainerError {
  return new ContainerError("truncated", `it is truncated: ${size} bytes, expected at least ${expected}`);
}

/** Reads `length` bytes at `offset` (fewer at the end of the file) into `into` or a new buffer. */
function readSyncAt(file: Deno.FsFile, offset: number, length: number, into?: Uint8Array): Uint8Array {
  const bytes = into ?? new Uint8Array(length);
  file.seekSync(offset, Deno.SeekMode.Start);
  let done = 0;
  while (done < length) {
    const n = file.readSync(bytes.subarray(done, length));
    if (n === null) break;
    done += n;
  }
  return bytes.subarray(0, done);
}

/**
 * Streaming ingestion of a MovieLens ratings CSV into {@link Ratings}.
 *
 * The file is read in chunks straight into a staging buffer in the core's
 * shared memory (never whole); the partial last line of each chunk is carried
 * to the next, so the core's parser only sees whole lines. Rows are parsed in
 * the core, on a pool of Workers for large files: each chunk is cut at line
 * ends into one piece per Worker, the pieces parse at once into per-Worker
 * columns and are appended in file order (a piece that stops at a bad row
 * hands the rest of the chunk to the parser on this thread, so errors and
 * line numbers are those of a serial parse). Then raw ids are mapped to dense indices in raw-id order, rows are put
 * in (user, movie) order if they are not already, and duplicate pairs are
 * dropped (the last is kept). A bad row stops ingestion with `file:line`, the
 * row's text and what was expected, and every buffer is freed.
 *
 * @module
 */

import {
  allocColumns,
  copyRows,
  freeColumns,
  parseArgs,
  type ParseOutcome,
  parseRatingLines,
  type RatingColumns,
} from "./_ingest_kernels.ts";
import { defaultThreads, settleAll, WorkerPool } from "../core/pool.ts";
import { DataSyntaxError, displayText, notFound } from "../util/errors.ts";
import { readRange } from "../util/_io.ts";
import { assembleRatings, type IngestReport, type Ratings, type RatingsFingerprint } from "./ratings.ts";
import { type CoreArray, ParseCode, type WasmCore } from "../core/wasm.ts";

/** Options for {@link ingestRatingsCsv}. */
export interface IngestOptions {
  /** Skip bad rows (counted, first few reported) instead of stopping. Default: false. */
  skipInvalid?: boolean;
  /** Bytes read per chunk. Default: 8 MiB. */
  chunkBytes?: number;
  /** Called after each chunk with the bytes read so far and the file size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /**
   * Workers that parse a large file (one piece of each chunk per Worker). Default:
   * a pool of `threads` Workers started for files of at least {@link PARALLEL_MIN_BYTES}.
   */
  pool?: WorkerPool;
  /** Workers to start when no `pool` is given; 1 parses on this thread. Default: the number of cores. */
  threads?: number;
  /** Files and chunks smaller than this parse on this thread. Default: {@link PARALLEL_MIN_BYTES}. */
  parallelMinBytes?: number;
}

/** Default of {@link IngestOptions.parallelMinBytes}: 4 MiB. */
export const PARALLEL_MIN_BYTES = 4 << 20;
/** The first parallel chunk is cut into this many pieces per Worker; see `#parseParallel`. */
const WARM_UP_SPLIT = 8;
/** The shortest row is "1,1,1" and a line end: a piece of n bytes holds fewer than n / 5 + 1 rows. */
const MIN_ROW_BYTES = 5;

/** Longest line accepted; a longer one is not a ratings row. */
export const MAX_LINE_BYTES = 65536;
const EXAMPLES = 5;
const FIELDS = ["userId", "movieId", "rating", "timestamp"];
const HEADER_HINT = `expected the header "userId,movieId,rating,timestamp" (MovieLens ratings.csv)`;

/** Reads `path` and builds {@link Ratings}; see the module doc. */
export async function ingestRatingsCsv(
  core: WasmCore,
  path: string,
  options: IngestOptions = {},
): Promise<Ratings> {
  const chunkBytes = options.chunkBytes ?? 8 << 20;
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1) {
    throw new RangeError(`Cannot read in chunks of "${chunkBytes}" bytes: expected a positive integer`);
  }
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw notFound(
        "ratings",
        path,
        "expected a MovieLens ratings.csv (see data/README.md), or run 'deno task gen-data' to make one",
        error,
      );
    }
    throw error;
  }
  using _file = file;
  const size = (await file.stat()).size;
  const fingerprint = await fingerprintFile(file, size);
  await file.seek(0, Deno.SeekMode.Start);
  const threads = options.threads ?? defaultThreads();
  await using ownPool =
    !options.pool && threads > 1 && size >= (options.parallelMinBytes ?? PARALLEL_MIN_BYTES)
      ? await WorkerPool.create(core, { threads })
      : null;
  const reader = new ChunkReader(core, file, path, size, chunkBytes, options, options.pool ?? ownPool);
  try {
    return await reader.run(fingerprint);
  } finally {
    reader.release();
  }
}

/** Size, modification time and SHA-256 of the first and last 64 KiB of an open file. */
export async function fingerprintFile(file: Deno.FsFile, size: number): Promise<RatingsFingerprint> {
  const stat = await file.stat();
  const span = 65536;
  const head = await readRange(file, 0, Math.min(span, size));
  const tailStart = Math.max(head.length, size - span);
  const tail = await readRange(file, tailStart, size - tailStart);
  const both = new Uint8Array(head.length + tail.length);
  both.set(head);
  both.set(tail, head.length);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", both));
  return {
    size,
    mtimeMs: stat.mtime?.getTime() ?? 0,
    headTailSha256: Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""),
  };
}

/** One ingestion run: owns its staging buffer, state and columns until it hands them over. */
class ChunkReader {
  #core: WasmCore;
  #file: Deno.FsFile;
  #path: string;
  #size: number;
  #chunk: number;
  #options: IngestOptions;
  /** The chunk being parsed, and the buffer the next chunk is read into. */
  #staging: CoreArray<Uint8Array>;
  #spare: CoreArray<Uint8Array>;
  #pool: WorkerPool | null;
  /** Per-piece columns of the parallel parse. */
  #pieces: RatingColumns[] = [];
  #parallelRounds = 0;
  /** Largest raw ids so far (the parser carries them across calls). */
  #maxUser = 0;
  #maxMovie = 0;
  #cols: RatingColumns | null = null;
  #rows = 0;
  /** Lines consumed so far, the header included; a bad line is number `#line + 1`. */
  #line = 1;
  /** File offset of the staging buffer's first byte. */
  #base = 0;
  #hasTime = true;
  #report: IngestReport = {
    rowsParsed: 0,
    duplicates: 0,
    blankLines: 0,
    skippedRows: 0,
    skippedExamples: [],
    reordered: false,
  };

  constructor(
    core: WasmCore,
    file: Deno.FsFile,
    path: string,
    size: number,
    chunk: number,
    options: IngestOptions,
    pool: WorkerPool | null,
  ) {
    this.#pool = pool;
    this.#core = core;
    this.#file = file;
    this.#path = path;
    this.#size = size;
    this.#chunk = chunk;
    this.#options = options;
    this.#staging = core.allocArray(Uint8Array, chunk + MAX_LINE_BYTES);
    try {
      this.#spare = core.allocArray(Uint8Array, chunk + MAX_LINE_BYTES);
    } catch (error) {
      this.#staging.free();
      throw error;
    }
  }

  /** Frees everything this run still owns. */
  release(): void {
    this.#staging.free();
    this.#spare.free();
    for (const cols of this.#pieces) freeColumns(cols);
    this.#pieces = [];
    if (this.#cols) freeColumns(this.#cols);
    this.#cols = null;
  }

  /**
   * Reads and parses the file. While the Workers parse one chunk, the next is read
   * into the other staging buffer (the partial last line copied ahead of it).
   */
  async run(fingerprint: RatingsFingerprint): Promise<Ratings> {
    let carry = 0, read = 0, headerDone = false;
    let n = await this.#readInto(this.#staging, carry);
    for (;;) {
      const eof = n === null;
      read += n ?? 0;
      const filled = carry + (n ?? 0);
      let start = 0;
      if (!headerDone) {
        const header = this.#header(filled, eof);
        if (header < 0) {
          carry = filled;
          n = await this.#readInto(this.#staging, carry);
          continue;
        }
        start = header;
        headerDone = true;
      }
      const end = eof ? filled : this.#staging.view.lastIndexOf(0x0a, filled - 1) + 1;
      if (end <= start && !eof && filled - start >= MAX_LINE_BYTES) this.#tooLong(start, filled);
      const tailFrom = Math.max(start, end);
      carry = filled - tailFrom;
      const next = this.#spare;
      if (carry > 0) next.view.set(this.#staging.view.subarray(tailFrom, filled));
      const [parsed, got] = await Promise.allSettled([
        end > start ? this.#parse(start, end) : Promise.resolve(),
        eof ? Promise.resolve(null) : this.#readInto(next, carry),
      ]);
      if (parsed.status === "rejected") throw parsed.reason;
      if (got.status === "rejected") throw got.reason;
      n = got.value;
      this.#base += tailFrom;
      this.#options.onProgress?.(read, this.#size);
      if (eof) break;
      this.#spare = this.#staging;
      this.#staging = next;
    }
    return await this.#finish(fingerprint);
  }

  /** Reads the next chunk into `buffer` after its first `carry` bytes; null at the end of the file. */
  #readInto(buffer: CoreArray<Uint8Array>, carry: number): Promise<number | null> {
    const room = buffer.length - carry;
    return this.#file.read(buffer.view.subarray(carry, carry + Math.min(room, this.#chunk)));
  }

  /** Checks the header once its line is complete; returns the offset after it, or -1 to read more. */
  #header(filled: number, eof: boolean): number {
    const view = this.#staging.view;
    if (filled === 0 && eof) {
      throw new DataSyntaxError(
        `Cannot read ratings "${this.#path}": the file is empty; ${HEADER_HINT}`,
        this.#path,
        1,
        0,
      );
    }
    const kind = fileKind(view.subarray(0, Math.min(filled, 64)));
    if (kind) {
      const what = kind.replaceAll("FILE", `"${this.#path}"`);
      throw new DataSyntaxError(`Cannot read ratings "${this.#path}": ${what}`, this.#path, 1, 0);
    }
    let nl = view.subarray(0, filled).indexOf(0x0a);
    if (nl < 0 && !eof) {
      if (filled >= MAX_LINE_BYTES) this.#tooLong(0, filled);
      return -1;
    }
    if (nl < 0) nl = filled;
    const bom = view[0] === 0xef && view[1] === 0xbb && view[2] === 0xbf ? 3 : 0;
    const text = new TextDecoder().decode(view.subarray(bom, nl)).replace(/\r$/, "");
    const names = text.split(",").map((f) => f.trim().replace(/^"(.*)"$/, "$1").toLowerCase());
    const expected = FIELDS.map((f) => f.toLowerCase());
    const matches = (count: number) => names.length === count && names.every((nm, i) => nm === expected[i]);
    if (matches(4)) this.#hasTime = true;
    else if (matches(3)) this.#hasTime = false;
    else {
      const looksLikeData = /^\s*"?\d/.test(text);
      const hint = looksLikeData
        ? `the file has no header; add the line "userId,movieId,rating,timestamp" at the top`
        : HEADER_HINT;
      throw new DataSyntaxError(
        `Cannot read ratings "${this.#path}" at line 1: unexpected header "${
          displayText(view.subarray(bom, nl))
        }"; ${hint}`,
        this.#path,
        1,
        1,
      );
    }
    return Math.min(filled, nl + 1);
  }

  /** Parses whole lines in `[start, end)` of the staging buffer. */
  async #parse(start: number, end: number): Promise<void> {
    let pos = start;
    const parallelMin = this.#options.parallelMinBytes ?? PARALLEL_MIN_BYTES;
    if (this.#pool && this.#pool.size > 1 && end - start >= parallelMin) {
      pos = await this.#parseParallel(start, end, this.#pool);
    }
    while (pos < end) {
      if (!this.#cols) {
        this.#cols = allocColumns(this.#core, Math.ceil((end - start) / 8) + 16, this.#hasTime);
      }
      const r = parseRatingLines(
        this.#core,
        this.#staging.ptr + pos,
        end - pos,
        this.#cols,
        this.#rows,
        this.#maxUser,
        this.#maxMovie,
      );
      this.#count(r);
      pos += r.bytes;
      if (r.code === ParseCode.Ok) break;
      if (r.code === ParseCode.Full) {
        this.#grow(pos, this.#rows + 1);
        continue;
      }
      const lineEnd = this.#staging.view.subarray(pos, end).indexOf(0x0a);
      const next = lineEnd < 0 ? end : pos + lineEnd + 1;
      const message = this.#rowError(r.code, r.column, this.#staging.view.slice(pos, next));
      if (!this.#options.skipInvalid) {
        throw new DataSyntaxError(
          `${message.text}\n  fix: correct or delete that row, or pass --skip-invalid to skip bad rows (they are counted and reported)`,
          this.#path,
          this.#line + 1,
          message.column,
        );
      }
      this.#report.skippedRows++;
      if (this.#report.skippedExamples.length < EXAMPLES) this.#report.skippedExamples.push(message.text);
      this.#line++;
      pos = next;
    }
  }

  /** Adds one parse call's rows, lines and id maxima to the running totals. */
  #count(r: ParseOutcome): void {
    this.#maxUser = Math.max(this.#maxUser, r.maxUser);
    this.#maxMovie = Math.max(this.#maxMovie, r.maxMovie);
    this.#rows += r.rows;
    this.#line += r.lines;
    this.#report.blankLines += r.blank;
  }

  /**
   * Parses `[start, end)` as one piece per Worker (the first time, {@link WARM_UP_SPLIT}
   * smaller pieces each: a Worker's first calls run unoptimised code until the engine
   * has compiled the parser for speed), cut at line ends, and appends the pieces' rows
   * in order. Returns where the serial parser goes on: `end`, or the bad line where a
   * piece stopped (everything before it is counted).
   */
  async #parseParallel(start: number, end: number, pool: WorkerPool): Promise<number> {
    const view = this.#staging.view;
    const count = pool.size * (this.#parallelRounds++ === 0 ? WARM_UP_SPLIT : 1);
    const cuts = [start];
    for (let w = 1; w < count; w++) {
      const at = Math.max(cuts[w - 1], start + Math.floor(((end - start) * w) / count));
      const nl = view.subarray(at, end).indexOf(0x0a);
      cuts.push(nl < 0 ? end : at + nl + 1);
    }
    cuts.push(end);
    const tasks = cuts.slice(0, -1).map((lo, w) => {
      const len = cuts[w + 1] - lo;
      const capacity = Math.ceil(len / MIN_ROW_BYTES) + 1;
      if (!this.#pieces[w] || this.#pieces[w].users.length < capacity) {
        if (this.#pieces[w]) freeColumns(this.#pieces[w]);
        this.#pieces[w] = allocColumns(this.#core, Math.ceil(capacity * 1.25), this.#hasTime);
      }
      const args = parseArgs(this.#staging.ptr + lo, len, this.#pieces[w], 0, 0, 0);
      return pool.run(w % pool.size, { kernel: "parseRatings", args });
    });
    const results = await settleAll(tasks);
    for (let w = 0; w < results.length; w++) {
      const r = results[w], needed = this.#rows + r.rows;
      if (r.rows > 0) {
        if (!this.#cols || this.#cols.users.length < needed) this.#grow(cuts[w] + r.bytes, needed);
        copyRows(this.#core, this.#pieces[w], this.#cols!, r.rows, this.#rows);
      }
      this.#count(r);
      if (r.code !== ParseCode.Ok) return cuts[w] + r.bytes;
    }
    // The warm-up's extra pieces are not needed again.
    for (const cols of this.#pieces.splice(pool.size)) freeColumns(cols);
    return end;
  }

  /**
   * Grows the columns to hold at least `needed` rows, the rows parsed up to `pos`
   * in the staging buffer: to the whole-file estimate (from the bytes per row so
   * far) the first time, then by a quarter. Keeps the first `#rows` rows.
   */
  #grow(pos: number, needed: number): void {
    const cols = this.#cols;
    const perRow = (this.#base + pos) / needed;
    const estimate = Math.ceil((this.#size / Math.max(perRow, 1)) * 1.02) + 1024;
    const capacity = Math.max(needed, estimate, Math.ceil((cols?.users.length ?? 0) * 1.25) + 1024);
    const bigger = allocColumns(this.#core, capacity, this.#hasTime);
    if (cols) {
      copyRows(this.#core, cols, bigger, this.#rows, 0);
      freeColumns(cols);
    }
    this.#cols = bigger;
  }

  #tooLong(start: number, filled: number): never {
    const sample = this.#staging.view.slice(start, Math.min(filled, start + 60));
    throw new DataSyntaxError(
      `Cannot parse ratings "${this.#path}" at line ${
        this.#line + 1
      }: the line is longer than ${MAX_LINE_BYTES} bytes, so it is not a ratings row (binary data?)\n  row: ${
        displayText(sample)
      }\n  fix: check that "${this.#path}" is a MovieLens ratings.csv`,
      this.#path,
      this.#line + 1,
      0,
    );
  }

  /** The message for a bad row, and the 1-based character column of the bad field. */
  #rowError(code: number, column: number, row: Uint8Array): { text: string; column: number } {
    const line = displayText(row).replace(/(\\x0d)?\\x0a$/, "");
    const fields = splitFields(line);
    const name = this.#hasTime ? FIELDS : FIELDS.slice(0, 3);
    const field = fields[Math.min(column, fields.length - 1)] ?? { text: "", column: 1 };
    const what = `${name[column] ?? "field"} "${field.text}"`;
    let detail: string;
    switch (code) {
      case ParseCode.FieldCount:
        detail = `expected ${name.length} fields (${name.join(",")}), found ${column}`;
        break;
      case ParseCode.BadNumber:
        detail = column === 2 ? `${what} is not a number like 3.5` : `${what} is not a whole number`;
        break;
      case ParseCode.IdRange:
        detail = `${what} is outside 0–2147483647`;
        break;
      case ParseCode.RatingRange:
        detail = `${what} is outside 0.5–5`;
        break;
      case ParseCode.RatingStep:
        detail = `${what} is not a multiple of 0.5`;
        break;
      case ParseCode.TimeRange:
        detail = `${what} is outside 0–4294967295 (seconds since 1970)`;
        break;
      case ParseCode.Quote:
        detail = `field ${column + 1} has an unclosed quote or text after its closing quote`;
        break;
      default:
        detail = `unexpected parser code ${code}`;
    }
    const at = code === ParseCode.FieldCount ? 0 : field.column;
    const lineNo = this.#line + 1;
    const place = at ? `line ${lineNo}, column ${at}` : `line ${lineNo}`;
    return {
      text: `Cannot parse ratings "${this.#path}" at ${place}: ${detail}\n  row: ${line}`,
      column: at,
    };
  }

  async #finish(fingerprint: RatingsFingerprint): Promise<Ratings> {
    const core = this.#core;
    const n = this.#rows;
    if (n === 0 || !this.#cols) {
      const why = this.#report.skippedRows
        ? `all ${this.#report.skippedRows} rows were invalid`
        : "it has no rows";
      throw new DataSyntaxError(
        `Cannot read ratings "${this.#path}": ${why} after the header; expected lines like "1,31,2.5,1260759144"`,
        this.#path,
        this.#line,
        0,
      );
    }
    const cols = this.#cols;
    this.#cols = null;
    const maxIds = { user: this.#maxUser, movie: this.#maxMovie };
    return await assembleRatings(core, cols, n, maxIds, this.#report, fingerprint, this.#pool);
  }
}

/** Splits a displayed row into fields with their 1-based character columns (quotes respected). */
function splitFields(line: string): { text: string; column: number }[] {
  const fields: { text: string; column: number }[] = [];
  let start = 0, quoted = false;
  for (let i = 0; i <= line.length; i++) {
    const ch = line[i];
    if (ch === '"') quoted = !quoted;
    if (i === line.length || (ch === "," && !quoted)) {
      const raw = line.slice(start, i);
      const lead = raw.length - raw.trimStart().length;
      fields.push({ text: raw.trim().replace(/^"(.*)"$/, "$1"), column: start + lead + 1 });
      start = i + 1;
    }
  }
  return fields;
}

/** Formats recognised by their first bytes, with what to do about them. */
const SIGNATURES: { bytes: number[]; what: string }[] = [
  {
    bytes: [0x1f, 0x8b],
    what: "it is gzip-compressed; decompress it first (gunzip -k FILE) and pass the .csv",
  },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: "it is a zip archive; extract ratings.csv from it and pass that" },
  { bytes: [0x42, 0x5a, 0x68], what: "it is bzip2-compressed; decompress it first (bunzip2 -k FILE)" },
  {
    bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
    what: "it is xz-compressed; decompress it first (unxz -k FILE)",
  },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: "it is zstd-compressed; decompress it first (unzstd FILE)" },
];
const UTF16 =
  "it is UTF-16 text, and ratings must be UTF-8; convert it (iconv -f UTF-16 -t UTF-8 FILE > ratings.csv)";

/** What the file looks like when it is not plain text (compressed, UTF-16), or "". */
function fileKind(head: Uint8Array): string {
  for (const { bytes, what } of SIGNATURES) {
    if (head.length >= bytes.length && bytes.every((b, i) => head[i] === b)) return what;
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return UTF16;
  // UTF-16 without a byte-order mark: ASCII text with a zero byte beside every character.
  const pairs = Math.floor(head.length / 2);
  let zeros = 0;
  for (let i = 0; i < pairs * 2; i += 2) if ((head[i] === 0) !== (head[i + 1] === 0)) zeros++;
  return pairs >= 4 && zeros === pairs ? UTF16 : "";
}

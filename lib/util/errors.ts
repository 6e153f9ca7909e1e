/**
 * Error types for bad input. Messages follow one shape: what failed, where
 * (`file:line:column`), the offending text, and how to fix it.
 *
 * @module
 */

/**
 * Unparseable text in a data file, with its position: the message names the
 * file, line and column, shows the row and says how to fix it.
 *
 * @example A bad rating row
 * ```ts
 * import assert from "node:assert/strict";
 * import { DataSyntaxError, train } from "../../mod.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/ratings.csv`, "userId,movieId,rating\n1,10,4.0\n1,11,7.5\n");
 * await assert.rejects(train({ ratingsPath: `${dir}/ratings.csv`, modelPath: null }), (e) => {
 *   assert.ok(e instanceof DataSyntaxError);
 *   assert.equal(e.line, 3);
 *   assert.match(e.message, /rating "7\.5" is outside 0\.5–5/);
 *   return true;
 * });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class DataSyntaxError extends SyntaxError {
  /** The file, as the user named it. */
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  /** 1-based column (in characters), or 0 when the whole line is at fault. */
  readonly column: number;
  /** Builds the error; `message` is the full text shown to the user. */
  constructor(message: string, file: string, line: number, column: number) {
    super(message);
    this.name = "DataSyntaxError";
    this.file = file;
    this.line = line;
    this.column = column;
  }
}

const DECODER = new TextDecoder("utf-8", { fatal: false });

/**
 * Shows raw bytes of a line safely: invalid UTF-8 becomes U+FFFD, control
 * characters become `\xNN`, and long text is cut with an ellipsis.
 */
export function displayText(bytes: Uint8Array, max = 120): string {
  const text = DECODER.decode(bytes);
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    out += code < 0x20 && ch !== "\t" || code === 0x7f ? `\\x${code.toString(16).padStart(2, "0")}` : ch;
    if (out.length >= max) return out.slice(0, max) + "…";
  }
  return out;
}

/** Rewrites a "file not found" error as a message that names the path and the fix. */
export function notFound(what: string, path: string, hint: string, cause: unknown): Error {
  return new Error(`Cannot read ${what} "${path}": file not found; ${hint}`, { cause });
}

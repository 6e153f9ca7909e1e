/**
 * Buffered writing of ASCII-heavy text to a file, with fast integer output.
 *
 * @module
 */

import { writeAll } from "./_io.ts";

const ENCODER = new TextEncoder();

/** Appends text and numbers to a buffer and flushes it to a file when full. */
export class ByteWriter {
  #file: Deno.FsFile;
  #buf: Uint8Array;
  #pos = 0;
  #digits = new Uint8Array(20);
  /** Bytes written so far (flushed or buffered). */
  bytes = 0;

  /** Writes to `file` through a buffer of `size` bytes. */
  constructor(file: Deno.FsFile, size = 1 << 22) {
    this.#file = file;
    this.#buf = new Uint8Array(size);
  }

  /** Makes room for `n` bytes, flushing if needed. */
  async #room(n: number): Promise<void> {
    if (this.#pos + n > this.#buf.length) await this.flush();
  }

  /** Appends a string (UTF-8). */
  async text(s: string): Promise<void> {
    const bytes = ENCODER.encode(s);
    if (bytes.length > this.#buf.length) {
      await this.flush();
      await writeAll(this.#file, bytes);
      this.bytes += bytes.length;
      return;
    }
    await this.#room(bytes.length);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
    this.bytes += bytes.length;
  }

  /** True when at least `n` bytes fit without a flush; then the sync appenders may be used. */
  fits(n: number): boolean {
    return this.#pos + n <= this.#buf.length;
  }

  /** Appends one byte; call only after {@link fits}. */
  byte(b: number): void {
    this.#buf[this.#pos++] = b;
    this.bytes++;
  }

  /** Appends a non-negative integer in decimal; call only after {@link fits}. */
  uint(n: number): void {
    let len = 0;
    do {
      this.#digits[len++] = 48 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
    for (let i = len - 1; i >= 0; i--) this.#buf[this.#pos++] = this.#digits[i];
    this.bytes += len;
  }

  /** Writes the buffer out. */
  async flush(): Promise<void> {
    if (this.#pos === 0) return;
    await writeAll(this.#file, this.#buf.subarray(0, this.#pos));
    this.#pos = 0;
  }
}

/** Quotes a CSV field when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Differential fuzzing of the core's ratings parser: 100,000 (FUZZ_CASES; `deno task fuzz`: 1,000,000) random and
 * mutated CSV fragments go through the WebAssembly kernel; none may trap, and
 * every line must be accepted or rejected exactly as an independent,
 * regex-based reference of the documented grammar decides, with accepted
 * values equal to the reference's and surviving a write-and-parse round trip.
 */

import assert from "node:assert/strict";
import { allocColumns, freeColumns, parseRatingLines } from "../lib/ingest/_ingest_kernels.ts";
import { Rng } from "../lib/util/_random.ts";
import { ParseCode, WasmCore } from "../lib/core/wasm.ts";

type Row = [number, number, number, number];

/** The documented grammar (core-wasm/src/ratings_csv.rs), written independently: a row, "blank", or null. */
function reference(line: string): Row | "blank" | null {
  line = line.replace(/\r$/, "");
  if (/^[ \t]*$/.test(line)) return "blank";
  const fields: string[] = [];
  let rest = line;
  for (;;) {
    const quoted = rest.match(/^[ \t]*"([^"]*)"[ \t]*(,|$)/);
    const plain = rest.match(/^[ \t]*([^,]*?)[ \t]*(,|$)/);
    if (/^[ \t]*"/.test(rest) && !quoted) return null;
    const m = quoted ?? plain!;
    fields.push(m[1]);
    if (m[2] !== ",") break;
    rest = rest.slice(m[0].length);
  }
  if (fields.length !== 4) return null;
  const uint = (s: string, max: number) => (/^\d+$/.test(s) && Number(s) <= max ? Number(s) : null);
  const user = uint(fields[0], 2147483647), movie = uint(fields[1], 2147483647);
  const time = uint(fields[3], 4294967295);
  const r = fields[2].match(/^(\d*)(?:\.(\d*))?$/);
  if (user === null || movie === null || time === null || !r || (r[1] === "" && (r[2] ?? "") === "")) {
    return null;
  }
  const whole = r[1] === "" ? 0 : Number(r[1].replace(/^0+(?=\d)/, "").slice(0, 6));
  const frac = r[2] ?? "";
  const half = /^0*$/.test(frac) ? 0 : /^50*$/.test(frac) ? 1 : -1;
  if (half < 0) return null;
  const rating = whole + half / 2;
  if (rating < 0.5 || rating > 5) return null;
  return [user, movie, rating, time];
}

const ALPHABET = '0123456789,,,..""\r\n \t-+eEaN';

function validRow(rng: Rng): string {
  const q = (s: string) => (rng.float() < 0.1 ? `"${s}"` : s);
  const sp = () => (rng.float() < 0.1 ? " \t"[rng.int(2)] : "");
  const fields = [
    String(rng.float() < 0.05 ? 2147483647 : rng.int(200000)),
    String(rng.int(140000)),
    String((1 + rng.int(10)) / 2) + (rng.float() < 0.3 ? ".0".slice(0, 1 + rng.int(2)) : ""),
    String(rng.float() < 0.05 ? 4294967295 : rng.int(2000000000)),
  ];
  return fields.map((f) => sp() + q(f) + sp()).join(",") + (rng.float() < 0.2 ? "\r\n" : "\n");
}

function fragment(rng: Rng): Uint8Array {
  if (rng.float() < 0.5) {
    let text = "";
    const n = 1 + rng.int(8);
    for (let i = 0; i < n; i++) text += validRow(rng);
    const chars = [...text];
    for (let m = rng.int(4); m > 0; m--) {
      const at = rng.int(chars.length + 1);
      const c = ALPHABET[rng.int(ALPHABET.length)];
      const op = rng.int(3);
      if (op === 0) chars.splice(at, 0, c);
      else if (op === 1) chars.splice(at, 1);
      else chars[at] = c;
    }
    return new TextEncoder().encode(chars.join(""));
  }
  const len = rng.int(60);
  const bytes = new Uint8Array(len);
  for (let i = 0; i < len; i++) {
    bytes[i] = rng.float() < 0.05 ? rng.int(256) : ALPHABET.charCodeAt(rng.int(ALPHABET.length));
  }
  return bytes;
}

/** Fragments to try: 100,000 in the test suite; `deno task fuzz` runs 1,000,000 (FUZZ_CASES). */
const CASES = Number(Deno.env.get("FUZZ_CASES") ?? 100_000);

Deno.test(`parseRatingLines() agrees with the reference grammar on ${CASES.toLocaleString("en")} random and mutated fragments`, async () => {
  const core = await WasmCore.create();
  const rng = new Rng(20260101);
  const cols = allocColumns(core, 64, true);
  using staging = core.allocArray(Uint8Array, 4096);
  const decoder = new TextDecoder();
  let accepted = 0, rejected = 0;
  try {
    for (let f = 0; f < CASES; f++) {
      const bytes = fragment(rng);
      staging.view.set(bytes);
      const lines = decoder.decode(bytes).split("\n");
      if (lines[lines.length - 1] === "") lines.pop();
      const hasInvalidUtf8 = decoder.decode(bytes).includes("\uFFFD");
      let pos = 0, line = 0;
      while (pos < bytes.length) {
        const r = parseRatingLines(core, staging.ptr + pos, bytes.length - pos, cols, 0, 0, 0);
        assert.ok(r.bytes <= bytes.length - pos && r.code !== ParseCode.Full, `fragment ${f}`);
        const u = cols.users.view, m = cols.movies.view, v = cols.ratings.view, t = cols.times!.view;
        let row = 0;
        for (let l = 0; l < r.lines; l++, line++) {
          if (hasInvalidUtf8) continue;
          const ref = reference(lines[line]);
          if (ref === "blank") continue;
          assert.ok(ref !== null, `fragment ${f} line ${line}: accepted ${JSON.stringify(lines[line])}`);
          const got: Row = [u[row], m[row], v[row], t[row]];
          assert.deepEqual(got, ref, `fragment ${f} line ${line}: ${JSON.stringify(lines[line])}`);
          assert.deepEqual(reference(got.join(",")), got, "round trip");
          row++;
          accepted++;
        }
        pos += r.bytes;
        if (r.code === ParseCode.Ok) break;
        if (!hasInvalidUtf8) {
          assert.equal(
            reference(lines[line]),
            null,
            `fragment ${f} line ${line}: rejected ${JSON.stringify(lines[line])}`,
          );
        }
        rejected++;
        const nl = bytes.indexOf(0x0a, pos);
        pos = nl < 0 ? bytes.length : nl + 1;
        line++;
      }
    }
  } finally {
    freeColumns(cols);
  }
  assert.ok(accepted > CASES && rejected > CASES / 2, `accepted ${accepted}, rejected ${rejected}`);
  console.log(
    `${CASES} fragments: ${accepted} rows accepted, ${rejected} rejected, all agreeing with the reference`,
  );
});

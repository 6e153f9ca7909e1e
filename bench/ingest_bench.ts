/**
 * Ingestion benchmark, one measurement per process so peak RSS is its own:
 *   deno run … bench/ingest_bench.ts CSV parse   → parse the CSV (no cache)
 *   deno run … bench/ingest_bench.ts CSV cache   → reload from the cache (writes it first if missing)
 * Prints one JSON object.
 */

import { loadRatings } from "../lib/ingest/ratings_load.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { peakRssMiB, round } from "./_report.ts";

const [csv, mode] = Deno.args;
const core = await WasmCore.create();
if (mode === "cache") (await loadRatings(core, csv)).ratings.free();
const rssBefore = peakRssMiB();
const t0 = performance.now();
const loaded = await loadRatings(core, csv, { cache: mode === "cache" });
const ms = performance.now() - t0;
const bytes = (await Deno.stat(csv)).size;
console.log(JSON.stringify({
  mode,
  from_cache: loaded.fromCache,
  seconds: round(ms / 1000),
  ratings: loaded.ratings.nRatings,
  mb_per_s: round(bytes / 1e6 / (ms / 1000), 1),
  rows_per_s: Math.round(loaded.ratings.nRatings / (ms / 1000)),
  csv_mb: round(bytes / 1e6, 1),
  peak_rss_mib: round(peakRssMiB() ?? NaN, 1),
  rss_before_mib: round(rssBefore ?? NaN, 1),
}));
loaded.ratings.free();

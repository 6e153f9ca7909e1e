/** The ingestion section of `deno task bench`: generates the ML-20M-shaped set once, then measures in subprocesses. */

import { generateMovieLens } from "../lib/data/generate.ts";
import { median } from "./_report.ts";

/** Where the ML-20M-shaped data set is kept between runs. */
export const ML20M_DIR = "bench/data/ml20m-shape";

/** Makes sure the ML-20M-shaped set exists; returns its ratings.csv path. */
export async function ml20mShape(): Promise<string> {
  const csv = `${ML20M_DIR}/ratings.csv`;
  try {
    await Deno.stat(`${ML20M_DIR}/generator.json`);
    await Deno.stat(`${ML20M_DIR}/tmdb_5000_movies.csv`);
  } catch {
    console.log(`Generating the ML-20M-shaped data set in ${ML20M_DIR} (once)…`);
    await generateMovieLens({
      outDir: ML20M_DIR,
      ratings: 20_000_263,
      users: 138_493,
      movies: 26_744,
      seed: 42,
    });
  }
  return csv;
}

async function runOnce(csv: string, mode: string): Promise<Record<string, number>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./ingest_bench.ts", import.meta.url).pathname, csv, mode],
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`ingest benchmark (${mode}) failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** Parses the CSV 3 times and reloads the cache 3 times; reports medians. */
export async function benchIngest(): Promise<Record<string, unknown>> {
  const csv = await ml20mShape();
  const parse = [], cache = [];
  for (let i = 0; i < 3; i++) parse.push(await runOnce(csv, "parse"));
  for (let i = 0; i < 3; i++) cache.push(await runOnce(csv, "cache"));
  const med = (rows: Record<string, number>[], k: string) => median(rows.map((r) => r[k]));
  return {
    data: "ML-20M shape: 20,000,263 ratings, 138,493 users, 26,744 movies",
    csv_mb: parse[0].csv_mb,
    parse_seconds: med(parse, "seconds"),
    parse_mb_per_s: med(parse, "mb_per_s"),
    parse_rows_per_s: med(parse, "rows_per_s"),
    parse_peak_rss_mib: Math.max(...parse.map((r) => r.peak_rss_mib)),
    cached_reload_seconds: med(cache, "seconds"),
    cached_reload_peak_rss_mib: Math.max(...cache.map((r) => r.peak_rss_mib)),
    runs: 3,
  };
}

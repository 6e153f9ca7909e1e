/**
 * `deno task preprocess`: TMDB metadata → movie features (see lib/preprocess.ts).
 *
 * @module
 */

import { preprocess } from "../lib/features/preprocess.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { fmtInt, fmtMs, parseFlags, runCli } from "./_cli.ts";
import { exists } from "./_fs.ts";
import { DATA_DEFAULT_HELP, defaultDataDir } from "./_data.ts";
import { table } from "./_table.ts";

const HELP = `Usage: deno task preprocess [options]

Reads TMDB 5000 metadata (tmdb_5000_movies.csv and, if present,
tmdb_5000_credits.csv), maps MovieLens movies to it (links.csv, else title and
year), and writes movie features: tmdb_features.npy (NumPy float32, movies ×
features), tmdb_feature_columns.json, tmdb_index_map.json and
tmdb_features.csr (sparse, for training).

Options:
  --data DIR    MovieLens folder: movies.csv, links.csv, ratings.csv
                (${DATA_DEFAULT_HELP.replace("\n                      ", " ")})
  --tmdb DIR    folder with the TMDB files (default: DIR of --data when it holds
                them, else data/tmdb)
  --out DIR     where to write the outputs (default: the TMDB folder)
  --json        print one JSON object
  -h, --help    show this help
`;

/** Runs the command. */
export async function main(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    data: { type: "string" },
    tmdb: { type: "string" },
    out: { type: "string" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (v.help) {
    console.log(HELP);
    return;
  }
  const data = v.data ?? (await defaultDataDir("movies.csv", v.json)).dir;
  const tmdbDir = v.tmdb ?? ((await exists(`${data}/tmdb_5000_movies.csv`)) ? data : "data/tmdb");
  const t0 = performance.now();
  const report = await preprocess(await WasmCore.create(), {
    movielensDir: data,
    tmdbDir,
    outDir: v.out,
    onNote: (n) => {
      if (!v.json) console.error(`note: ${n}`);
    },
  });
  const ms = performance.now() - t0;
  if (v.json) {
    console.log(JSON.stringify({ data, tmdb: tmdbDir, seconds: ms / 1000, ...report }));
    return;
  }
  const mapped = report.mappedByLink + report.mappedByTitle;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log(table(["", "coverage"], [
    ["TMDB movies parsed", `${fmtInt(report.tmdbMovies)} of ${fmtInt(report.tmdbRows)} rows`],
    ["credits joined", report.creditRows ? fmtInt(report.creditRows) : "none (no credits file)"],
    ["rows skipped", fmtInt(report.skippedRows)],
    [
      "MovieLens movies mapped",
      `${fmtInt(mapped)} of ${fmtInt(report.movielensMovies)} (${pct(mapped / report.movielensMovies)}): ${
        fmtInt(report.mappedByLink)
      } by links.csv, ${fmtInt(report.mappedByTitle)} by title and year`,
    ],
    ["ratings with metadata", report.ratingShare === null ? "n/a (no ratings.csv)" : pct(report.ratingShare)],
    ["feature columns", fmtInt(report.features)],
  ]));
  for (const e of report.skippedExamples) console.log(`skipped: ${e}`);
  console.log(`Wrote ${report.files.join(", ")} in ${fmtMs(ms)}.`);
}

if (import.meta.main) await runCli("preprocess", () => main(Deno.args));

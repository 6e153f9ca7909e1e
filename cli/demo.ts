/**
 * `deno task demo`: the main job on a small default data set.
 *
 * With no data, generates the default set (200,000 ratings) under
 * data/default, then loads the ratings through the WebAssembly core (from the
 * binary cache when it is current), loads the movie catalogue, splits the
 * ratings and reports what was loaded and the baseline a model must beat.
 *
 * @module
 */

import { exists } from "./_fs.ts";
import { generateMovieLens } from "../lib/generate.ts";
import { loadMovieCatalogue } from "../lib/movies.ts";
import { loadRatings } from "../lib/ratings_load.ts";
import { countSplit, SPLIT, splitRatings } from "../lib/splits.ts";
import { WasmCore } from "../lib/wasm.ts";
import { fmtInt, fmtMs, parseFlags, runCli } from "./_cli.ts";
import { startProgress } from "./_progress.ts";
import { table } from "./_table.ts";

const DEFAULT_DIR = "data/default";

const HELP = `Usage: deno task demo [options]

Runs the pipeline on a data set: with no --data, on a small default set that
is generated on the spot under ${DEFAULT_DIR} (200,000 ratings).

Options:
  --data DIR    a MovieLens-format folder (ratings.csv, movies.csv, links.csv)
  --no-cache    parse ratings.csv even when its binary cache is current
  --json        print one JSON object instead of tables
  -h, --help    show this help
`;

/** Runs the command. */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, {
    data: { type: "string" },
    "no-cache": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const dir = values.data ?? DEFAULT_DIR;
  const say = values.json ? () => {} : console.log;
  let generated = false;
  if (!values.data && !(await exists(`${dir}/ratings.csv`))) {
    const t0 = performance.now();
    const bar = startProgress("Generating", 200_000, "ratings", !values.json);
    try {
      await generateMovieLens({ outDir: dir, onProgress: bar.update });
    } finally {
      bar.stop();
    }
    generated = true;
    say(`Generated the default data set in ${dir}/ (${fmtMs(performance.now() - t0)}).`);
  }

  const core = await WasmCore.create();
  const csv = `${dir}/ratings.csv`;
  const size = (await Deno.stat(csv).catch(() => ({ size: 0 }))).size;
  const bar = startProgress("Loading ratings", Math.ceil(size / 1e6), "MB", !values.json);
  const t1 = performance.now();
  let loaded;
  try {
    loaded = await loadRatings(core, csv, {
      cache: !values["no-cache"],
      onProgress: (done) => bar.update(Math.round(done / 1e6)),
    });
  } finally {
    bar.stop();
  }
  const loadMs = performance.now() - t1;
  using ratings = loaded.ratings;
  if (loaded.cacheWriteWarning) console.error(loaded.cacheWriteWarning);
  const catalogue = await loadMovieCatalogue(`${dir}/movies.csv`);
  const split = splitRatings(ratings);
  const counts = countSplit(split);
  const baseline = globalMeanBaseline(ratings.columns.ratings.view, split, ratings.nRatings);
  const withTmdb = catalogue.movies.filter((m) => m.tmdbId !== null).length;

  const report = {
    data: dir,
    generated,
    ratings: ratings.nRatings,
    users: ratings.nUsers,
    movies: ratings.nMovies,
    catalogueMovies: catalogue.size,
    moviesWithTmdbId: withTmdb,
    meanRating: ratings.meanRating(),
    loadMs,
    fromCache: loaded.fromCache,
    cacheNote: loaded.cacheNote,
    duplicates: ratings.report.duplicates,
    skippedRows: ratings.report.skippedRows,
    split: { kind: "random", seed: 42, ...counts },
    globalMeanTestRmse: baseline,
    notes: catalogue.notes,
  };
  if (values.json) {
    console.log(JSON.stringify(report));
    return;
  }
  const how = loaded.fromCache
    ? "read from the binary cache"
    : `parsed from CSV: ${loaded.cacheNote}${loaded.cacheWriteWarning ? "" : ", cache written"}`;
  say(table(["", dir], [
    ["ratings", `${fmtInt(ratings.nRatings)}  (${fmtMs(loadMs)}; ${how})`],
    ["users", fmtInt(ratings.nUsers)],
    ["movies rated", fmtInt(ratings.nMovies)],
    ["movies in movies.csv", `${fmtInt(catalogue.size)}  (${fmtInt(withTmdb)} with a TMDB id)`],
    ["mean rating", ratings.meanRating().toFixed(3)],
    ["duplicates dropped", fmtInt(ratings.report.duplicates)],
    [
      "split (random, seed 42)",
      `train ${fmtInt(counts.train)} · validation ${fmtInt(counts.validation)} · test ${fmtInt(counts.test)}`,
    ],
    ["baseline test RMSE", `${baseline.toFixed(4)}  (always predict the training mean)`],
  ]));
  for (const note of catalogue.notes) say(`note: ${note}`);
  say("Training (deno task train) comes next; this demo stops after loading and splitting.");
}

/** RMSE on the test side of always predicting the training mean. */
function globalMeanBaseline(r: Float32Array, split: Uint8Array, n: number): number {
  let sum = 0, count = 0;
  for (let i = 0; i < n; i++) {
    if (split[i] === SPLIT.TRAIN) {
      sum += r[i];
      count++;
    }
  }
  const mean = sum / count;
  let sq = 0, tests = 0;
  for (let i = 0; i < n; i++) {
    if (split[i] === SPLIT.TEST) {
      sq += (r[i] - mean) ** 2;
      tests++;
    }
  }
  return Math.sqrt(sq / tests);
}

if (import.meta.main) await runCli("demo", () => main(Deno.args));

/**
 * `deno task gen-data`: writes a generated MovieLens-format data set.
 *
 * @module
 */

import { GENERATE_DEFAULTS, generateMovieLens } from "../lib/data/generate.ts";
import { fmtInt, fmtMs, intFlag, parseFlags, runCli } from "./_cli.ts";
import { startProgress } from "./_progress.ts";
import { DEFAULT_DIR } from "./_data.ts";

const HELP = `Usage: deno task gen-data [options]

Writes a deterministic MovieLens-format data set (ratings.csv, movies.csv,
links.csv) and generator.json, which records the hidden noise level and the
best RMSE a model can reach on it.

Options:
  --ratings N   number of ratings (default: ${fmtInt(GENERATE_DEFAULTS.ratings)})
  --users N     number of users, each with at least 20 ratings (default: ${fmtInt(GENERATE_DEFAULTS.users)})
  --movies N    number of movies (default: ${fmtInt(GENERATE_DEFAULTS.movies)})
  --seed N      random seed (default: ${GENERATE_DEFAULTS.seed})
  --out DIR     output directory (default: data/default, what the other commands use when given no data)
  --quiet       no progress bar
  --json        print what was written as JSON
  -h, --help    show this help

The MovieLens 20M shape: --ratings 20000263 --users 138493 --movies 26744
`;

/** Runs the command. */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, {
    ratings: { type: "string" },
    users: { type: "string" },
    movies: { type: "string" },
    seed: { type: "string" },
    out: { type: "string", default: DEFAULT_DIR },
    quiet: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const ratings = intFlag(values.ratings, "ratings", GENERATE_DEFAULTS.ratings, 1);
  const users = intFlag(values.users, "users", GENERATE_DEFAULTS.users, 1);
  const movies = intFlag(values.movies, "movies", GENERATE_DEFAULTS.movies, 1);
  const seed = intFlag(values.seed, "seed", GENERATE_DEFAULTS.seed, -(2 ** 31), 2 ** 31 - 1);
  const bar = startProgress("Generating", ratings, "ratings", !values.quiet && !values.json);
  const t0 = performance.now();
  let info;
  try {
    info = await generateMovieLens({
      outDir: values.out,
      ratings,
      users,
      movies,
      seed,
      onProgress: bar.update,
    });
  } finally {
    bar.stop();
  }
  const ms = performance.now() - t0;
  if (values.json) {
    console.log(JSON.stringify({ out: values.out, seconds: ms / 1000, ...info }));
    return;
  }
  console.log(
    `Wrote ${fmtInt(info.ratings)} ratings by ${fmtInt(info.users)} users of ${
      fmtInt(info.movies)
    } movies to ${values.out}/ in ${fmtMs(ms)}.`,
  );
  console.log(
    `Mean rating ${info.mean.toFixed(3)} (sd ${info.sd.toFixed(3)}); best reachable RMSE ≈ ${
      info.oracleRmse.toFixed(4)
    } (hidden noise sd ${info.noiseSd}).`,
  );
}

if (import.meta.main) await runCli("gen-data", () => main(Deno.args));

/**
 * `deno task demo`: the main job, end to end, on a small default data set.
 *
 * With no data, generates the default set under data/default (200,000
 * MovieLens-format ratings plus TMDB-format metadata from a hidden low-rank
 * model), turns the metadata into features, trains the model with them,
 * reports test RMSE beside the baselines, and shows one user's top movies.
 *
 * @module
 */

import { generateMovieLens } from "../lib/data/generate.ts";
import { preprocess } from "../lib/features/preprocess.ts";
import { loadRecommender } from "../lib/serve/load.ts";
import { DEFAULT_MODEL_PATH } from "../lib/train/checkpoint.ts";
import { trainFromFile } from "../lib/train/train_pipeline.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { fmtInt, fmtMs, parseFlags, runCli } from "./_cli.ts";
import { exists } from "./_fs.ts";
import { startProgress } from "./_progress.ts";
import { table } from "./_table.ts";
import { movieTable } from "./_format.ts";

const DEFAULT_DIR = "data/default";

const HELP = `Usage: deno task demo [options]

Runs the whole pipeline on a data set: with no --data, on a small default set
generated on the spot under ${DEFAULT_DIR} (200,000 ratings and TMDB-format
metadata). Generates (once), extracts metadata features (once), trains the
model with them, reports test RMSE beside the baselines and shows one user's
top movies. The model is saved to ${DEFAULT_MODEL_PATH}.

Options:
  --data DIR    a MovieLens-format folder (ratings.csv, movies.csv, links.csv;
                TMDB files beside them are used when present)
  --user ID     whose top movies to show (default: the first user)
  --json        print one JSON object instead of tables
  -h, --help    show this help
`;

/** Runs the command. */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, {
    data: { type: "string" },
    user: { type: "string" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const dir = values.data ?? DEFAULT_DIR;
  const say = values.json ? () => {} : console.log;
  const steps: Record<string, number> = {};
  const time = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await fn();
    steps[name] = performance.now() - t;
    return out;
  };

  let generated = false;
  if (!values.data && !(await exists(`${dir}/ratings.csv`))) {
    const bar = startProgress("Generating", 200_000, "ratings", !values.json);
    await time(
      "generate",
      () => generateMovieLens({ outDir: dir, onProgress: bar.update }).finally(bar.stop),
    );
    generated = true;
    say(`Generated the default data set in ${dir}/ (${fmtMs(steps.generate)}).`);
  }
  const core = await WasmCore.create();
  const hasTmdb = await exists(`${dir}/tmdb_5000_movies.csv`);
  if (hasTmdb && !(await exists(`${dir}/tmdb_features.csr`))) {
    const r = await time("preprocess", () => preprocess(core, { movielensDir: dir, tmdbDir: dir }));
    say(
      `Turned TMDB metadata into ${fmtInt(r.features)} features for ${
        fmtInt(r.mappedByLink + r.mappedByTitle)
      } movies (${fmtMs(steps.preprocess)}).`,
    );
  }

  let bar = startProgress("Training", 1, "ratings", !values.json);
  let epochs = 0;
  const result = await time("train", () =>
    trainFromFile(core, {
      ratingsPath: `${dir}/ratings.csv`,
      metadata: hasTmdb ? undefined : false,
      featuresDir: dir,
      onProgress: (done, total) => {
        bar.stop();
        bar = startProgress(`Training epoch ${epochs + 1}`, total, "ratings", !values.json);
        bar.update(done);
      },
      onEpoch: () => epochs++,
    }).finally(() => bar.stop()));
  using _model = result.model;
  const t = result.test;
  const label = `PMF${result.metadata ? " + metadata" : ""} (k=${result.config.k})`;
  say(
    `Trained ${label} on ${fmtInt(result.split.train)} ratings: ${epochs} epochs in ${
      fmtMs(steps.train)
    }, kept epoch ${result.bestEpoch}; saved ${result.modelPath}.`,
  );

  using rec = await time(
    "load",
    () => loadRecommender({ modelPath: result.modelPath ?? DEFAULT_MODEL_PATH }),
  );
  const userId = values.user === undefined ? rec.userIds[0] : Number(values.user);
  const recommended = rec.recommend(userId, 5);
  const top = recommended.map((m) => ({
    movieId: m.movieId,
    title: m.year ? `${m.title} (${m.year})` : m.title,
    genres: m.genres.join(", "),
    predicted: Number(m.rating.toFixed(2)),
    score: Number(m.score.toFixed(3)),
  }));
  const rated = rec.userRatingCount(userId) ?? 0;

  if (values.json) {
    console.log(JSON.stringify({
      data: dir,
      generated,
      ratings: result.data.nRatings,
      users: result.data.nUsers,
      movies: result.data.nMovies,
      split: result.split,
      metadata: result.metadata,
      epochs,
      bestEpoch: result.bestEpoch,
      modelPath: result.modelPath,
      test: result.test,
      user: userId,
      top,
      millis: steps,
    }));
    return;
  }
  say(`\nTest set: ${fmtInt(t.model.n)} ratings`);
  say(table(["model", "RMSE", "MAE"], [
    ["global mean", t.globalMean.rmse.toFixed(4), t.globalMean.mae.toFixed(4)],
    ["biases only", t.biasOnly.rmse.toFixed(4), t.biasOnly.mae.toFixed(4)],
    [label, t.model.rmse.toFixed(4), t.model.mae.toFixed(4)],
  ], [1, 2]));
  say(
    `\nTop 5 for user ${userId} (who rated ${fmtInt(rated)} movies), among movies they have not rated${
      rec.hasRanking ? ", ordered by the ranking model" : ""
    }:`,
  );
  say(movieTable(recommended));
  const modelFlag = result.modelPath && result.modelPath !== DEFAULT_MODEL_PATH
    ? ` --model ${result.modelPath}`
    : "";
  const next = [
    [`deno task predict${modelFlag}`, "ask the model in an interactive prompt"],
    [`deno task predict${modelFlag} --user ${userId} --recommend 10`, "the same from a script (add --json)"],
    ["deno task train --data DIR", "train on your MovieLens files (see data/README.md)"],
  ];
  const width = Math.max(...next.map(([cmd]) => cmd.length)) + 4;
  say(`\nNext:\n${next.map(([cmd, what]) => `  ${cmd.padEnd(width)}${what}`).join("\n")}`);
}

if (import.meta.main) await runCli("demo", () => main(Deno.args));

/**
 * `deno task evaluate`: ranking quality of the model against plain baselines,
 * on one documented protocol (see `lib/evaluate/ranking.ts`).
 *
 * @module
 */

import { loadRatings } from "../lib/ingest/ratings_load.ts";
import { SPLIT, splitRatings } from "../lib/ingest/splits.ts";
import { gatherSide } from "../lib/ingest/rating_set.ts";
import { fitBiases } from "../lib/evaluate/evaluate.ts";
import { baselineReports, type RankingReport, rankingTask, scoreSystem } from "../lib/evaluate/ranking.ts";
import { implicitLists, modelLists } from "../lib/serve/ranking_lists.ts";
import { defaultImplicitConfig, trainImplicit } from "../lib/train/implicit.ts";
import { ratedRows } from "../lib/train/implicit_data.ts";
import { resolveTrainConfig } from "../lib/train/config.ts";
import { trainOnSplit } from "../lib/train/train_split.ts";
import { openFeatures } from "../lib/train/train_pipeline.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { WorkerPool } from "../lib/core/pool.ts";
import { fmtInt, numberFlag, parseFlags, runCli, UsageError } from "./_cli.ts";
import { table } from "./_table.ts";
import { DATA_DEFAULT_HELP, defaultDataDir } from "./_data.ts";
import {
  META_FLAGS,
  META_FLAGS_HELP,
  metaSettings,
  MODEL_FLAGS,
  MODEL_FLAGS_HELP,
  modelSettings,
} from "./_train_flags.ts";

const HELP = `Usage: deno task evaluate [options]

Ranking quality: trains on the older ratings of each user, then compares
each user's top 10 and top 20 with the movies they went on to rate 4 or
more, for the ranking model (implicit-feedback ALS: which movies a user
rates, each rating weighted by how much it was liked; its λ chosen on a
held-out share of the training ratings), the rating model (PMF, ranked by
predicted rating) and baselines (most popular, highest shrunk mean, biases
only, random). Candidates are the movies with training ratings that
the user has not rated. Reports precision, recall, NDCG and MAP at 10 and 20,
catalogue coverage and the mean popularity of what is recommended.

Options:
  --data DIR         folder with ratings.csv (${DATA_DEFAULT_HELP})
  --ratings FILE     a ratings CSV (instead of --data)
  --split KIND       time (default: each user's latest ratings are held out)
                     or random (a seeded random share of each user's ratings)
  --test X           share of each user's ratings held out (default: 0.2)
  --relevant X       smallest held-out rating that counts as a hit (default: 4)
  --json             one JSON object on stdout
  -h, --help         show this help

Model and optimiser (as in 'deno task train'; 5% of the training ratings are
held out for early stopping):
${MODEL_FLAGS_HELP}

Metadata (as in 'deno task train'):
${META_FLAGS_HELP}
`;

/** Runs the command. */
export async function main(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    data: { type: "string" },
    ratings: { type: "string" },
    split: { type: "string", default: "time" },
    test: { type: "string" },
    relevant: { type: "string" },
    ...MODEL_FLAGS,
    ...META_FLAGS,
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (v.help) {
    console.log(HELP);
    return;
  }
  if (v.split !== "time" && v.split !== "random") {
    throw new UsageError(`Invalid --split "${v.split}": expected time or random`);
  }
  if (v.data && v.ratings) throw new UsageError("Pass --data or --ratings, not both");
  const test = numberFlag(v.test, "test", 0.2, 0.01, 0.9);
  const threshold = numberFlag(v.relevant, "relevant", 4, 0.5, 5);
  const { settings, threads } = modelSettings(v);
  const meta = metaSettings(v, settings.optimizer);
  const seed = resolveTrainConfig({ ...settings, ...meta.settings }).seed; // bad settings fail before any work
  const implicitConfig = { ...defaultImplicitConfig(), seed };
  const path = v.ratings ?? `${v.data ?? (await defaultDataDir("ratings.csv", v.json)).dir}/ratings.csv`;
  const core = await WasmCore.create();
  const { ratings } = await loadRatings(core, path, { threads });
  using _ratings = ratings;
  using features = await openFeatures(
    core,
    { metadata: meta.metadata, featuresDir: meta.featuresDir, ratingsPath: path },
    ratings.movieIds,
    (note) => !v.json && console.error(`note: ${note}`),
  );
  const config = resolveTrainConfig({ ...settings, ...meta.settings }, features !== null);
  const split = splitRatings(ratings, { kind: v.split, test, validation: 0.05, seed: config.seed });
  const task = rankingTask(ratings, split, { threshold });
  if (!v.json) {
    console.log(
      `Ranking on ${fmtInt(ratings.nRatings)} ratings from ${path}: ${
        v.split === "time" ? "each user's latest" : "a random"
      } ${Math.round(test * 100)}% held out; ${
        fmtInt(task.users)
      } users with a held-out rating ≥ ${threshold}; ${fmtInt(task.catalogue)} catalogue movies${
        features ? `; model with ${features.nFeatures} TMDB features` : ""
      }`,
    );
  }
  const run = await trainOnSplit(core, ratings, split, { config, threads, features });
  using model = run.model;
  using train = gatherSide(core, ratings, split, SPLIT.TRAIN);
  const biases = fitBiases(train, ratings.nUsers, ratings.nMovies);
  await using pool = await WorkerPool.create(core, { threads });
  const progress = (stage: string, done: number) =>
    !v.json && !done && console.error(`ranking model: ${stage}`);
  const ranking = await trainImplicit(
    core,
    pool,
    ratedRows(core, ratings, (i) => split[i] !== SPLIT.TEST),
    ratings.nMovies,
    implicitConfig,
    progress,
  );
  using implicit = ranking.factors;
  const reports: RankingReport[] = [
    scoreSystem(
      task,
      `ranking model (iALS, k=${implicitConfig.k}, λ=${ranking.reg})`,
      implicitLists(core, implicit, task),
    ),
    scoreSystem(
      task,
      `rating model (PMF, k=${config.k}, epoch ${run.bestEpoch})`,
      modelLists(core, model, features, task),
    ),
    ...baselineReports(task, biases.bi, config.seed),
  ];
  if (v.json) {
    console.log(JSON.stringify({
      ratingsPath: path,
      protocol: { split: v.split, test, relevant: threshold, users: task.users, catalogue: task.catalogue },
      config,
      testRmse: run.test.model.rmse,
      rankingModel: { config: implicitConfig, reg: ranking.reg, selection: ranking.selection },
      systems: reports,
    }));
    return;
  }
  const f = (x: number) => x.toFixed(3);
  console.log(table(
    ["system", "NDCG@10", "recall@10", "recall@20", "P@10", "MAP@10", "coverage@10", "popularity@10"],
    reports.map((r) => [
      r.name,
      f(r.at[10].ndcg),
      f(r.at[10].recall),
      f(r.at[20].recall),
      f(r.at[10].precision),
      f(r.at[10].map),
      f(r.at[10].coverage),
      r.at[10].popularity.toFixed(0),
    ]),
    [1, 2, 3, 4, 5, 6, 7],
  ));
  console.log(
    `popularity@10: mean training ratings of the recommended movies. The model's test RMSE: ${
      run.test.model.rmse.toFixed(4)
    }.`,
  );
}

if (import.meta.main) await runCli("evaluate", () => main(Deno.args));

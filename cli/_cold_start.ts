/** `deno task train --cold-start-eval`: the movie-holdout comparison, as a table or JSON. */

import { coldStartEvaluation } from "../lib/train/cold_start.ts";
import { loadMovieFeatures } from "../lib/features/movie_features.ts";
import { loadRatings } from "../lib/ingest/ratings_load.ts";
import type { SplitOptions } from "../lib/ingest/splits.ts";
import { resolveTrainConfig, type TrainConfig } from "../lib/train/config.ts";
import { defaultFeaturesDir } from "../lib/train/train_pipeline.ts";
import type { WasmCore } from "../lib/core/wasm.ts";
import { fmtInt } from "./_cli.ts";
import type { BpmfConfig } from "../lib/train/bpmf.ts";
import { table } from "./_table.ts";

/** Options the train command passes on. */
export interface ColdStartCommand {
  ratingsPath: string;
  featuresDir?: string;
  settings: Partial<TrainConfig>;
  threads: number;
  split: SplitOptions;
  json: boolean;
  noMetadata: boolean;
  /** Also sample Bayesian PMF (without and with the features) with these settings. */
  bpmf?: BpmfConfig | null;
}

/** Runs the evaluation and prints it. */
export async function coldStartCommand(core: WasmCore, o: ColdStartCommand): Promise<void> {
  const { ratings } = await loadRatings(core, o.ratingsPath);
  using _ratings = ratings;
  const dir = o.featuresDir ?? await defaultFeaturesDir(o.ratingsPath);
  using features = o.noMetadata ? null : await loadMovieFeatures(core, dir, ratings.movieIds);
  const r = await coldStartEvaluation(
    core,
    ratings,
    features,
    resolveTrainConfig(o.settings, features !== null),
    o.threads,
    o.split,
    o.bpmf ?? null,
  );
  if (o.json) {
    console.log(JSON.stringify({ ratingsPath: o.ratingsPath, featuresDir: features ? dir : null, ...r }));
    return;
  }
  const cell = (m: { rmse: number } | null | undefined) => (m ? m.rmse.toFixed(4) : "—");
  const held = (
    m: { coverage90: number } | null | undefined,
  ) => (m ? `${(100 * m.coverage90).toFixed(1)}%` : "—");
  console.log(
    `Held out ${fmtInt(r.coldMovies)} movies (${fmtInt(r.coldMoviesWithMetadata)} with metadata) and their ${
      fmtInt(r.coldRatings)
    } ratings; none was trained on.`,
  );
  const bayes = o.bpmf
    ? [
      ["Bayesian PMF", cell(r.cold.bayes), cell(r.warm.bayes), held(r.cold.bayes), held(r.warm.bayes)],
      [
        "Bayesian PMF + metadata",
        cell(r.cold.bayesMetadata),
        cell(r.warm.bayesMetadata),
        held(r.cold.bayesMetadata),
        held(r.warm.bayesMetadata),
      ],
    ]
    : [];
  const intervals = o.bpmf ? ["cold inside 90%", "warm inside 90%"] : [];
  const pad = o.bpmf ? ["", ""] : [];
  console.log(table(["model", "cold-start RMSE", "warm test RMSE", ...intervals], [
    ["biases only", cell(r.cold.biasOnly), cell(r.warm.biasOnly), ...pad],
    ["PMF", cell(r.cold.noMetadata), cell(r.warm.noMetadata), ...pad],
    ["PMF + metadata", cell(r.cold.metadata), cell(r.warm.metadata), ...pad],
    ...bayes,
  ], o.bpmf ? [1, 2, 3, 4] : [1, 2]));
  if (r.cold.metadata) {
    const gain = 1 - r.cold.metadata.rmse / r.cold.biasOnly.rmse;
    console.log(`Metadata lowers cold-start RMSE by ${(100 * gain).toFixed(1)}% against biases only.`);
  }
}

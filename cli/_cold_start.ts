/** `deno task train --cold-start-eval`: the movie-holdout comparison, as a table or JSON. */

import { coldStartEvaluation } from "../lib/train/cold_start.ts";
import { loadMovieFeatures } from "../lib/features/movie_features.ts";
import { loadRatings } from "../lib/ingest/ratings_load.ts";
import type { SplitOptions } from "../lib/ingest/splits.ts";
import { resolveTrainConfig, type TrainConfig } from "../lib/train/config.ts";
import { defaultFeaturesDir } from "../lib/train/train_pipeline.ts";
import type { WasmCore } from "../lib/core/wasm.ts";
import { fmtInt } from "./_cli.ts";
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
    resolveTrainConfig(o.settings),
    o.threads,
    o.split,
  );
  if (o.json) {
    console.log(JSON.stringify({ ratingsPath: o.ratingsPath, featuresDir: features ? dir : null, ...r }));
    return;
  }
  const cell = (m: { rmse: number } | null) => (m ? m.rmse.toFixed(4) : "—");
  console.log(
    `Held out ${fmtInt(r.coldMovies)} movies (${fmtInt(r.coldMoviesWithMetadata)} with metadata) and their ${
      fmtInt(r.coldRatings)
    } ratings; none was trained on.`,
  );
  console.log(table(["model", "cold-start RMSE", "warm test RMSE"], [
    ["biases only", cell(r.cold.biasOnly), cell(r.warm.biasOnly)],
    ["PMF", cell(r.cold.noMetadata), cell(r.warm.noMetadata)],
    ["PMF + metadata", cell(r.cold.metadata), cell(r.warm.metadata)],
  ], [1, 2]));
  if (r.cold.metadata) {
    const gain = 1 - r.cold.metadata.rmse / r.cold.biasOnly.rmse;
    console.log(`Metadata lowers cold-start RMSE by ${(100 * gain).toFixed(1)}% against biases only.`);
  }
}
